import CSQLite
import Glibc
import Core
import Synchronization

/// One SQLite database in WAL mode with `synchronous=FULL`: a committed transaction survives a
/// SIGKILL or power loss, an interrupted one leaves no trace. All access is serialized through a
/// mutex; transactions are short (metadata only, never blob data).
public final class Database: Sendable {
    private let connection: Mutex<Connection>
    public let path: String

    public init(path: String) throws(CtrError) {
        self.path = path
        let connection = try Connection(path: path)
        self.connection = Mutex(connection)
        try self.connection.withLock { (conn) throws(CtrError) in
            try conn.execute("PRAGMA journal_mode=WAL")
            try conn.execute("PRAGMA synchronous=FULL")
            try conn.execute("PRAGMA foreign_keys=ON")
            try conn.execute("PRAGMA busy_timeout=5000")
        }
    }

    /// Runs `body` inside one transaction; it commits when `body` returns and rolls back when it throws.
    public func transaction<T>(_ body: (borrowing Connection) throws(CtrError) -> T) throws(CtrError) -> T {
        try connection.withLock { (conn) throws(CtrError) -> T in
            try conn.execute("BEGIN IMMEDIATE")
            do throws(CtrError) {
                let result = try body(conn)
                try conn.execute("COMMIT")
                return result
            } catch {
                try? conn.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs read-only `body` without a write lock.
    public func read<T>(_ body: (borrowing Connection) throws(CtrError) -> T) throws(CtrError) -> T {
        try connection.withLock { (conn) throws(CtrError) -> T in try body(conn) }
    }
}

/// A value bound to or read from an SQL statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var text: String? { if case .text(let s) = self { return s } else { return nil } }
    public var integer: Int64? { if case .integer(let i) = self { return i } else { return nil } }
    public var blob: [UInt8]? {
        switch self {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: return nil
        }
    }
}

/// A raw SQLite connection. Only `Database` owns one.
public struct Connection: ~Copyable, @unchecked Sendable {
    // @unchecked: the handle is only ever used under `Database`'s mutex.
    private let handle: OpaquePointer

    init(path: String) throws(CtrError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close(db) }
            throw .internalError("open metadata database \(path): \(message)")
        }
        handle = db
    }

    deinit {
        sqlite3_close(handle)
    }

    private func failure(_ sql: String) -> CtrError {
        let message = String(cString: sqlite3_errmsg(handle))
        let code = sqlite3_extended_errcode(handle)
        if code == sqliteConstraintPrimaryKey || code == sqliteConstraintUnique {
            return .alreadyExists(message)
        }
        // SQLite reports a write that found no space as SQLITE_FULL, or as an I/O error whose
        // errno says so (a journal that cannot grow).
        if code & 0xff == SQLITE_FULL || (code & 0xff == SQLITE_IOERR && sqlite3_system_errno(handle) == ENOSPC) {
            return CtrError(.resourceExhausted, "metadata database: disk full")
        }
        return .internalError("metadata database: \(message) (in \(sql.prefix(60)))")
    }

    /// Executes statements without parameters or results.
    public func execute(_ sql: String) throws(CtrError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure(sql) }
    }

    /// Runs one statement with parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue] = []) throws(CtrError) -> [[SQLValue]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure(sql)
        }
        defer { sqlite3_finalize(statement) }
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch parameter {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let value): rc = sqlite3_bind_int64(statement, index, value)
            case .text(let value): rc = sqlite3_bind_text(statement, index, value, -1, sqliteTransient)
            case .blob(let value):
                rc = value.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                }
            }
            guard rc == SQLITE_OK else { throw failure(sql) }
        }
        var rows: [[SQLValue]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw failure(sql) }
            let columns = sqlite3_column_count(statement)
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER:
                    row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_TEXT:
                    if let text = sqlite3_column_text(statement, column) {
                        row.append(.text(String(cString: text)))
                    } else {
                        row.append(.text(""))
                    }
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    if let bytes = sqlite3_column_blob(statement, column), count > 0 {
                        row.append(.blob(Array(UnsafeRawBufferPointer(start: bytes, count: count))))
                    } else {
                        row.append(.blob([]))
                    }
                default:
                    row.append(.null)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

// Extended result codes that C defines as macros Swift cannot import.
private let sqliteConstraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
private let sqliteConstraintUnique = SQLITE_CONSTRAINT | (8 << 8)

/// SQLite's SQLITE_TRANSIENT: the library copies bound text and blobs.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

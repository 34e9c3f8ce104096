/// Entry points for reading and writing TOML 1.0 documents.
public enum TOML {
    /// Parses a TOML 1.0 document into its root table.
    ///
    /// - Throws: `TOMLError` with the 1-based line and column of the problem.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.parseDocument()
    }

    /// Writes `table` as a TOML document: each table's scalar and array keys
    /// first, then its sub-tables as `[a.b]` sections and arrays of tables as
    /// `[[a.b]]` sections. Parsing the result yields a table equal to `table`
    /// (NaN floats aside, which never compare equal).
    public static func encode(_ table: TOMLTable) -> String {
        var encoder = TOMLEncoder()
        encoder.writeBody(of: table, path: [])
        return encoder.output
    }
}

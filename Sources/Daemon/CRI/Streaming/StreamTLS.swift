import Core
import Crypto
import FoundationEssentials
import Glibc
import NIOSSL
import SwiftASN1
import X509

/// TLS for the stream server (`enable_tls_streaming`): the key pair named by
/// `x509_key_pair_streaming`, or, when none is named, a self-signed pair made at start, as
/// containerd does (clients such as crictl connect without verifying it).
enum StreamTLS {
    /// The server context, or an error naming the file and the cause.
    static func context(certFile: String, keyFile: String, address: String) throws(CtrError) -> NIOSSLContext {
        let certificates: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        if certFile.isEmpty {
            let pair = try selfSigned(address: address)
            certificates = pair.certificates
            key = pair.key
        } else {
            certificates = try load("tls_cert_file", certFile) { try NIOSSLCertificate.fromPEMBytes($0) }
            guard !certificates.isEmpty else {
                throw .invalidArgument("stream server TLS: tls_cert_file \(certFile): no PEM certificate in the file")
            }
            key = try load("tls_key_file", keyFile) { try NIOSSLPrivateKey(bytes: $0, format: .pem) }
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidArgument("stream server TLS: the certificate and key do not make a usable pair: \(error)")
        }
    }

    private static func load<T>(_ key: String, _ path: String, _ parse: ([UInt8]) throws -> T) throws(CtrError) -> T {
        guard let text = readTextFile(path) else {
            throw .invalidArgument("stream server TLS: \(key) \(path): \(Errno.current)")
        }
        do {
            return try parse(Array(text.utf8))
        } catch {
            throw .invalidArgument("stream server TLS: \(key) \(path): not a PEM file of the expected kind: \(error)")
        }
    }

    /// A P-256 key and a certificate signed with it, valid for a year from an hour ago, for
    /// `localhost`, the host's name and the listening address.
    static func selfSigned(address: String) throws(CtrError) -> (certificates: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        do {
            let privateKey = P256.Signing.PrivateKey()
            let name = try DistinguishedName {
                OrganizationName("ctr")
                CommonName("ctr stream server")
            }
            var names: [GeneralName] = [.dnsName("localhost")]
            var host = [CChar](repeating: 0, count: 256)
            if gethostname(&host, host.count - 1) == 0 {
                let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !hostName.isEmpty && hostName != "localhost" { names.append(.dnsName(hostName)) }
            }
            for literal in Set(["127.0.0.1", "::1", address]) {
                if let bytes = ipBytes(literal) { names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...]))) }
            }
            let now = Date()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(),
                publicKey: .init(privateKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(names)
                },
                issuerPrivateKey: .init(privateKey))
            let pem = try certificate.serializeAsPEM().pemString
            return ([try NIOSSLCertificate(bytes: Array(pem.utf8), format: .pem)],
                    try NIOSSLPrivateKey(bytes: Array(privateKey.pemRepresentation.utf8), format: .pem))
        } catch {
            throw .internalError("stream server TLS: cannot make a self-signed certificate: \(error)")
        }
    }

    /// The 4 or 16 bytes of an IP address literal; nil for a host name.
    static func ipBytes(_ literal: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

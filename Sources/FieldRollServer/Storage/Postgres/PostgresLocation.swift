import FieldRollCore
import Foundation

/// Where a PostgreSQL database lives and how to sign in, parsed from a connection URL.
///
/// Accepts `postgres://user:password@host:port/database` and the `postgresql://` spelling, as
/// libpq does: user, password and database are percent-decoded, the port defaults to 5432 and
/// the database to the user's name. The query parameters understood are
/// `sslmode=disable|prefer|require|verify-full` (default `disable`), `sslrootcert=FILE`, a PEM
/// file of the certificate authorities to trust for `verify-full` (default: the system's), and
/// `connect_timeout=SECONDS`, how long opening may take before it fails (default 10).
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://fieldroll:s%40cret@db.example:5432/county")
/// location.password  // "s@cret"
/// ```
struct PostgresLocation: Sendable, Hashable {
    /// How the connection is encrypted (libpq's `sslmode`).
    enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without verifying the certificate.
        case prefer
        /// TLS always, without verifying the certificate.
        case require
        /// TLS always, with the certificate verified against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode
    /// PEM file of trusted certificate authorities (`sslrootcert`); nil: the system's roots.
    var rootCertificate: String?
    /// Seconds that reaching the server and signing in may take (`connect_timeout`).
    var connectTimeout: Int = 10

    /// `host:port`, for messages (never the password).
    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses a connection URL.
    /// - Throws: ``StorageError`` (`invalid-configuration`) naming what is wrong; the message never
    ///   repeats the password.
    init(url text: String) throws(StorageError) {
        func bad(_ why: String) -> StorageError {
            StorageError(.invalidConfiguration, "bad PostgreSQL URL: \(why); expected postgres://user:password@host:port/database")
        }
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)) else {
            throw bad("it does not parse as a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw bad("the scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw bad("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw bad("it names no user") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port \(port) is out of range") }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else { throw bad("the database name \"\(path)\" contains a slash") }
        var tls = TLSMode.disable
        var rootCertificate: String?
        var connectTimeout = 10
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw bad("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                guard let file = item.value, !file.isEmpty else { throw bad("sslrootcert names no file") }
                rootCertificate = file
            case "connect_timeout":
                guard let seconds = item.value.flatMap(Int.init), (1...3600).contains(seconds) else {
                    throw bad("connect_timeout must be a whole number of seconds from 1 to 3600")
                }
                connectTimeout = seconds
            default:
                throw bad("unknown parameter \"\(item.name)\" (only sslmode, sslrootcert and connect_timeout are understood)")
            }
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        self.database = path.isEmpty ? user : path
        self.tls = tls
        self.rootCertificate = rootCertificate
        self.connectTimeout = connectTimeout
    }
}

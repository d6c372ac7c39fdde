import FieldRollCore
import FieldRollTestSupport
import Foundation
import Logging
import Testing

@testable import FieldRollServer

/// The connection to PostgreSQL: `sslmode` and `sslrootcert` in the database URL do what libpq's
/// do, so a city can keep its database on another machine without sending data in clear.
@Suite("PostgreSQL over TLS")
struct PostgresTLSTests {
    let logger = Logger(label: "test")

    /// Opens, initializes and pings a fresh database reached with the given query string.
    func open(_ query: String) async throws {
        let base = try ThrowawayPostgres.shared().createDatabase()
        let storage = try await PostgresStorage.open(url: base + query, logger: logger)
        try await storage.initialize(ServerIdentity.generate())
        try await storage.ping()
        await storage.close()
    }

    @Test("verify-full with the county's CA connects; require encrypts without checking; disable stays plain")
    func modes() async throws {
        let ca = try ThrowawayPostgres.shared().certificateAuthority
        // A minute to connect: the TLS handshakes run beside the rest of the suite on two cores.
        try await open("?sslmode=verify-full&sslrootcert=\(ca)&connect_timeout=60")
        try await open("?sslmode=require&connect_timeout=60")
        try await open("?sslmode=prefer&connect_timeout=60")
        try await open("?sslmode=disable&connect_timeout=60")
    }

    @Test("verify-full refuses a certificate no trusted CA signed; an unreadable sslrootcert is a configuration error")
    func refusals() async throws {
        // The system's roots do not include the test CA.
        let refused = await #expect(throws: StorageError.self) { try await open("?sslmode=verify-full") }
        #expect(refused?.code == .storageFailure)
        #expect(refused?.message.contains("CERTIFICATE_VERIFY_FAILED") == true, "the reason is named")
        let missing = await #expect(throws: StorageError.self) { try await open("?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem") }
        #expect(missing?.code == .invalidConfiguration)
        #expect(missing?.message.contains("/nonexistent/ca.pem") == true)
        let unknown = await #expect(throws: StorageError.self) { try await open("?sslmode=verify-ca") }
        #expect(unknown?.code == .invalidConfiguration)
    }

    @Test("connect_timeout is read like libpq's: whole seconds, a bad value is a configuration error")
    func connectTimeout() async throws {
        try await open("?connect_timeout=30")
        for bad in ["0", "soon", "-5"] {
            let refused = await #expect(throws: StorageError.self) { try await open("?connect_timeout=\(bad)") }
            #expect(refused?.code == .invalidConfiguration)
            #expect(refused?.message.contains("connect_timeout") == true)
        }
    }
}

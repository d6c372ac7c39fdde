import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server serve`
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the sync server (HTTP/1.1 under /v1/) on the data folder's SQLite database.",
            discussion: """
                Put a TLS-terminating reverse proxy in front of it for devices outside this machine. \
                Stops on SIGINT or SIGTERM. Example:
                  fieldroll-server serve --data /var/lib/fieldroll --host 0.0.0.0 --port 8080
                """
        )

        @OptionGroup var options: DataOptions
        @Option(help: "The address to listen on.") var host = "127.0.0.1"
        @Option(help: "The port to listen on (0 picks a free one).") var port = 8080
        @Option(help: "Largest push body in bytes, after gzip.") var maxPushBytes = WireProtocol.defaultMaxPushBytes
        @Option(help: "Most changes in one push.") var maxChanges = WireProtocol.defaultMaxChangesPerPush
        @Option(help: "Largest photo in bytes.") var maxBlobBytes: Int64 = 25 * 1024 * 1024
        @Option(help: "How far ahead of this server's clock a device's stamp may be, in seconds.") var maxClockDrift: Int64 = 300

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
            guard maxPushBytes > 0, maxChanges > 0, maxBlobBytes > 0, maxClockDrift > 0 else { throw ValidationError("limits must be positive") }
        }

        func run() async throws {
            var config = ServerConfiguration(dataDirectory: options.data)
            config.host = host
            config.port = port
            config.maxPushBytes = maxPushBytes
            config.maxChangesPerPush = maxChanges
            config.maxBlobBytes = maxBlobBytes
            config.maxClockDrift = maxClockDrift * 1000
            let server = try await FieldRollServerApp.start(config, logLevel: .info, stopOnSignals: true)
            print("fieldroll-server \(server.storage.serverNode) listening on http://\(host):\(server.port) (data: \(options.data))")
            try await server.wait()
            print("fieldroll-server stopped")
        }
    }

    /// `fieldroll-server migrate`
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")
        @OptionGroup var options: DataOptions

        func run() throws {
            try FileManager.default.createDirectory(atPath: options.data, withIntermediateDirectories: true)
            let applied = try SQLiteStorage.migrate(path: ServerConfiguration(dataDirectory: options.data).databasePath)
            print(applied.isEmpty ? "schema up to date" : "applied migrations: \(applied.joined(separator: ", "))")
        }
    }
}

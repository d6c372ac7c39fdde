import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation
import Logging

extension FieldRollServerCommand {
    /// `fieldroll-server serve`
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the sync server (HTTP/1.1 under /v1/) and the office's web console (/console) on an existing server's data.",
            discussion: """
                The data folder or database must hold a server made by `fieldroll-server init`. \
                Put a TLS-terminating reverse proxy in front of it for devices outside this machine \
                (deploy/ has one). SIGTERM or SIGINT stop it: it stops accepting connections, lets \
                requests under way finish (at most --drain-seconds), and exits 0. It exits 1 at once \
                with one line when the port is taken or the database cannot be opened.
                Every option can also be set by the environment variable in brackets, or in the \
                --config file (KEY=VALUE lines of those variables); flags win. /healthz answers while \
                the process runs; /readyz also checks the database; /metrics answers Prometheus text. \
                Every request is logged on stdout as one line with its method, route, status, time \
                in ms, device and X-Request-ID. Settings without a flag (environment or --config \
                file; docs/server.md lists them all): FIELDROLL_BENEFIT_ROUNDING, \
                FIELDROLL_BENEFIT_MINIMUM, FIELDROLL_STANDARD_MAX_CUT, FIELDROLL_NOTICE_CONTACT, FIELDROLL_CHECKIN_*, \
                FIELDROLL_CROSSCHECK_*, FIELDROLL_REVIEW_CHAIN, FIELDROLL_REVIEW_COUNTIES, \
                FIELDROLL_HOLIDAYS, FIELDROLL_WORKDAYS; FIELDROLL_BACKUP_DIR and FIELDROLL_BACKUP_KEEP_DAYS are read by \
                deploy/backup/fieldroll-backup.sh. Examples:
                  fieldroll-server serve --data /var/lib/fieldroll --host 0.0.0.0 --port 8080
                  fieldroll-server serve --database postgres://fieldroll:…@127.0.0.1/fieldroll \\
                    --blobs /srv/fieldroll/blobs --port 8081
                """
        )

        @OptionGroup var options: ServerOptions
        @Option(help: "The address to listen on [env FIELDROLL_HOST; default 127.0.0.1].") var host: String?
        @Option(help: "The port to listen on, 0 picks a free one [env FIELDROLL_PORT; default 8080].") var port: Int?
        @Option(help: "Largest push body in bytes, after gzip [env FIELDROLL_MAX_PUSH_BYTES].") var maxPushBytes: Int?
        @Option(help: "Most changes in one push [env FIELDROLL_MAX_CHANGES].") var maxChanges: Int?
        @Option(help: "Largest photo in bytes [env FIELDROLL_MAX_BLOB_BYTES].") var maxBlobBytes: Int?
        @Option(
            help: "How far ahead of this server's clock a device's stamp may be, in seconds [env FIELDROLL_MAX_CLOCK_DRIFT; default 300].")
        var maxClockDrift: Int?
        @Option(help: "Seconds to let requests under way finish after SIGTERM [env FIELDROLL_DRAIN_SECONDS; default 20].") var drainSeconds:
            Int?
        @Option(
            help: """
                Seconds a request waits for PostgreSQL before it answers 503 storage-failure (the database down or out of \
                reach); /readyz answers within 2 s whatever happens [env FIELDROLL_STORAGE_TIMEOUT; default 5].
                """)
        var storageTimeout: Double?
        @Option(
            help: """
                Which photos devices download: none, full, or ROLE=POLICY pairs such as caseworker=full,kiosk=none \
                (roles not named keep the default) [env FIELDROLL_DEVICE_PHOTOS; default caseworker=full, other roles none].
                """)
        var devicePhotos: String?
        @Option(help: "Hours a web console sign-in lasts [env FIELDROLL_CONSOLE_SESSION_HOURS; default 8].") var consoleSessionHours: Int?
        @Option(
            help:
                "Comma-separated addresses of reverse proxies whose X-Forwarded-Proto is believed, for Secure console cookies [env FIELDROLL_TRUSTED_PROXIES; default 127.0.0.1,::1]."
        )
        var trustedProxies: String?

        func run() async throws {
            let settings = try options.settings()
            var config = try options.configuration()
            config.host = host ?? settings.value("FIELDROLL_HOST") ?? config.host
            config.port = try port ?? settings.int("FIELDROLL_PORT") ?? config.port
            config.maxPushBytes = try maxPushBytes ?? settings.int("FIELDROLL_MAX_PUSH_BYTES") ?? config.maxPushBytes
            config.maxChangesPerPush = try maxChanges ?? settings.int("FIELDROLL_MAX_CHANGES") ?? config.maxChangesPerPush
            config.maxBlobBytes = Int64(try maxBlobBytes ?? settings.int("FIELDROLL_MAX_BLOB_BYTES") ?? Int(config.maxBlobBytes))
            config.maxClockDrift = Int64(try maxClockDrift ?? settings.int("FIELDROLL_MAX_CLOCK_DRIFT") ?? 300) * 1000
            config.drainSeconds = try drainSeconds ?? settings.int("FIELDROLL_DRAIN_SECONDS") ?? config.drainSeconds
            if let seconds = try storageTimeout ?? settings.value("FIELDROLL_STORAGE_TIMEOUT").map(Self.seconds) {
                guard (1...600).contains(seconds) else {
                    throw CLIFailure(
                        code: .invalidConfiguration, message: "the storage timeout is 1–600 seconds, not \(String(format: "%g", seconds))")
                }
                config.storageTimeout = seconds
            }
            if let text = devicePhotos ?? settings.value("FIELDROLL_DEVICE_PHOTOS") {
                guard let policy = DevicePhotoPolicy(parsing: text) else {
                    let thumbnails = text.lowercased().contains("thumb")
                    throw CLIFailure(
                        code: .invalidConfiguration,
                        message: thumbnails
                            ? "--device-photos: thumbnails are not possible yet (a photo record names only the full image, and the server has no image library to make one); use none or full"
                            : "--device-photos must be none, full, or ROLE=POLICY pairs such as caseworker=full,kiosk=none, not \"\(text.prefix(60))\""
                    )
                }
                config.devicePhotos = policy
            }
            let hours = try consoleSessionHours ?? settings.int("FIELDROLL_CONSOLE_SESSION_HOURS") ?? 8
            guard (1...24).contains(hours) else {
                throw CLIFailure(code: .invalidConfiguration, message: "a console session lasts 1–24 hours, not \(hours)")
            }
            config.consoleSessionLifetime = Int64(hours) * 3_600_000
            if let proxies = trustedProxies ?? settings.value("FIELDROLL_TRUSTED_PROXIES") {
                config.trustedProxies = Set(
                    proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }
            guard (0...65535).contains(config.port) else {
                throw CLIFailure(code: .invalidConfiguration, message: "the port must be 0–65535, not \(config.port)")
            }
            guard config.maxPushBytes > 0, config.maxChangesPerPush > 0, config.maxBlobBytes > 0, config.maxClockDrift > 0,
                config.drainSeconds >= 0
            else {
                throw CLIFailure(code: .invalidConfiguration, message: "limits must be positive")
            }
            // One access line per request on stdout, beside the lines this command prints.
            var logger = Logger(label: "fieldroll-server") { StreamLogHandler.standardOutput(label: $0) }
            logger.logLevel = .info
            let server = try await FieldRollServerApp.start(config, logger: logger, stopOnSignals: true)
            print(
                "fieldroll-server \(server.pipeline.serverNode) listening on http://\(config.host):\(server.port) (\(server.storage.backend): \(config.databaseDescription); photos: \(config.blobDirectory); device photos: \(config.devicePhotos))"
            )
            try await server.wait()
            print("fieldroll-server stopped")
        }

        /// A number of seconds from a setting.
        static func seconds(_ text: String) throws -> Double {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw CLIFailure(
                    code: .invalidConfiguration,
                    message: "FIELDROLL_STORAGE_TIMEOUT must be a number of seconds, not \"\(text.prefix(30))\"")
            }
            return value
        }
    }
}

import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation
import Synchronization

extension FieldRollCommand {
    /// `fieldroll enroll URL CODE`
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol this device with the central office's server using its one-time code.",
            discussion: """
                The office prints the code with `fieldroll-server device enroll`. For a county's own \
                certificate authority pass --ca-file; to pin the server's key pass --pin sha256//BASE64. Example:
                  fieldroll enroll https://fieldroll.county.example K7QM-2XHP-9R4T --ca-file county-ca.pem
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The server's address.") var url: String
        @Argument(help: "The one-time code.") var code: String
        @Option(help: "A PEM file of CA certificates to trust for this server.") var caFile: String?
        @Option(help: "The server's public key pin, sha256//BASE64.") var pin: String?

        func run() async throws {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ClientError(.invalidRecord, "the server address starts with https://")
            }
            let s = try store.open()
            let grant = try await s.enrol(server: ServerEndpoint(baseURL: url, caFile: caFile, pinnedPublicKey: pin), code: code)
            if store.json {
                try Output.json([
                    "device": grant.device.rawValue, "server": grant.server.rawValue, "role": grant.role.rawValue,
                    "scope": grant.scope.digits,
                ])
            } else {
                print("enrolled with \(grant.server) as \(grant.role.rawValue) for \(grant.scope) (\(grant.name))")
            }
        }
    }

    /// `fieldroll sync`
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload photos, push what was recorded offline, pull the region's changes, and download its photos.",
            discussion: """
                Photos of other devices are downloaded when the office's photo policy for this device is \
                full; they are checked against their SHA-256 and kept encrypted like this device's own. \
                Safe to interrupt and to run again: nothing is sent twice or lost, and a cut download \
                resumes where it stopped. Exits 3 when the \
                server refused changes in this sync (they stay on this device and are listed), 1 \
                when the sync could not finish.
                """)
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let s = try store.open()
            let tty = isatty(STDOUT_FILENO) == 1 && !store.json
            let lastPhase = Mutex<SyncProgress.Phase?>(nil)
            let quiet = store.json
            let engine = try await SyncEngine(enrolledStore: s) { p in
                if quiet { return }
                if tty {
                    let total = p.itemsTotal.map { "/\($0)" } ?? ""
                    let bytes = p.bytesTotal.map { "  \(p.bytesDone / 1024)/\($0 / 1024) KiB" } ?? ""
                    let line = "\r\u{1B}[K\(p.phase.rawValue): \(p.itemsDone)\(total)\(bytes)" + (p.phase == .done ? "\n" : "")
                    FileHandle.standardOutput.write(Data(line.utf8))
                } else if lastPhase.withLock({
                    let changed = $0 != p.phase
                    $0 = p.phase
                    return changed
                }) {
                    print("\(p.phase.rawValue)…")
                }
            }
            let report = try await engine.sync()
            let rejected = try s.rejected()
            if store.json {
                try Output.json(report)
                if report.refused > 0 { throw ExitCode(ExitStatus.refused.rawValue) }
                return
            }
            print("photos: \(report.photosUploaded) uploaded (\(report.photoBytesSent / 1024) KiB)")
            print(
                "pushed: \(report.changesApplied) applied, \(report.conflictsRecorded) with conflicts recorded, \(report.duplicates) already there, \(report.refused) refused"
            )
            print("pulled: \(report.pulled) changes\(report.restamped ? "   (this device's clock was corrected from the server)" : "")")
            var downloads = "downloaded: \(report.photosDownloaded) photos (\(report.photoBytesReceived / 1024) KiB)"
            downloads += "   photo policy: \(report.photoPolicy?.rawValue ?? "none (the server set none this device knows)")"
            if report.photosUnavailable > 0 { downloads += "   \(report.photosUnavailable) not on the server yet" }
            print(downloads)
            if report.photoDownloadsFailed > 0 {
                print(
                    "\(report.photoDownloadsFailed) photo downloads discarded: the bytes did not match their SHA-256; the next sync tries again"
                )
            }
            if !rejected.isEmpty {
                print("refused by the server (kept on this device):")
                for r in rejected { print("  \(r.entity.rawValue) \(r.record): \(r.code): \(r.detail)") }
            }
            if report.refused > 0 { throw ExitCode(ExitStatus.refused.rawValue) }
        }
    }
}

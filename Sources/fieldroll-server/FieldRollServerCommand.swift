import ArgumentParser
import FieldRollCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `fieldroll-server`: the central office's command. Errors print as one line,
/// `Error: <code>: <message>`, and exit 1.
@main
struct FieldRollServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll-server",
        abstract: "FieldRoll's central server: the authoritative benefit rolls that field devices sync with.",
        discussion: """
            A county's server keeps everything in one data folder (--data; by default \
            /var/lib/fieldroll for root, else ~/.local/share/fieldroll-server): \
            the SQLite database fieldroll.sqlite and the photo store blobs/. A city's keeps its \
            records in PostgreSQL (--database postgres://…) and its photos in a folder every server \
            process shares (--blobs). Commands other than serve work on the database directly and \
            may run while the server is running. Settings can also come from FIELDROLL_* environment \
            variables or a --config file; see `fieldroll-server serve --help`.

            A first look: fieldroll-server demo
            A first run:
              fieldroll-server init
              fieldroll-server regions import regions.csv
              fieldroll-server import --households households.csv --members members.csv --enrolments enrolments.csv
              fieldroll-server device enroll --name "李敏的平板" --role caseworker --scope 139901002201
              fieldroll-server serve --port 8080
            """,
        version: FieldRollRelease.versionLine,
        subcommands: [
            Demo.self, Init.self, Serve.self, Migrate.self, Backup.self, Restore.self, Device.self, Conflicts.self, Import.self,
            Export.self, Regions.self, Audit.self, User.self,
            Fixtures.self, Review.self, CheckIns.self, CrossCheckCommand.self, Standard.self, Amounts.self, Payments.self, Notice.self,
        ]
    )

    /// Line-buffers stdout first, so `serve` and `demo` under a pipe or systemd show each line
    /// as it happens, then runs the command.
    static func main() async {
        // `stdout` is a C global that Swift 6 will not touch from concurrent code; look it up.
        if let symbol = dlsym(nil, "stdout"), let file = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee {
            setvbuf(file, nil, _IOLBF, 0)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitMappingUsage(error)
        }
    }

    /// Exits for `error`: a wrong command line with status 2 (``ExitStatus/usage``) rather than
    /// ArgumentParser's 64, everything else as ArgumentParser does.
    static func exitMappingUsage(_ error: any Error) -> Never {
        if exitCode(for: error) == .validationFailure {
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Glibc.exit(ExitStatus.usage.rawValue)
        }
        exit(withError: error)
    }
}

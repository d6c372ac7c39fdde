import ArgumentParser
import FieldRollCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `fieldroll`: a caseworker's or kiosk's offline work. Errors print as one line,
/// `Error: <code>: <message>`, and exit 1; see ``ExitStatus`` for the others.
@main
struct FieldRollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll",
        abstract: "Record casework offline on a field device: households, members, visits, photos, check-ins.",
        discussion: """
            Everything is kept in an encrypted store (--data, FIELDROLL_DEVICE, default \
            ~/.local/share/fieldroll) until it is \
            synced. Unlock it with FIELDROLL_PASSPHRASE, --passphrase-file or --key-file (kiosks); \
            on a terminal you are asked for the passphrase.

            A day's work:
              fieldroll init --name "李敏的平板"
              fieldroll household add --region 139901002201 --address "上河村3组12号" --head 王建国 --housing self-built --income 600
              fieldroll member add --household ID --name 王建国 --resident-id 139901195901011234 --relation head --work farming --income 600
              fieldroll visit record --household ID --author 李敏 --answer income.wages=1200.00 --photo house:house.jpg
              fieldroll status
              fieldroll enroll https://fieldroll.county.example K7QM-2XHP-9R4T
              fieldroll sync
            """,
        version: FieldRollRelease.versionLine,
        subcommands: [
            Init.self, Enroll.self, Household.self, Member.self, Visit.self, Photo.self, CheckIn.self, CheckIns.self, Review.self,
            Sync.self,
            Status.self,
        ]
    )

    /// Line-buffers stdout (progress under a pipe shows as it happens), runs the command, and
    /// exits with status 2 for a wrong command line (``ExitStatus/usage``).
    static func main() async {
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
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Glibc.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

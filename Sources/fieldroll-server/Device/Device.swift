import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server device …`
    struct Device: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol, list and revoke field devices.",
            subcommands: [Enroll.self, List.self, Revoke.self]
        )
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a device and print its one-time enrolment code.",
            discussion: """
                The device redeems the code with its own key pair (fieldroll enroll URL CODE) and \
                receives its token. The code works once and expires after --expires-hours. Example:
                  fieldroll-server device enroll --name "李敏的平板" --role caseworker --scope 139901002201
                """
        )
        @OptionGroup var options: ServerOptions
        @Option(help: "A name people recognise, e.g. whose tablet it is.") var name: String
        @Option(help: "What the device may do.") var role: Role
        @Option(help: "The region it may read and write: a 12-digit county, township or village code.") var scope: String
        @Option(help: "Hours until an unused code expires.") var expiresHours = 72
        @Option(help: "Who issues it (recorded in the audit log).") var by = "admin"
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let region: RegionCode
            do { region = try RegionCode(scope) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 80 else {
                throw CLIFailure(code: .invalidRecord, message: "--name must be 1–80 characters")
            }
            guard (1...24 * 30).contains(expiresHours) else {
                throw CLIFailure(code: .invalidRecord, message: "--expires-hours must be 1–720")
            }
            let pipeline = try await options.open()
            let code = Secrets.enrolmentCode()
            let now = CLIClock.millis()
            let id = try await pipeline.createDevice(
                name: trimmed, role: role, scope: region, codeHash: Secrets.hash(code), expiresAt: now + Int64(expiresHours) * 3_600_000,
                as: .operator(by), now: now)
            if json {
                print(#"{"device":"\#(id)","code":"\#(code)","role":"\#(role.rawValue)","scope":"\#(region)"}"#)
            } else {
                print("device \(id) (\(trimmed), \(role.rawValue), scope \(region))")
                print("one-time code: \(code)   valid for \(expiresHours) h")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices with their role, scope and status.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let pipeline = try await options.open()
            let devices = try await pipeline.devices()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(devices), as: UTF8.self))
                return
            }
            print("DEVICE                                STATUS   ROLE        SCOPE         NAME")
            for d in devices {
                print(
                    "\(d.id.rawValue.padding(toLength: 38, withPad: " ", startingAt: 0))\(d.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))\(d.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))\(d.scope.digits)  \(d.name)"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cut a device off at once: its next request is refused.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The device id.") var device: String
        @Option(help: "Who revokes it (recorded in the audit log).") var by = "admin"
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let id: NodeID
            do { id = try NodeID(device) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            let pipeline = try await options.open()
            try await pipeline.revoke(id, as: .operator(by), now: CLIClock.millis())
            await pipeline.storage.close()
            if json { CLIOutput.json(["device": .string(id.rawValue), "status": "revoked"]) } else { print("revoked \(id)") }
        }
    }
}

/// Wall-clock milliseconds for CLI actions.
enum CLIClock {
    static func millis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension StaffRole: ExpressibleByArgument {}

extension FieldRollServerCommand {
    /// `fieldroll-server user …`
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Staff accounts for the web console (/console): add, list, disable, change a password.",
            discussion: """
                Passwords are never given on the command line: the command asks for one on a terminal \
                (twice, not echoed) or reads one line from standard input. Example:
                  fieldroll-server user add zhangke --role approver --scope 139901000000
                  echo "$PASSWORD" | fieldroll-server user passwd zhangke
                """,
            subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserPasswd.self]
        )
    }

    /// Who runs a `user` command, for the audit log.
    struct UserActorOption: ParsableArguments {
        @Option(help: "Who makes the change (recorded in the audit log as admin:<name>).") var by = "admin"
    }

    struct UserAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Create a staff account; the password comes from a prompt or standard input.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var actor: UserActorOption
        @Argument(help: "The sign-in name: 2–32 of a-z, 0-9, '.', '_', '-'.") var name: String
        @Option(help: "What the person may do in the console.") var role: StaffRole
        @Option(help: "The region they see: a 12-digit county, township or village code.") var scope: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let region: RegionCode
            do { region = try RegionCode(scope) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            guard StaffAccount.isValidName(name) else {
                throw CLIFailure(
                    code: .invalidRecord, message: "a sign-in name is 2–32 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
            }
            let password = try PasswordInput.read(confirm: true)
            let pipeline = try await options.open()
            let hash = try await StaffPassword.hash(password)
            let account = try await pipeline.addStaff(
                name: name, role: role, scope: region, passwordHash: hash, as: .operator(actor.by), now: CLIClock.millis())
            await pipeline.storage.close()
            if json {
                CLIOutput.json(["name": .string(account.name), "role": .string(role.rawValue), "scope": .string(region.digits)])
            } else {
                print("staff account \(account.name) (\(role.rawValue), scope \(region)) added")
            }
        }
    }

    struct UserList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List staff accounts with their role, scope and status.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let pipeline = try await options.open()
            let accounts = try await pipeline.staffAccounts()
            await pipeline.storage.close()
            // Sign-in locks are per account and address, held by the running server (docs/console.md).
            func status(_ a: StaffAccount) -> String { a.disabledAt != nil ? "disabled" : "active" }
            if json {
                // Never the password hash.
                print(
                    String(
                        decoding: JSONValue.array(
                            accounts.map { a in
                                .object([
                                    "name": .string(a.name), "role": .string(a.role.rawValue), "scope": .string(a.scope.digits),
                                    "status": .string(status(a)), "createdAt": .string(Instant(millis: a.createdAt).description),
                                ])
                            }
                        ).canonicalBytes, as: UTF8.self))
                return
            }
            if accounts.isEmpty { print("no staff accounts; add one with `fieldroll-server user add NAME --role admin --scope CODE`") }
            for a in accounts {
                print("\(a.name)  \(a.role.rawValue)  scope \(a.scope)  \(status(a))")
            }
        }
    }

    struct UserDisable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable", abstract: "Disable a staff account: it cannot sign in and its sessions end at once.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var actor: UserActorOption
        @Argument(help: "The sign-in name.") var name: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let pipeline = try await options.open()
            try await pipeline.disableStaff(name: name, as: .operator(actor.by), now: CLIClock.millis())
            await pipeline.storage.close()
            if json {
                CLIOutput.json(["name": .string(name), "status": .string("disabled")])
            } else {
                print("staff account \(name) disabled")
            }
        }
    }

    struct UserPasswd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Set a new password (from a prompt or standard input); ends the person's sessions.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var actor: UserActorOption
        @Argument(help: "The sign-in name.") var name: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let password = try PasswordInput.read(confirm: true)
            let pipeline = try await options.open()
            let hash = try await StaffPassword.hash(password)
            try await pipeline.setStaffPassword(name: name, passwordHash: hash, as: .operator(actor.by), now: CLIClock.millis())
            await pipeline.storage.close()
            if json {
                CLIOutput.json(["name": .string(name), "passwordChanged": .bool(true)])
            } else {
                print("password of \(name) changed")
            }
        }
    }
}

/// Reads a password: on a terminal, twice with echo off; otherwise one line from standard input.
enum PasswordInput {
    static func read(confirm: Bool) throws -> String {
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            password = try prompt("Password: ")
            if confirm, try prompt("Again: ") != password {
                throw CLIFailure(code: .invalidRecord, message: "the two passwords differ")
            }
        } else {
            guard let line = readLine(strippingNewline: true) else {
                throw CLIFailure(code: .invalidRecord, message: "no password on standard input")
            }
            password = line
        }
        do { try StaffPassword.validate(password) } catch let error as ProblemDetails {
            throw CLIFailure(code: .invalidRecord, message: error.detail ?? "the password is not acceptable")
        }
        return password
    }

    /// One line from the terminal with echo turned off.
    static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CLIFailure(code: .invalidRecord, message: "no password given")
        }
        return line
    }
}

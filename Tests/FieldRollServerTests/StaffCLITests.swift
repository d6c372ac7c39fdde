import FieldRollCore
import Foundation
import Testing

@Suite("fieldroll-server user manages staff accounts without a password on the command line")
struct StaffCLITests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-user-cli-\(UUID().uuidString)").path

    @Test("add reads the password from standard input; list shows no hash; disable and passwd are audited under the operator")
    func userCommands() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let added = try CLI.run(
            ["user", "add", "zhangke", "--role", "approver", "--scope", "139901000000", "--data", data, "--by", "chief"],
            input: "a long enough password\n")
        #expect(added.0 == 0, "\(added.2)")
        let short = try CLI.run(["user", "add", "li", "--role", "viewer", "--scope", "139901000000", "--data", data], input: "short\n")
        #expect(short.0 != 0 && short.2.contains("at least 10"))
        let none = try CLI.run(["user", "add", "li", "--role", "viewer", "--scope", "139901000000", "--data", data], input: "")
        #expect(none.0 != 0)
        let list = try CLI.run(["user", "list", "--json", "--data", data])
        #expect(list.0 == 0)
        let accounts = try JSONValue(parsing: Data(list.1.utf8)).arrayValue ?? []
        #expect(accounts.count == 1)
        #expect(accounts.first?.objectValue?["role"] == .string("approver"))
        #expect(accounts.first?.objectValue?["status"] == .string("active"))
        #expect(!list.1.contains("$2b$"), "never the hash")
        #expect(
            try CLI.run(["user", "passwd", "zhangke", "--data", data], input: "another long password\n").1
                == "password of zhangke changed\n")
        let passwd = try CLI.run(["user", "passwd", "zhangke", "--json", "--data", data], input: "a third long password\n")
        #expect(passwd.0 == 0 && passwd.1 == #"{"name":"zhangke","passwordChanged":true}"# + "\n", "\(passwd)")
        let disable = try CLI.run(["user", "disable", "zhangke", "--json", "--data", data])
        #expect(disable.0 == 0 && disable.1 == #"{"name":"zhangke","status":"disabled"}"# + "\n", "\(disable)")
        #expect(try CLI.run(["user", "list", "--data", data]).1.contains("disabled"))
        #expect(try CLI.run(["audit", "verify", "--data", data]).0 == 0)
    }
}

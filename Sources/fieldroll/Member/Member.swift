import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation

extension FieldRollCommand {
    /// `fieldroll member …`
    struct Member: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add and edit household members.", subcommands: [MemberAdd.self, MemberEdit.self])
    }

    struct MemberFields: ParsableArguments {
        @Option(help: "Name as on the resident ID.") var name: String?
        @Option(help: "18-character resident ID (checked; encrypted on the device).") var residentId: String?
        @Option(help: "Relation to the head of household.") var relation: Relation?
        @Option(help: "Disability grade (add: default none).") var disability: Disability?
        @Option(help: "State of health (add: default healthy).") var health: Health?
        @Option(help: "Work status.") var work: WorkStatus?
        @Option(help: "Monthly income in yuan.") var income: String?
        @Option(help: "Phone (encrypted on the device). Empty to clear.") var phone: String?

        func values() throws -> [String: JSONValue] {
            var v: [String: JSONValue] = [:]
            if let name { v["name"] = .string(name) }
            if let residentId {
                let rid = try ResidentID(residentId)
                v["residentID"] = .string(rid.rawValue)
                v["birthDate"] = .string(rid.birthDate.description)
                v["sex"] = .string(rid.sex.rawValue)
            }
            if let relation { v["relation"] = .string(relation.rawValue) }
            if let disability { v["disability"] = .string(disability.rawValue) }
            if let health { v["health"] = .string(health.rawValue) }
            if let work { v["work"] = .string(work.rawValue) }
            if let income { v["monthlyIncome"] = .int(try Parse.yuan(income, "income").rawValue) }
            if let phone { v["phone"] = phone.isEmpty ? .null : .string(try PhoneNumber(phone).rawValue) }
            return v
        }
    }

    struct MemberAdd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a member to a household.",
            discussion:
                "Example: fieldroll member add --household 6b0e… --name 王芳 --resident-id 11010519491231002X --relation spouse --work farming --income 300"
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "The household id.") var household: String
        @OptionGroup var fields: MemberFields

        func run() throws {
            let hid: HouseholdID = try Parse.id(household, "household")
            let s = try store.open()
            var values = try fields.values()
            values["householdID"] = .string(hid.description)
            values["region"] = .string(try s.household(hid).household.region.digits)
            values["disability"] = values["disability"] ?? "none"
            values["health"] = values["health"] ?? "healthy"
            let m = try FieldRollCore.Member(id: MemberID(), values: values.filter { $0.value != .null })
            try s.addMember(m.validated())
            if store.json { try Output.json(m) } else { print("member \(m.id) added to household \(hid) (\(m.name), \(m.relation.label))") }
        }
    }

    struct MemberEdit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change some fields of a member.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The member id.") var id: String
        @OptionGroup var fields: MemberFields

        func run() throws {
            let mid: MemberID = try Parse.id(id, "member")
            let values = try fields.values()
            let m = try store.open().editMember(mid, set: values)
            if store.json { try Output.json(m) } else { print("member \(mid) changed: \(values.keys.sorted().joined(separator: ", "))") }
        }
    }
}

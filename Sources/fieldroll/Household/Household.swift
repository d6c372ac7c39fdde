import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation

extension FieldRollCommand {
    /// `fieldroll household …`
    struct Household: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, edit, show, find and list households.",
            subcommands: [HouseholdAdd.self, HouseholdEdit.self, HouseholdShow.self, HouseholdFind.self, HouseholdList.self]
        )
    }

    /// The household fields a person can set, shared by add and edit.
    struct HouseholdFields: ParsableArguments {
        @Option(help: "Address as written on the survey.") var address: String?
        @Option(help: "The head of household's name.") var head: String?
        @Option(help: "Contact phone (encrypted on the device). Empty to clear.") var phone: String?
        @Option(help: "How the household is housed.") var housing: FieldRollCore.Housing?
        @Option(help: "Floor area in m².") var area: Int?
        @Option(help: "Declared total monthly income in yuan, e.g. 1200.50.") var income: String?
        @Option(help: "Declared assets in words.") var assets: String?
        @Option(help: "Notes.") var notes: String?

        func values() throws -> [String: JSONValue] {
            var v: [String: JSONValue] = [:]
            if let address { v["address"] = .string(address) }
            if let head { v["headName"] = .string(head) }
            if let phone { v["phone"] = phone.isEmpty ? .null : .string(try PhoneNumber(phone).rawValue) }
            if let housing { v["housing"] = .string(housing.rawValue) }
            if let area { v["housingArea"] = .int(Int64(area)) }
            if let income { v["declaredMonthlyIncome"] = .int(try Parse.yuan(income, "income").rawValue) }
            if let assets { v["assets"] = .string(assets) }
            if let notes { v["notes"] = .string(notes) }
            return v
        }
    }

    struct HouseholdAdd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Record a new household.",
            discussion:
                #"Example: fieldroll household add --region 139901002201 --address "上河村3组12号" --head 王建国 --housing self-built --income 600"#
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "The village's 12-digit code.") var region: String
        @OptionGroup var fields: HouseholdFields

        func run() throws {
            var values = try fields.values()
            values["region"] = .string(try Parse.region(region).digits)
            let id = HouseholdID()
            let household = try FieldRollCore.Household(id: id, values: values.filter { $0.value != .null })
            let s = try store.open()
            try s.addHousehold(household.validated())
            if store.json {
                try Output.json(household)
            } else {
                print("household \(id) added (\(household.headName), \(household.address))")
            }
        }
    }

    struct HouseholdEdit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Change some fields of a household; only those fields are sent.",
            discussion: "Example: fieldroll household edit 6b0e3c52-… --phone 13800138000 --income 900")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The household id.") var id: String
        @OptionGroup var fields: HouseholdFields

        func run() throws {
            let hid: HouseholdID = try Parse.id(id, "household")
            let values = try fields.values()
            let s = try store.open()
            let h = try s.editHousehold(hid, set: values)
            if store.json { try Output.json(h) } else { print("household \(hid) changed: \(values.keys.sorted().joined(separator: ", "))") }
        }
    }

    struct HouseholdShow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a household with its members, visits, photos, check-ins and roll entries.",
            discussion: """
                Photos list every photo record of the household, and whether its bytes are on this device \
                (taken here, or downloaded by `fieldroll sync` when the office's photo policy for this device is full). \
                Save one to a file with `fieldroll photo export PHOTO_ID --out FILE`.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The household id.") var id: String

        func run() throws {
            let d = try store.open().household(try Parse.id(id, "household"))
            if store.json { return try Output.json(d) }
            let h = d.household
            print("\(h.headName)  \(h.address)  (\(h.region))")
            print(
                "housing \(h.housing.rawValue)\(h.housingArea.map { ", \($0) m²" } ?? "")   declared income \(h.declaredMonthlyIncome) yuan/month   phone \(h.phone?.rawValue ?? "-")"
            )
            print("\nmembers:")
            Output.table(
                ["NAME", "RELATION", "BORN", "RESIDENT ID", "WORK", "INCOME", "ID"],
                d.members.map {
                    [
                        $0.name, $0.relation.label, $0.birthDate.description, $0.residentID.masked, $0.work.rawValue,
                        $0.monthlyIncome.description, $0.id.description,
                    ]
                })
            print("\nvisits: \(d.visits.count)   photos: \(d.photos.count)   check-ins: \(d.checkIns.count)")
            for v in d.visits { print("  \(v.startedAt)  \(v.author)  \(v.answers.count) answers, \(v.photos.count) photos") }
            if !d.photos.isEmpty {
                let here = Set(d.photosOnDevice)
                print("\nphotos:")
                Output.table(
                    ["TAKEN", "KIND", "SIZE", "ON DEVICE", "ID"],
                    d.photos.map {
                        [
                            $0.takenAt.description, $0.kind.rawValue, "\(($0.size + 1023) / 1024) KiB", here.contains($0.id) ? "yes" : "no",
                            $0.id.description,
                        ]
                    })
            }
            for e in d.enrolments { print("roll: \(e.programme.label) \(e.status.rawValue) \(e.monthlyAmount) yuan/month") }
        }
    }

    struct HouseholdList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the households of a village (or township, or county).")
        @OptionGroup var store: StoreOptions
        @Option(help: "A region code.") var region: String

        func run() throws {
            let list = try store.open().households(in: try Parse.region(region))
            if store.json { return try Output.json(list) }
            Output.table(
                ["HEAD", "ADDRESS", "HOUSING", "INCOME", "ID"],
                list.map {
                    [$0.headName, $0.address, $0.housing.rawValue, $0.declaredMonthlyIncome.description, $0.id.description]
                })
            print("\(list.count) household\(list.count == 1 ? "" : "s")")
        }
    }

    struct HouseholdFind: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "find", abstract: "Find households by a member's name (or part of it) or resident ID.",
            discussion: """
                A full 18-character resident ID matches that member exactly (x or X); anything else matches \
                members' and heads' names containing it. Lists each household with the members that \
                matched (resident IDs masked; --json shows them whole) and its roll entries.
                  fieldroll household find 王建国
                  fieldroll household find 11010519491231002X --json
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "A name, part of a name, or a resident ID.") var query: String

        func run() throws {
            let found = try store.open().findHouseholds(query)
            if store.json { return try Output.json(found) }
            for m in found {
                let h = m.household
                let roll = m.enrolments.map { "\($0.programme.label) \($0.status.rawValue)" }.joined(separator: ", ")
                print("\(h.headName)  \(h.address)  (\(h.region))  household \(h.id)\(roll.isEmpty ? "" : "  roll: \(roll)")")
                for member in m.matched {
                    print("    \(member.name)  \(member.relation.label)  \(member.residentID.masked)  member \(member.id)")
                }
            }
            print("\(found.count) household\(found.count == 1 ? "" : "s")")
        }
    }
}

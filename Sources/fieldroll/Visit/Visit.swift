import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation

extension FieldRollCommand {
    /// `fieldroll visit …`
    struct Visit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record household visits.", subcommands: [VisitRecord.self])
    }

    struct VisitRecord: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record", abstract: "Record a visit, with its answers and photos, signed by this device.",
            discussion: """
                Answers come from --answer KEY=VALUE (numbers stay numbers) and/or --answers-file \
                (a JSON object). Photos: --photo KIND:FILE, KIND one of house, id-document, \
                survey-sheet, face, other. Income answers (income.wages, income.pension, …) are yuan a \
                month with at most two decimals (1200, 1200.5, 1200.50), in the file too ("1200.50" or \
                1200.5): the server sums them for the benefit amount. One that is not an amount is \
                refused and nothing is recorded. Example:
                  fieldroll visit record --household 6b0e… --author 李敏 --answer income.wages=1200.00 --answer housing.condition=漏雨 --photo house:house.jpg
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "The household id.") var household: String
        @Option(help: "Who visited (the caseworker signing).") var author: String
        @Option(help: "Start, UTC, e.g. 2026-11-23T08:10:00Z (default: now).") var started: String?
        @Option(help: "End, UTC (default: now).") var ended: String?
        @Option(help: "GPS latitude.") var lat: Double?
        @Option(help: "GPS longitude.") var lon: Double?
        @Option(help: "GPS accuracy in metres.") var accuracy: Double?
        @Option(help: "KEY=VALUE; repeat. Income answers in yuan: income.wages=1350.00.") var answer: [String] = []
        @Option(help: "A JSON object of answers (income answers in yuan).") var answersFile: String?
        @Option(help: "KIND:FILE; repeat.") var photo: [String] = []
        @Option(help: "The visit this one corrects.") var supersedes: String?

        func run() throws {
            var answers: [String: JSONValue] = [:]
            if let answersFile {
                guard let data = FileManager.default.contents(atPath: answersFile) else {
                    throw ClientError(.notFound, "cannot read \(answersFile)")
                }
                guard case .object(let o)? = try? JSONParser.parse(data) else {
                    throw ClientError(.malformedJSON, "\(answersFile) is not a JSON object of answers")
                }
                for (key, value) in o {
                    answers[key] = try SurveyAnswer.value(key: key, json: value, field: "\(answersFile): \(key)")
                }
            }
            for a in answer {
                guard let eq = a.firstIndex(of: "="), eq != a.startIndex else {
                    throw ClientError(.invalidRecord, "--answer takes KEY=VALUE, got \(a)")
                }
                let key = String(a[..<eq])
                answers[key] = try SurveyAnswer.value(key: key, typed: String(a[a.index(after: eq)...]), field: "--answer \(key)")
            }
            let inputs = try photo.map { spec -> PhotoInput in
                guard let colon = spec.firstIndex(of: ":") else {
                    throw ClientError(.invalidRecord, "--photo takes KIND:FILE, got \(spec)")
                }
                let kind: PhotoKind = try Parse.choice(String(spec[..<colon]), "photo kind")
                return try PhotoInput(file: URL(fileURLWithPath: String(spec[spec.index(after: colon)...])), kind: kind)
            }
            let location: GeoPoint? =
                (lat != nil || lon != nil) ? GeoPoint(latitude: lat ?? .nan, longitude: lon ?? .nan, accuracy: accuracy) : nil
            let s = try store.open()
            let now = Instant(millis: DeviceStore.systemClock())
            let v = try s.recordVisit(
                household: try Parse.id(household, "household"), author: author, startedAt: try Parse.instant(started, default: now),
                endedAt: try Parse.instant(ended, default: now), location: location, answers: answers, photos: inputs,
                supersedes: try supersedes.map { try Parse.id($0, "supersedes") })
            if store.json {
                try Output.json(v)
            } else {
                print("visit \(v.id) recorded and signed: \(v.answers.count) answers, \(v.photos.count) photos")
            }
        }
    }

    /// `fieldroll photo attach`
    struct Photo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach photos to households, and save one to a file.", subcommands: [PhotoAttach.self, PhotoExport.self])
    }

    struct PhotoExport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Decrypt a photo held on this device to a file (mode 0600).",
            discussion: """
                Works for photos taken here and for those `fieldroll sync` downloaded; `fieldroll household show` \
                lists a household's photos with their ids and whether each is on this device. The bytes are checked \
                against the photo's SHA-256 before they are written. Example:
                  fieldroll photo export 5f0c2b9e-… --out house.jpg
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The photo id.") var id: String
        @Option(help: "The file to write (replaced if it exists).") var out: String

        func run() throws {
            let p = try store.open().exportPhoto(try Parse.id(id, "photo"), to: URL(fileURLWithPath: out))
            if store.json { try Output.json(p) } else { print("photo \(p.id) (\(p.kind.rawValue), \(p.size) bytes) written to \(out)") }
        }
    }

    struct PhotoAttach: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attach", abstract: "Copy a photo into the encrypted photo store and attach it to a household (and visit).",
            discussion: "Example: fieldroll photo attach --household 6b0e… --kind id-document card.jpg")
        @OptionGroup var store: StoreOptions
        @Option(help: "The household id.") var household: String
        @Option(help: "The visit id, if the photo belongs to one.") var visit: String?
        @Option(help: "What the photo shows.") var kind: PhotoKind
        @Argument(help: "The image file.") var file: String

        func run() throws {
            let input = try PhotoInput(file: URL(fileURLWithPath: file), kind: kind)
            let p = try store.open().attachPhoto(
                input, household: try Parse.id(household, "household"), visit: try visit.map { try Parse.id($0, "visit") })
            if store.json { try Output.json(p) } else { print("photo \(p.sha256.hex.prefix(16))… (\(p.size) bytes) attached") }
        }
    }

    /// `fieldroll checkin`
    struct CheckIn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkin", abstract: "Record a recipient's check-in, signed by this device.",
            subcommands: [CheckInRecord.self], defaultSubcommand: CheckInRecord.self)
    }

    /// `fieldroll checkin record` (also `fieldroll checkin --member …`)
    struct CheckInRecord: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record", abstract: "Record a recipient's check-in, signed by this device.",
            discussion: """
                The member must belong to a household in this device's scope that the roll (as last \
                synced) shows enrolled or suspended; otherwise nothing is recorded and the command exits 1 \
                (not-found, scope-violation or not-enrolled). Find the member's id with \
                `fieldroll household find` or `fieldroll checkins due`.
                Examples:
                  fieldroll checkin record --member 2d74… --method kiosk --place 城关镇便民服务大厅
                  fieldroll checkin record --member 2d74… --method remote-face-match --score 912 --photo face.jpg --place home
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "The member checking in.") var member: String
        @Option(help: "How the recipient checked in.") var method: CheckInMethod
        @Option(help: "Where: the service hall, or home.") var place: String
        @Option(help: "Face-match score per mille (remote-face-match).") var score: Int?
        @Option(help: "The face photo (remote-face-match).") var photo: String?
        @Option(help: "When, UTC (default: now).") var at: String?

        func run() throws {
            let s = try store.open()
            let c = try s.recordCheckIn(
                member: try Parse.id(member, "member"), method: method, place: place, matchScore: score,
                photo: try photo.map { try PhotoInput(file: URL(fileURLWithPath: $0), kind: .face) },
                at: try at.map { try Parse.instant($0, default: Instant(millis: 0)) })
            if store.json { try Output.json(c) } else { print("check-in \(c.id) recorded (\(c.method.rawValue) at \(c.place))") }
        }
    }

    /// `fieldroll checkins …`
    struct CheckIns: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkins", abstract: "Who in this device's scope is due or overdue for a check-in.",
            subcommands: [CheckInsDue.self])
    }

    /// `fieldroll checkins due`
    struct CheckInsDue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "due", abstract: "List enrolled households whose check-in is due or overdue, with their members' ids.",
            discussion: """
                By the server's schedule, as sent with the last sync (before the first sync, the standard \
                one: dibao quarterly, extreme-poverty support monthly, 15 days' grace), over the check-ins \
                this device holds. A household is due from its due date and overdue once the grace days \
                have passed. Days are Asia/Shanghai days.
                  fieldroll checkins due --overdue
                  fieldroll checkins due --within 7 --json
                """)
        @OptionGroup var store: StoreOptions
        @Flag(help: "Only households past their grace days.") var overdue = false
        @Option(help: "Also households due within this many days.") var within = 0
        @Option(help: "A region code (default: this device's scope).") var region: String?
        @Option(help: "The day to count from, YYYY-MM-DD (default: today).") var asOf: String?

        func run() throws {
            let s = try store.open()
            let scope: RegionCode
            if let region {
                scope = try Parse.region(region)
            } else if let enrolled = try s.enrolment() {
                scope = enrolled.scope
            } else {
                throw ValidationError("this device is not enrolled yet; give --region")
            }
            let date =
                try asOf.map { try CalendarDate($0, field: "--as-of") }
                ?? CalendarDate(chinaDayOf: Instant(millis: DeviceStore.systemClock()))
            let list = try s.checkInsDue(in: scope, asOf: date, lookahead: max(0, within)).filter {
                !overdue || $0.standing.state == .overdue
            }
            if store.json { return try Output.json(list) }
            if list.isEmpty { return print("nobody in \(scope) is \(overdue ? "overdue" : "due") on \(date)") }
            Output.table(
                ["HEAD", "ADDRESS", "PROGRAMME", "LAST CHECK-IN", "DUE", "STATE", "HOUSEHOLD", "MEMBERS"],
                list.map {
                    let st = $0.standing
                    let state =
                        st.state == .overdue
                        ? "overdue \(st.daysOverdue) days" : st.state == .due ? "due, grace to \(st.graceEnds)" : "upcoming"
                    return [
                        $0.headName, $0.address, st.programme.label, st.lastCheckIn?.day.description ?? "never", st.due.description, state,
                        $0.householdID.description, $0.members.map { "\($0.name) \($0.id)" }.joined(separator: ", "),
                    ]
                })
            print("\(list.count) household\(list.count == 1 ? "" : "s")")
        }
    }

    /// `fieldroll status`
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What waits to be synced: changes, photos, last sync.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let s = try store.open()
            let p = try s.pending()
            if store.json { return try Output.json(p) }
            print("device \(s.deviceID) (\(s.name))")
            print("pending: \(p.changes) changes in \(p.changeSets) change sets (\(p.bytes) bytes)")
            print("photos not uploaded: \(p.photosNotUploaded) (\(p.photoBytesNotUploaded) bytes)")
            print("last sync: \(p.lastSyncAt.map(\.description) ?? "never")")
        }
    }
}

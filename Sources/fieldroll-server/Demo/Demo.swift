import ArgumentParser
import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server demo`
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch three field devices sync with a server on its embedded SQLite store.",
            discussion: """
                Starts the server with a synthetic county, enrols two caseworkers' tablets for one \
                village and a township hall's kiosk, lets them work offline — both caseworkers edit \
                the same household, one records a visit with a photo, the kiosk takes check-ins — \
                then syncs them all over HTTP and shows what merged, what conflicted, and what the \
                central office must review. With --serve the server keeps running afterwards.
                """)
        @Option(help: "The server's data folder (default: a temporary one, removed afterwards).") var data: String?
        @Option(help: "The port (0 picks a free one).") var port = 0
        @Flag(help: "Keep serving after the demo (Ctrl-C stops).") var serve = false

        func run() async throws {
            let temp = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-demo-\(UUID().uuidString.prefix(8))")
            let dataDir = data ?? temp.appendingPathComponent("server").path
            defer { if data == nil { try? FileManager.default.removeItem(at: temp) } }
            var config = ServerConfiguration(dataDirectory: dataDir)
            config.port = port
            let storage = try await ServerOpener.storage(config, create: true)
            if try await storage.identity() == nil { try await SyncPipeline.initialize(storage, now: now()) }
            await storage.close()
            let server = try await FieldRollServerApp.start(config, logLevel: .error, stopOnSignals: serve)
            let base = "http://127.0.0.1:\(server.port)"
            let pipeline = server.pipeline
            say("① The county office's server is up at \(base), data in \(dataDir) (SQLite, nothing to install).")

            let county = CountyGenerator(seed: 2026, households: 200).generate()
            let tables = CountyFixtureWriter(county: county).tables
            // The county's place names first, read from its regions.csv as an office's list is,
            // so every page and export shows 柳河乡 上河村 rather than 139901002201.
            let places = try PlaceNameCSV.names(in: tables["regions.csv"] ?? CSVTable(header: []), file: "regions.csv")
            let named = try await pipeline.importPlaceNames(places, as: .operator("demo"), now: now())
            let imported = try await OfficeImport(pipeline: pipeline).run(
                households: tables["households.csv"], members: tables["members.csv"], enrolments: tables["enrolments.csv"],
                as: .operator("demo"),
                history: true, source: "the synthetic county", now: now())
            say("   Imported the office's spreadsheets: \(named) place names; \(imported).")

            let village = try RegionCode("139901002201")
            let township = village.ancestor(at: .township)
            let villageName = county.villages.first { $0.code == village }?.name ?? village.digits
            let hallName = county.townships.first { $0.code == township }?.name ?? township.digits
            let li = try await enrol("李敏的平板", .caseworker, village, pipeline, base, temp)
            let wang = try await enrol("王强的平板", .caseworker, village, pipeline, base, temp)
            let kiosk = try await enrol("\(hallName)便民服务大厅", .kiosk, township, pipeline, base, temp)
            say("② Enrolled three devices with one-time codes: two caseworkers for \(villageName) (\(village)), a kiosk for \(hallName).")
            for d in [li, wang, kiosk] { _ = try await d.engine.sync() }
            say(
                "   Each pulled its region: \(try li.store.households(in: village).count) households on each caseworker tablet, \(try kiosk.store.households(in: township).count) on the kiosk."
            )

            // Offline work.
            let household = try li.store.households(in: village)[0]
            _ = try li.store.editHousehold(household.id, set: ["phone": "13912345678", "notes": "屋顶漏雨，需复查"])
            _ = try wang.store.editHousehold(
                household.id,
                set: ["phone": "13787654321", "declaredMonthlyIncome": .int(household.declaredMonthlyIncome.rawValue + 30_000)])
            let photo = Self.fixturePhoto()
            let visit = try li.store.recordVisit(
                household: household.id, author: "李敏", startedAt: Instant(millis: now() - 40 * 60_000), endedAt: Instant(millis: now()),
                location: GeoPoint(latitude: 38.0421, longitude: 114.5143, accuracy: 8),
                answers: ["housing.condition": "漏雨", "income.wages": 90_000],
                photos: photo.map { [PhotoInput(data: $0, kind: .house)] } ?? [])
            let recipients = try kiosk.store.checkInsDue(in: township, asOf: CalendarDate(chinaDayOf: Instant(millis: now()))).prefix(3)
            var checkIns = 0
            for r in recipients {
                if let head = try kiosk.store.household(r.householdID).members.first(where: { $0.relation == .head }) {
                    _ = try kiosk.store.recordCheckIn(member: head.id, method: .kiosk, place: "\(hallName)便民服务大厅")
                    checkIns += 1
                }
            }
            say(
                "③ Offline: 李敏 and 王强 both changed the phone of \(household.headName)'s household (\(household.address)); 李敏 also added a note,"
            )
            say(
                "   王强 a higher declared income. 李敏 recorded a signed visit with \(visit.photos.count) photo(s). The kiosk took \(checkIns) check-ins."
            )

            var reports: [(String, SyncReport)] = []
            for (name, d) in [("李敏", li), ("王强", wang), ("kiosk", kiosk)] { reports.append((name, try await d.engine.sync())) }
            for d in [li, wang, kiosk] { _ = try await d.engine.sync() }
            say("④ Synced over HTTP (libcurl, gzip, signed change sets):")
            for (name, r) in reports {
                say(
                    "   \(name): pushed \(r.changesApplied) applied, \(r.conflictsRecorded) with a conflict recorded; \(r.photosUploaded) photo(s) uploaded; pulled \(r.pulled)."
                )
            }

            let merged = try li.store.household(household.id).household
            say("⑤ What merged — the same on the server and on every device:")
            say(
                "   phone \(merged.phone?.rawValue ?? "-"), notes \(merged.notes ?? "-"), declared income \(merged.declaredMonthlyIncome) yuan/month"
            )
            let conflicts = try await pipeline.conflicts(includeResolved: false, scope: nil)
            let names = [li.store.deviceID: "李敏", wang.store.deviceID: "王强", kiosk.store.deviceID: "kiosk"]
            say("⑥ For the central office to review (\(conflicts.count) open conflict(s); `fieldroll-server conflicts list`):")
            for c in conflicts {
                say(
                    "   \(c.entity.rawValue).\(c.field): kept \(CanonicalJSON.string(c.winner.value)) by \(names[c.winnerDevice] ?? c.winnerDevice.rawValue); other \(CanonicalJSON.string(c.loser.value)) by \(names[c.loserDevice] ?? c.loserDevice.rawValue)"
                )
            }
            let same =
                try li.store.household(household.id).household == wang.store.household(household.id).household
                && (try kiosk.store.household(household.id).household) == merged
            say(
                "   Every replica agrees: \(same ? "yes" : "NO")   The audit log verifies: \(try await pipeline.verifyAudit().ok ? "yes" : "NO")"
            )
            if serve {
                say("\nServing on \(base) with the demo data (Ctrl-C stops). Try: curl \(base)/healthz")
                try await server.wait()
            } else {
                await server.stop()
            }
            guard same else { throw CLIFailure(code: .internalError, message: "the replicas did not converge") }
        }

        struct DemoDevice {
            let store: DeviceStore
            let engine: SyncEngine
        }

        func enrol(_ name: String, _ role: Role, _ scope: RegionCode, _ pipeline: SyncPipeline, _ base: String, _ temp: URL) async throws
            -> DemoDevice
        {
            let code = Secrets.enrolmentCode()
            _ = try await pipeline.createDevice(
                name: name, role: role, scope: scope, codeHash: Secrets.hash(code), expiresAt: now() + 3_600_000, as: .operator("demo"),
                now: now())
            let dir = temp.appendingPathComponent(UUID().uuidString)
            let store = try await FieldRoll.create(at: dir, credential: .passphrase("demo passphrase \(name)"), name: name)
            try await store.enrol(server: ServerEndpoint(baseURL: base), code: code)
            return DemoDevice(store: store, engine: try await SyncEngine(enrolledStore: store))
        }

        func now() -> Int64 { DeviceStore.systemClock() }

        /// The fixture photo, found from the current folder or from the executable's place in
        /// the checkout (`.build/<config>/fieldroll-server`), so the demo works from anywhere.
        ///
        /// The executable is found through `/proc/self/exe`, not `argv[0]`: run through `PATH`
        /// or a symlink, `argv[0]` names no file next to the checkout. When no photo is found
        /// the demo says so on stderr and records its visit without one.
        static func fixturePhoto() -> Data? {
            let relative = "Fixtures/photos/house.jpg"
            var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
            let executable =
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
            var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(dir)
                dir = dir.deletingLastPathComponent()
            }
            for base in candidates {
                if let data = FileManager.default.contents(atPath: base.appendingPathComponent(relative).path) { return data }
            }
            FileHandle.standardError.write(
                Data(
                    "warning: no \(relative) in the current folder or above \(executable); the demo visit has no photo\n".utf8))
            return nil
        }
        func say(_ line: String) { print(line) }
    }
}

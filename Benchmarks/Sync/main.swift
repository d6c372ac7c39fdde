// The standard workload (DESIGN.md, Performance) against a real fieldroll-server process on
// 127.0.0.1. Prints figures; asserts only that nothing failed and everything converged.
//
//   swift run -c release fieldroll-bench [--records 100000] [--quick] [--markdown] [--database postgres://…]
@preconcurrency import Crypto
import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation
import GRDB
import Synchronization

// MARK: Setup

let options = BenchOptions.parseMappingUsage()
let quick = options.quick
let records = options.records ?? (quick ? 2_000 : 100_000)
let deviceCount = options.devices ?? (quick ? 20 : 200)
let photoCount = options.photos ?? (quick ? 20 : 1_000)
let photoSize = 200 * 1024
/// One photo far larger than the rest: the server streams it both ways, so its memory should hardly move.
let largePhotoSize = 50 * 1024 * 1024
/// With a PostgreSQL URL, the server keeps its records there (the database must be empty).
let databaseURL = options.database
let work = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-bench-\(UUID().uuidString.prefix(8))")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

/// The server process, once started: `fail` stops it, since `exit` skips every `defer`.
let runningServer = Mutex<Int32>(0)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fieldroll-bench: \(message)\n".utf8))
    let pid = runningServer.withLock { $0 }
    if pid > 0 { kill(pid, SIGTERM) }
    try? FileManager.default.removeItem(at: work)
    exit(1)
}

/// Says which phase runs, on stderr (the table goes to stdout): a redrawn bar on a terminal,
/// plain lines otherwise.
func progress(_ phase: String, _ done: Int = 0, of total: Int = 0) {
    let terminal = isatty(STDERR_FILENO) == 1
    if total > 0 && terminal {
        let filled = min(30, done * 30 / total)
        let end = done >= total ? "\n" : ""
        FileHandle.standardError.write(
            Data(
                "\r\u{1B}[K\(phase) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: 30 - filled))] \(done)/\(total)\(end)"
                    .utf8))
    } else if total == 0 || done == 0 {
        FileHandle.standardError.write(Data("fieldroll-bench: \(phase)…\n".utf8))
    }
}

func millis() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    guard !xs.isEmpty else { return .nan }
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

/// Peak resident memory of a process, from /proc (VmHWM), in MiB.
func peakRSS(_ pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return .nan }
    return kb / 1024
}

/// Resets a process's peak RSS so the next reading covers only what follows.
func resetPeak(_ pid: Int32) { try? "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8) }

/// Counts the bytes that cross the wire (request and response bodies; gzip where used).
final class CountingClient: HTTPClient {
    let inner: any HTTPClient
    let sent = Mutex<Int64>(0), received = Mutex<Int64>(0)
    init(_ inner: any HTTPClient) { self.inner = inner }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        sent.withLock { $0 += Int64(request.body?.count ?? 0) }
        let r = try await inner.send(request)
        received.withLock { $0 += Int64(r.headers["content-length"].flatMap(Int64.init) ?? Int64(r.body.count)) }
        return r
    }
}

// MARK: The server process

let serverBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fieldroll-server")
guard FileManager.default.isExecutableFile(atPath: serverBinary.path) else {
    fail("build fieldroll-server first (it must sit beside fieldroll-bench)")
}
let serverData = work.appendingPathComponent("server")
let storageArguments = ["--data", serverData.path] + (databaseURL.map { ["--database", $0] } ?? [])
let port = Int.random(in: 20_000...40_000)
func runServerCommand(_ a: [String]) -> String {
    let p = Process()
    p.executableURL = serverBinary
    p.arguments = a + storageArguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    do { try p.run() } catch { fail("cannot run fieldroll-server: \(error)") }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return text
}

let initialized = runServerCommand(["init"])
guard initialized.hasPrefix("created server") else { fail("fieldroll-server init failed (is the database empty?)") }
let village = try RegionCode("139901002201")
let villages = (1...20).map { try! RegionCode("1399010030\(String(format: "%02d", $0))") }
var codes: [(role: String, scope: RegionCode, code: String)] = []
func issue(_ scope: RegionCode) -> String {
    let out = runServerCommand(["device", "enroll", "--name", "bench", "--role", "caseworker", "--scope", scope.digits, "--json"])
    guard let code = (try? JSONValue(parsing: Data(out.utf8)))?.objectValue?["code"]?.stringValue else {
        fail("device enroll failed: \(out)")
    }
    return code
}
let pusherCode = issue(village)
/// Field edits go to a village of their own, so that the swarm's pulls do not carry them.
let editVillage = try RegionCode("139901004201")
let editorCode = issue(editVillage)
let networkCode = issue(village)
let pullerCode = issue(village)
let noopCode = issue(village)
let photoCode = issue(village)
let swarmCodes = (0..<deviceCount).map { issue(villages[$0 % villages.count]) }

let server = Process()
server.executableURL = serverBinary
server.arguments = ["serve"] + storageArguments + ["--port", String(port), "--max-blob-bytes", String(largePhotoSize)]
// The server logs a line per request: into a file, since a pipe nobody reads fills up after a few
// hundred lines and then blocks the server's every request.
let serverLogPath = work.appendingPathComponent("server.log").path
FileManager.default.createFile(atPath: serverLogPath, contents: nil)
guard let serverLog = FileHandle(forWritingAtPath: serverLogPath) else { fail("cannot write \(serverLogPath)") }
server.standardOutput = serverLog
server.standardError = serverLog
try server.run()
runningServer.withLock { $0 = server.processIdentifier }
defer {
    kill(server.processIdentifier, SIGTERM)
    server.waitUntilExit()
}
let endpoint = ServerEndpoint(baseURL: "http://127.0.0.1:\(port)")
for i in 0..<200 {
    if (try? await CurlHTTPClient(endpoint: endpoint).send(HTTPRequest(method: "GET", path: "/healthz")))?.status == 200 { break }
    if i == 199 { fail("the server did not start") }
    try await Task.sleep(for: .milliseconds(50))
}

/// A simulated device: a key, an id, a clock, a token. Enough to push and pull.
final class SimDevice: @unchecked Sendable {
    let id = try! NodeID(UUID().uuidString.lowercased())
    var region: RegionCode = village
    let key = Curve25519.Signing.PrivateKey()
    var clock: HybridLogicalClock
    var api: SyncAPI
    init(code: String, http: any HTTPClient) async throws {
        clock = HybridLogicalClock(node: id)
        api = SyncAPI(http: http)
        let grant = try await api.enrol(code: code, publicKey: key.publicKey, device: id)
        api.token = grant.token
    }
    func stamp() -> HLCTimestamp { clock.tick(now: Int64(Date().timeIntervalSince1970 * 1000)) }
}

// MARK: 1. Push N visit-sized records

let pushCounter = CountingClient(CurlHTTPClient(endpoint: endpoint))
let pusher = try await SimDevice(code: pusherCode, http: pushCounter)
let household = HouseholdID()
let answers: [String: JSONValue] = [
    "income.wages": 120_000, "income.pension": 0, "income.farming": 35_000, "housing.condition": "漏雨，墙体开裂",
    "housing.rooms": 3, "assets.vehicle": "电动三轮车一辆", "health.chronic": "高血压", "members.present": 3, "notes": "户主腿脚不便，需上门核查",
]
func visitChange(_ i: Int) throws -> Change {
    let v = try Visit(
        householdID: household, region: village, author: "李敏", device: pusher.id,
        startedAt: Instant(millis: 1_795_000_000_000 + Int64(i) * 1000),
        endedAt: Instant(millis: 1_795_000_600_000 + Int64(i) * 1000),
        location: GeoPoint(latitude: 38.0421, longitude: 114.5143, accuracy: 8),
        answers: answers
    ).signed(with: pusher.key)
    let body = try JSONValue(encoding: v)
    return Change(entity: .visit, record: v.id.description, region: village, payload: .body(body))
}
let batch = 500
var pushErrors = 0
let sampleBytes: Int = { if case .body(let b)? = try? visitChange(0).payload { b.canonicalBytes.count } else { 0 } }()
// Build the change sets first, so the figure is the sync's, not the signing's.
var batches: [PushRequest] = []
for start in stride(from: 0, to: records, by: batch) {
    var sets: [ChangeSet] = []
    for i in start..<min(start + batch, records) {
        sets.append(try ChangeSet(origin: pusher.id, stamp: pusher.stamp(), changes: [try visitChange(i)]).signed(with: pusher.key))
    }
    batches.append(PushRequest(changeSets: sets))
}
// The visits' household, on the server before them (a visit naming no household is refused);
// pushed outside the timed figure, and counted in the pulls below.
let householdWrites: [String: JSONValue] = [
    "region": .string(village.digits), "address": "上河村3组12号", "headName": "王建国", "housing": "self-built",
    "declaredMonthlyIncome": 60_000,
]
let householdStamp = pusher.stamp()
let householdChange = Change(
    entity: .household, record: household.description, region: village,
    payload: .writes(
        householdWrites.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: householdStamp, base: nil) }))
let householdPush = try await pusher.api.push(
    PushRequest(changeSets: [try ChangeSet(origin: pusher.id, stamp: pusher.stamp(), changes: [householdChange]).signed(with: pusher.key)]))
if householdPush.results.first?.status != .applied { fail("the visits' household was refused: \(householdPush.results)") }
let pushStart = millis()
for (n, request) in batches.enumerated() {
    progress("push \(records) visits", n, of: batches.count)
    let r = try await pusher.api.push(request)
    pushErrors += r.results.filter { $0.status != .applied }.count
}
let pushMs = millis() - pushStart
progress("push \(records) visits", batches.count, of: batches.count)
let pushWire = Double(pushCounter.sent.withLock { $0 } + pushCounter.received.withLock { $0 }) / Double(records)
// Drop the prebuilt batches so the pull's peak memory is the device's, not the benchmark's.
batches = []

// MARK: 2a. Network only: the same pages fetched and parsed, not applied
progress("network-only pull")

let networkDevice = try await SimDevice(code: networkCode, http: CurlHTTPClient(endpoint: endpoint))
let pageSize = SyncOptions().pullPageSize
let networkStart = millis()
var networkPulled = 0
var networkCursor: SyncCursor?
while true {
    let page = try await networkDevice.api.pull(after: networkCursor, limit: pageSize)
    networkPulled += page.changes.count
    networkCursor = page.cursor
    if !page.more { break }
}
let networkMs = millis() - networkStart
if networkPulled != records + 1 { fail("the network-only pull fetched \(networkPulled) of \(records) visits and their household") }

// MARK: 2b. A fresh device pulls all N into its local store
progress("a fresh device pulls all records")

let serverRSSBeforePull = peakRSS(server.processIdentifier)
resetPeak(server.processIdentifier)
resetPeak(getpid())
let pullCounter = CountingClient(CurlHTTPClient(endpoint: endpoint))
let pullStore = try DeviceStore.create(
    at: work.appendingPathComponent("puller"), credential: .passphrase("benchmark passphrase"), name: "puller")
let pullGrant = try await SyncAPI(http: pullCounter).enrol(code: pullerCode, publicKey: pullStore.publicKey, device: pullStore.deviceID)
let pullEngine = SyncEngine(store: pullStore, api: SyncAPI(http: pullCounter, token: pullGrant.token), server: pullGrant.server)
let pullStart = millis()
let pullReport = try await pullEngine.sync()
let pullMs = millis() - pullStart
let serverRSSPull = peakRSS(server.processIdentifier)
let clientRSSPull = peakRSS(getpid())
if pullReport.pulled != records + 1 { fail("the fresh device pulled \(pullReport.pulled) of \(records) visits and their household") }
let pullWire = Double(pullCounter.received.withLock { $0 } + pullCounter.sent.withLock { $0 }) / Double(records)

// MARK: 2c. Field edits: households, 100 changes per signed change set
progress("push \(records) field edits")

let editor = try await SimDevice(code: editorCode, http: CurlHTTPClient(endpoint: endpoint))
editor.region = editVillage
let editsPerSet = 100
var editRequests: [PushRequest] = []
var pendingSets: [ChangeSet] = []
for start in stride(from: 0, to: records, by: editsPerSet) {
    var changes: [Change] = []
    for i in start..<min(start + editsPerSet, records) {
        let stamp = editor.stamp()
        changes.append(
            Change(
                entity: .household, record: HouseholdID().description, region: editVillage,
                payload: .writes([
                    FieldWrite(field: "region", value: .string(editVillage.digits), stamp: stamp, base: nil),
                    FieldWrite(field: "address", value: .string("下河村\(i)号"), stamp: stamp, base: nil),
                    FieldWrite(field: "headName", value: "张秀英", stamp: stamp, base: nil),
                    FieldWrite(field: "housing", value: "owned", stamp: stamp, base: nil),
                    FieldWrite(field: "declaredMonthlyIncome", value: .int(Int64(i % 90_000)), stamp: stamp, base: nil),
                ])))
    }
    pendingSets.append(try ChangeSet(origin: editor.id, stamp: editor.stamp(), changes: changes).signed(with: editor.key))
    // Up to 900 changes per push, the device's own limit.
    if pendingSets.count * editsPerSet >= 900 {
        editRequests.append(PushRequest(changeSets: pendingSets))
        pendingSets = []
    }
}
if !pendingSets.isEmpty { editRequests.append(PushRequest(changeSets: pendingSets)) }
var editErrors = 0
let editStart = millis()
for (n, request) in editRequests.enumerated() {
    progress("push \(records) field edits", n, of: editRequests.count)
    let r = try await editor.api.push(request)
    editErrors += r.results.filter { $0.status != .applied }.count
}
let editMs = millis() - editStart
progress("push \(records) field edits", editRequests.count, of: editRequests.count)
editRequests = []

// MARK: 3. An up-to-date device asks for changes
progress("no-op pulls")

let noop = try await SimDevice(code: noopCode, http: CurlHTTPClient(endpoint: endpoint))
var cursor: SyncCursor?
while true {
    let page = try await noop.api.pull(after: cursor, limit: 2000)
    cursor = page.cursor
    if !page.more { break }
}
var noopTimes: [Double] = []
for _ in 0..<(quick ? 50 : 500) {
    let t = millis()
    let page = try await noop.api.pull(after: cursor, limit: 500)
    noopTimes.append(millis() - t)
    if !page.changes.isEmpty { fail("a no-op pull returned changes") }
}

// MARK: 4. 200 devices sync at once
progress("devices sync at once")

let swarm = try await withThrowingTaskGroup(of: SimDevice.self) { group in
    for (i, code) in swarmCodes.enumerated() {
        group.addTask {
            let d = try await SimDevice(code: code, http: CurlHTTPClient(endpoint: endpoint))
            d.region = villages[i % villages.count]
            return d
        }
    }
    var out: [SimDevice] = []
    for try await d in group { out.append(d) }
    return out
}
let swarmRegion = Dictionary(uniqueKeysWithValues: swarm.map { ($0.id, $0.region) })
let swarmErrors = Mutex(0)
let swarmStart = millis()
let swarmTimes = await withTaskGroup(of: Double?.self) { group in
    for d in swarm {
        group.addTask {
            let t = millis()
            do {
                let region = swarmRegion[d.id] ?? village
                var changes: [Change] = []
                for i in 0..<100 {
                    let stamp = d.stamp()
                    changes.append(
                        Change(
                            entity: .household, record: HouseholdID().description, region: region,
                            payload: .writes([
                                FieldWrite(field: "region", value: .string(region.digits), stamp: stamp, base: nil),
                                FieldWrite(field: "address", value: .string("\(i)号"), stamp: stamp, base: nil),
                                FieldWrite(field: "headName", value: "王建国", stamp: stamp, base: nil),
                                FieldWrite(field: "housing", value: "owned", stamp: stamp, base: nil),
                                FieldWrite(field: "declaredMonthlyIncome", value: .int(Int64(i * 100)), stamp: stamp, base: nil),
                            ])))
                }
                let set = try ChangeSet(origin: d.id, stamp: d.stamp(), changes: changes).signed(with: d.key)
                let r = try await d.api.push(PushRequest(changeSets: [set]))
                if r.results.contains(where: { $0.status != .applied }) { swarmErrors.withLock { $0 += 1 } }
                var c: SyncCursor?
                while true {
                    let page = try await d.api.pull(after: c, limit: 2000)
                    c = page.cursor
                    if !page.more { break }
                }
                return millis() - t
            } catch {
                swarmErrors.withLock { $0 += 1 }
                return nil
            }
        }
    }
    var out: [Double] = []
    for await t in group { if let t { out.append(t) } }
    return out
}
let swarmMs = millis() - swarmStart
// Convergence: afterwards every device sees all 100 × (devices in its village) households.
var converged = true
for d in swarm.prefix(quick ? swarm.count : 40) {
    var c: SyncCursor?
    var seen = Set<String>()
    while true {
        let page = try await d.api.pull(after: c, limit: 2000)
        for p in page.changes where p.change.entity == .household { seen.insert(p.change.record) }
        c = page.cursor
        if !page.more { break }
    }
    let region = swarmRegion[d.id] ?? village
    let expected = swarm.filter { swarmRegion[$0.id] == region }.count * 100
    if seen.count != expected { converged = false }
}

// MARK: 5. Photos
progress("photo uploads")

let photoDevice = try await SimDevice(code: photoCode, http: CurlHTTPClient(endpoint: endpoint))
var rng = SeededRandom(seed: 42)
let photos = (0..<photoCount).map { _ in Data((0..<photoSize).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
let photoStart = millis()
for p in photos { _ = try await photoDevice.api.putBlob(SHA256Digest(of: p), bytes: p, from: 0) }
let photoMs = millis() - photoStart
// One upload cut at half, then resumed from the server's offset.
let cutPhoto = Data((0..<photoSize).map { _ in UInt8.random(in: 0...255, using: &rng) })
let cutDigest = SHA256Digest(of: cutPhoto)
let cutCounter = CountingClient(CurlHTTPClient(endpoint: endpoint))
var cutAPI = photoDevice.api
cutAPI = SyncAPI(http: cutCounter, token: photoDevice.api.token)
// The link drops after half the bytes: the server keeps what arrived.
_ = try? await cutCounter.send(
    HTTPRequest(
        method: "PUT", path: "/v1/blobs/\(cutDigest.hex)",
        headers: ["Authorization": "Bearer \(photoDevice.api.token ?? "")", "Upload-Offset": "0", "Upload-Length": String(photoSize)],
        body: cutPhoto.prefix(photoSize / 2)))
let sentBeforeCut = cutCounter.sent.withLock { $0 }
let (_, offset) = try await cutAPI.blobOffset(cutDigest)
_ = try await cutAPI.putBlob(cutDigest, bytes: cutPhoto, from: offset)
let resent = cutCounter.sent.withLock { $0 } - sentBeforeCut - Int64(photoSize - photoSize / 2)

// One 50 MB photo up and down, with the server's peak memory measured around it alone.
let large = (0..<(largePhotoSize / 8)).map { _ in rng.next() }.withUnsafeBytes { Data($0) }
let largeDigest = SHA256Digest(of: large)
resetPeak(server.processIdentifier)
let serverRSSBeforeLarge = peakRSS(server.processIdentifier)
let largeUpStart = millis()
_ = try await photoDevice.api.putBlob(largeDigest, bytes: large, from: 0)
let largeUpMs = millis() - largeUpStart
let largeDownStart = millis()
// The uploader may read back what it uploaded, with no photo record needed.
let largeBack = try await CurlHTTPClient(endpoint: endpoint).send(
    HTTPRequest(method: "GET", path: "/v1/blobs/\(largeDigest.hex)", headers: ["Authorization": "Bearer \(photoDevice.api.token ?? "")"]))
let largeDownMs = millis() - largeDownStart
guard largeBack.status == 200, largeBack.body == large else {
    fail("the 50 MB photo did not come back intact (status \(largeBack.status))")
}
let serverRSSLarge = peakRSS(server.processIdentifier)

// MARK: 6. The ceiling: raw SQLite inserts of the same rows
progress("raw SQLite inserts")

let raw = try DatabaseQueue(path: work.appendingPathComponent("raw.sqlite").path)
try raw.write { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
let row = try visitChange(0)
let rowJSON = CanonicalJSON.string(try JSONValue(encoding: row))
let rawStart = millis()
try raw.write { db in
    try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, change_id TEXT UNIQUE, body TEXT)")
    let st = try db.makeStatement(sql: "INSERT INTO rows (change_id, body) VALUES (?, ?)")
    for i in 0..<records { try st.execute(arguments: [String(i), rowJSON]) }
}
let rawMs = millis() - rawStart

// MARK: 7. The other ceilings: signature checks on all cores, bytes over loopback
progress("Ed25519 verifications on all cores")
let verifications = await Ceilings.verificationsPerSecond(messageBytes: sampleBytes, perCore: quick ? 2_000 : 20_000)
progress("loopback copy")
let loopback = try Ceilings.loopbackBytesPerSecond(total: (quick ? 64 : 512) * 1024 * 1024)

// MARK: Report

let pushRate = Double(records) / pushMs * 1000
let rawRate = Double(records) / rawMs * 1000
let networkRate = Double(records) / networkMs * 1000
let photoRate = Double(photoCount * photoSize) / photoMs * 1000
/// Every figure by its name, for `--json` and for the table.
let figures: [(name: String, figure: Figure)] = [
    ("push.visits", Figure(pushRate, "visits/s", limit: verifications / 2)),
    ("push.edits", Figure(Double(records) / editMs * 1000, "changes/s", limit: rawRate)),
    ("pull.network", Figure(networkRate, "records/s")),
    ("pull.device", Figure(Double(records) / pullMs * 1000, "records/s", limit: networkRate)),
    ("noop.p50", Figure(percentile(noopTimes, 0.5), "ms")),
    ("noop.p99", Figure(percentile(noopTimes, 0.99), "ms")),
    ("devices.p50", Figure(percentile(swarmTimes, 0.5), "ms")),
    ("devices.p99", Figure(percentile(swarmTimes, 0.99), "ms")),
    ("photos.upload", Figure(photoRate / 1e6, "MB/s", limit: loopback / 1e6)),
    ("photos.large.up", Figure(Double(largePhotoSize) / largeUpMs / 1000, "MB/s", limit: loopback / 1e6)),
    ("photos.large.down", Figure(Double(largePhotoSize) / largeDownMs / 1000, "MB/s", limit: loopback / 1e6)),
    ("photos.resent", Figure(Double(max(0, resent)), "bytes")),
    ("memory.pull.client", Figure(clientRSSPull, "MiB")),
    ("memory.pull.server", Figure(serverRSSPull, "MiB")),
    ("memory.large.server", Figure(serverRSSLarge, "MiB")),
    ("limit.verify", Figure(verifications, "verifications/s")),
    ("limit.sqlite.insert", Figure(rawRate, "rows/s")),
    ("limit.loopback", Figure(loopback / 1e6, "MB/s")),
]
let figure = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0.figure) })
func text(_ name: String) -> String { figure[name]?.text ?? "?" }
let rows: [(String, String)] = [
    (
        "push \(records) visits (\(sampleBytes) B JSON each, \(batch)/batch)",
        "\(text("push.visits")) (2 verifications each); \(String(format: "%.0f B/record on the wire, %d errors", pushWire, pushErrors))"
    ),
    ("push \(records) field edits (\(editsPerSet) per change set)", "\(text("push.edits")) raw inserts; \(editErrors) errors"),
    ("Ed25519 verifications, all cores", text("limit.verify")),
    ("raw SQLite insert, same rows, one transaction", text("limit.sqlite.insert")),
    ("network-only pull of \(records) (pages of \(pageSize), parsed)", text("pull.network")),
    (
        "fresh device pulls all \(records) into its store",
        "\(text("pull.device")) network-only; \(String(format: "%.0f B/record on the wire", pullWire))"
    ),
    (
        "no-op pull of an up-to-date device",
        String(format: "p50 %.2f ms, p99 %.2f ms", percentile(noopTimes, 0.5), percentile(noopTimes, 0.99))
    ),
    (
        "\(deviceCount) devices sync at once (push 100 + pull)",
        String(
            format: "p50 %.0f ms, p99 %.0f ms per sync, %d errors, %.1f s in all, converged: %@", percentile(swarmTimes, 0.5),
            percentile(swarmTimes, 0.99), swarmErrors.withLock { $0 }, swarmMs / 1000, converged ? "yes" : "NO")
    ),
    ("\(photoCount) photos of 200 KB", "\(text("photos.upload")) loopback"),
    ("loopback copy, one TCP connection", text("limit.loopback")),
    ("one upload cut at half, resumed", "\(max(0, resent)) bytes re-sent beyond the cut"),
    (
        "one 50 MB photo up, then down",
        String(
            format: "%.1f MB/s up, %.1f MB/s down; server peak RSS %.0f MiB (%.0f MiB before)", Double(largePhotoSize) / largeUpMs / 1000,
            Double(largePhotoSize) / largeDownMs / 1000, serverRSSLarge, serverRSSBeforeLarge)
    ),
    (
        "peak RSS during the pull",
        String(format: "server %.0f MiB (%.0f MiB before), client %.0f MiB", serverRSSPull, serverRSSBeforePull, clientRSSPull)
    ),
]
let host = ProcessInfo.processInfo
if options.json {
    /// What ran: the backend, the workload's size, the machine.
    struct Run: Encodable {
        let backend: String
        let records: Int
        let devices: Int
        let photos: Int
        let cores: Int
        let memoryGiB: UInt64
        let release: String
    }
    var object: [String: JSONValue] = [:]
    for (name, f) in figures { object[name] = try JSONValue(encoding: f) }
    // What the run asserts, for tracking: a failed run's figures are not comparable.
    object["errors"] = .object([
        "push": .int(Int64(pushErrors)), "edits": .int(Int64(editErrors)), "devices": .int(Int64(swarmErrors.withLock { $0 })),
    ])
    object["converged"] = .bool(converged)
    object["run"] = try JSONValue(
        encoding: Run(
            backend: databaseURL == nil ? "sqlite" : "postgres", records: records, devices: deviceCount, photos: photoCount,
            cores: host.processorCount, memoryGiB: host.physicalMemory / 1_073_741_824, release: FieldRollRelease.number))
    print(CanonicalJSON.string(.object(object)))
} else {
    print(
        "FieldRoll standard workload — \(host.processorCount) cores, \(host.physicalMemory / 1_073_741_824) GiB, \(databaseURL == nil ? "SQLite" : "PostgreSQL") store, \(Date())"
    )
    if options.markdown {
        print("\n| workload | result |\n| --- | --- |")
        for (k, v) in rows { print("| \(k) | \(v) |") }
    } else {
        for (k, v) in rows { print(k.padding(toLength: 52, withPad: " ", startingAt: 0) + v) }
    }
}
if pushErrors > 0 || editErrors > 0 || swarmErrors.withLock({ $0 }) > 0 || !converged { fail("errors or no convergence") }

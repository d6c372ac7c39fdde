// Device-side figures: recording a visit with 3 photos, and listing a village of 2,000
// households, on this machine. Prints a table; asserts nothing.
//
//   swift run -c release fieldroll-device-bench [--households 2000] [--json]
import FieldRollClient
import FieldRollCore
import Foundation

// Line-buffered stdout, as in the other tools: under a pipe each line shows as it is printed.
// (`stdout` is a C global that Swift 6 will not touch directly; look it up.)
if let symbol = dlsym(nil, "stdout"), let file = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee {
    setvbuf(file, nil, _IOLBF, 0)
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
}

let options = DeviceBenchOptions.parseMappingUsage()
let householdCount = options.households
let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: dir) }

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let photos = ["house.jpg", "id-document.jpg", "survey-sheet.jpg"].compactMap {
    try? Data(contentsOf: root.appendingPathComponent("Fixtures/photos/\($0)"))
}

let (store, openMs) = try time { try DeviceStore.create(at: dir, credential: .passphrase("benchmark passphrase"), name: "bench") }
let county = CountyGenerator(seed: 7, households: householdCount * 10).generate()
let village = county.villages[0].code
var households = county.households.filter { $0.region == village }
households = Array(households.prefix(householdCount))
while households.count < householdCount {
    var h = households[households.count % max(households.count, 1)]
    h.id = HouseholdID()
    households.append(h)
}
let (_, fillMs) = try time { for h in households { try store.addHousehold(h) } }

var visitTimes: [Double] = []
for i in 0..<50 {
    let h = households[i]
    // Distinct bytes each time, as real photos are.
    let inputs = photos.enumerated().map { j, p in
        PhotoInput(data: p + Data("\(i)-\(j)".utf8), kind: [.house, .idDocument, .surveySheet][j])
    }
    let (_, ms) = try time {
        try store.recordVisit(
            household: h.id, author: "李敏", startedAt: Instant(millis: 0), endedAt: Instant(millis: 1),
            answers: ["income.wages": 120_000, "housing.condition": "漏雨"], photos: inputs)
    }
    visitTimes.append(ms)
}
var listTimes: [Double] = []
var listed = 0
for _ in 0..<10 {
    let (list, ms) = try time { try store.households(in: village) }
    listed = list.count
    listTimes.append(ms)
}
if options.json {
    func figure(_ value: Double, _ unit: String) -> JSONValue {
        .object(["value": .double(value.isFinite ? value : 0), "unit": .string(unit)])
    }
    let object: [String: JSONValue] = [
        "store.open": figure(openMs, "ms"),
        "households.add": figure(Double(householdCount) / fillMs * 1000, "households/s"),
        "visit.p50": figure(percentile(visitTimes, 0.5), "ms"),
        "visit.p99": figure(percentile(visitTimes, 0.99), "ms"),
        "list.p50": figure(percentile(listTimes, 0.5), "ms"),
        "list.p99": figure(percentile(listTimes, 0.99), "ms"),
        "memory.peak": figure(peakRSSMiB(), "MiB"),
        "run": .object([
            "households": .int(Int64(householdCount)), "listed": .int(Int64(listed)),
            "cores": .int(Int64(ProcessInfo.processInfo.processorCount)), "release": .string(FieldRollRelease.number),
        ]),
    ]
    print(CanonicalJSON.string(.object(object)))
} else {
    print("FieldRoll device store, \(ProcessInfo.processInfo.processorCount) cores, \(Date())")
    print("open/create store (scrypt key derivation)    \(String(format: "%8.1f", openMs)) ms")
    print(
        "add \(householdCount) households (one transaction each)  \(String(format: "%8.1f", fillMs)) ms  (\(String(format: "%.0f", Double(householdCount) / fillMs * 1000))/s)"
    )
    print(
        "record a visit with 3 photos (~36 KB)        p50 \(String(format: "%6.2f", percentile(visitTimes, 0.5))) ms   p99 \(String(format: "%6.2f", percentile(visitTimes, 0.99))) ms"
    )
    print(
        "list a village of \(listed) households          p50 \(String(format: "%6.2f", percentile(listTimes, 0.5))) ms   p99 \(String(format: "%6.2f", percentile(listTimes, 0.99))) ms"
    )
    print("peak RSS                                     \(String(format: "%8.1f", peakRSSMiB())) MiB")
}

import Crypto
import FieldRollCore
import Foundation
import Testing

/// The repository's `Fixtures/` folder.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite("The v1 wire format")
struct WireFormatTests {
    /// A fixed key, so the golden file's signature is reproducible (Ed25519 is deterministic).
    static var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32)) }
    static let device = try! NodeID("3f1c2a9e-5b7d-4c1e-9a2b-0d4e6f8a1b2c")

    static func sampleChangeSet() throws -> ChangeSet {
        let region = try RegionCode("139901002201")
        let household = try HouseholdID("6b0e3c52-8f0a-4d6e-b1f4-2c9a7d3e5f10")
        let stamp = HLCTimestamp(physical: 1_795_421_424_123, logical: 0, node: device)
        let visit = try Visit(
            id: VisitID("0c5d7e21-3a4b-4f6c-8d9e-1a2b3c4d5e6f"), householdID: household, region: region, author: "李敏", device: device,
            startedAt: Instant("2026-11-23T08:10:24.123Z"), endedAt: Instant("2026-11-23T08:52:00Z"),
            location: GeoPoint(latitude: 38.042_11, longitude: 114.514_3, accuracy: 8.5),
            answers: ["income.wages": .int(120_000), "housing.condition": .string("漏雨"), "members.present": .int(3)],
            photos: [SHA256Digest(of: Data("house".utf8))]
        ).signed(with: key)
        return try ChangeSet(
            id: ChangeSetID("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"), origin: device, stamp: stamp,
            changes: [
                Change(
                    id: ChangeID("11111111-2222-4333-8444-555555555555"), entity: .household, record: household.description, region: region,
                    payload: .writes([
                        FieldWrite(field: "phone", value: .string("13800138000"), stamp: stamp, base: nil),
                        FieldWrite(field: "declaredMonthlyIncome", value: .int(120_000), stamp: stamp, base: nil),
                    ])),
                Change(
                    id: ChangeID("66666666-7777-4888-9999-aaaaaaaaaaaa"), entity: .visit, record: visit.id.description, region: region,
                    payload: .body(JSONValue(encoding: visit))),
            ]
        ).signed(with: key)
    }

    @Test("a signed change set verifies after any re-encoding, and fails when touched")
    func signatures() throws {
        let set = try Self.sampleChangeSet()
        try set.verifySignature(with: Self.key.publicKey)
        // Re-encode with pretty printing and a different key order, decode, verify again.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        let again = try JSONDecoder().decode(ChangeSet.self, from: encoder.encode(set))
        try again.verifySignature(with: Self.key.publicKey)
        // The visit inside is signed whole too.
        guard case .body(let body) = again.changes[1].payload else {
            Issue.record("visit lost its body")
            return
        }
        try body.decode(as: Visit.self).verifySignature(with: Self.key.publicKey)

        var tampered = again
        tampered.changes[0].payload = .writes([FieldWrite(field: "phone", value: .string("13900000000"), stamp: set.stamp, base: nil)])
        #expect(throws: SignatureError.self) { try tampered.verifySignature(with: Self.key.publicKey) }
        var reattributed = again
        reattributed.origin = try NodeID("someone-else")
        #expect(throws: SignatureError.self) { try reattributed.verifySignature(with: Self.key.publicKey) }
        let stranger = Curve25519.Signing.PrivateKey()
        #expect(throws: SignatureError.self) { try again.verifySignature(with: stranger.publicKey) }
        var unsigned = again
        unsigned.signature = nil
        #expect(throws: SignatureError.self) { try unsigned.verifySignature(with: Self.key.publicKey) }
        unsigned.signature = "bm90IGEgc2lnbmF0dXJl"
        #expect(throws: SignatureError.self) { try unsigned.verifySignature(with: Self.key.publicKey) }
    }

    @Test("the committed v1 push example still decodes, verifies and re-encodes byte for byte")
    func golden() throws {
        let url = fixturesDirectory.appendingPathComponent("wire/push-v1.json")
        let request = PushRequest(changeSets: [try Self.sampleChangeSet()])
        let canonical = Data(try JSONValue(encoding: request).canonicalBytes) + Data("\n".utf8)
        if ProcessInfo.processInfo.environment["FIELDROLL_WRITE_GOLDEN"] == "1" {
            try canonical.write(to: url)
        }
        let stored = try Data(contentsOf: url)
        let decoded = try JSONDecoder().decode(PushRequest.self, from: stored)
        #expect(decoded.protocol == "fieldroll/v1")
        try decoded.changeSets[0].verifySignature(with: Curve25519.Signing.PublicKey(base64: Self.key.publicKey.base64))
        #expect(stored == canonical, "field names or encoding of the v1 wire format changed")
    }

    @Test("a change carries exactly one of writes and body")
    func changeShape() {
        let both =
            #"{"id":"11111111-2222-4333-8444-555555555555","entity":"visit","record":"x","region":"139901002201","writes":[],"body":{}}"#
        let neither = #"{"id":"11111111-2222-4333-8444-555555555555","entity":"visit","record":"x","region":"139901002201"}"#
        let badEntity = #"{"id":"11111111-2222-4333-8444-555555555555","entity":"castle","record":"x","region":"139901002201","body":{}}"#
        for text in [both, neither, badEntity] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Change.self, from: Data(text.utf8)) }
        }
    }

    @Test("cursors name their issuer and parse strictly")
    func cursors() throws {
        let issuer = try NodeID("county-139901")
        let c = SyncCursor(issuer: issuer, position: 42)
        #expect(try SyncCursor(c.description) == c)
        for bad in ["", "42", "county:", "county:-1", ":5", "Bad Node:5"] {
            #expect(throws: CursorError.self, "\(bad)") { try SyncCursor(bad) }
        }
    }

    @Test("problems carry type, status and the stable code")
    func problems() throws {
        let p = ProblemDetails(ValidationError([FieldIssue(field: "phone", reason: "bad-format", message: "is not a phone")]))
        #expect(p.status == 422 && p.code == .invalidRecord && p.type == "urn:fieldroll:problem:invalid-record")
        let json = try JSONValue(encoding: p).objectValue
        #expect(Set(json?.keys ?? [:].keys) == ["type", "title", "status", "detail", "code", "issues"])
        #expect(
            ProblemDetails(ClockSkewError(stamp: HLCTimestamp(physical: 0, logical: 0, node: issuerNode), ahead: 1, maxDrift: 0)).status
                == 422)
        #expect(ProblemDetails.status(for: .scopeViolation) == 403)
    }

    let issuerNode = try! NodeID("server")
}

@Suite("The direct JSON conversions agree with Codable")
struct WireJSONTests {
    @Test("change sets, pushes and pull pages convert both ways to the same JSON as Codable")
    func agree() throws {
        let set = try WireFormatTests.sampleChangeSet()
        #expect(set.json == (try JSONValue(encoding: set)))
        #expect(try ChangeSet(json: set.json) == set)
        #expect(
            try set.signingBytes()
                == {
                    guard case .object(var o) = try JSONValue(encoding: set) else { return [] }
                    o["signature"] = nil
                    return JSONValue.object(o).canonicalBytes
                }())
        let push = PushRequest(changeSets: [set])
        #expect(try PushRequest(json: JSONValue(encoding: push)) == push)
        let page = PullPage(
            changes: [PulledChange(position: 7, origin: set.origin, changeSet: set.id, change: set.changes[0])],
            cursor: SyncCursor(issuer: try NodeID("server-1"), position: 7), more: false, serverTime: set.stamp)
        #expect(page.json == (try JSONValue(encoding: page)))
        #expect(try PullPage(json: page.json) == page)
        // A visit's signature checks over the body as received.
        guard case .body(let body) = set.changes[1].payload else {
            Issue.record("no visit body")
            return
        }
        try RawSignature.verify(body, with: WireFormatTests.key.publicKey)
        var tampered = body.objectValue ?? [:]
        tampered["author"] = "someone else"
        #expect(throws: SignatureError.self) { try RawSignature.verify(.object(tampered), with: WireFormatTests.key.publicKey) }
    }
}

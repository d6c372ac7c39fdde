@preconcurrency import Crypto
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("Devices enrol once and can be cut off")
struct EnrolmentTests {
    @Test("a one-time code works once; an unknown code never", arguments: StorageBackendKind.allCases)
    func codeOnce(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let code = Secrets.enrolmentCode()
        _ = try await server.pipeline.createDevice(
            name: "kiosk", role: .kiosk, scope: TestServer.township, codeHash: Secrets.hash(code), expiresAt: Int64.max / 2,
            as: .operator(), now: 0)
        let key = Curve25519.Signing.PrivateKey().publicKey.base64
        let (first, _) = try await server.request(
            "POST", "/v1/devices/enrol", json: ["code": .string(code.lowercased()), "publicKey": .string(key)])
        #expect(first == 201, "codes are read case-insensitively")
        let (again, body) = try await server.request("POST", "/v1/devices/enrol", json: ["code": .string(code), "publicKey": .string(key)])
        #expect(again == 401 && TestServer.problem(body)?.code == .unauthorized)
        let (unknown, _) = try await server.request(
            "POST", "/v1/devices/enrol", json: ["code": "ZZZZ-ZZZZ-ZZZZ", "publicKey": .string(key)])
        #expect(unknown == 401)
        let (badKey, badKeyBody) = try await server.request(
            "POST", "/v1/devices/enrol", json: ["code": .string(code), "publicKey": "short"])
        #expect(badKey == 422 && TestServer.problem(badKeyBody)?.code == .invalidRecord, "invalid-record is 422 on every route")
    }

    @Test("an expired code is refused", arguments: StorageBackendKind.allCases)
    func expired(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let code = Secrets.enrolmentCode()
        _ = try await server.pipeline.createDevice(
            name: "old", role: .kiosk, scope: TestServer.township, codeHash: Secrets.hash(code), expiresAt: 1, as: .operator(), now: 0)
        let (status, body) = try await server.request(
            "POST", "/v1/devices/enrol",
            json: ["code": .string(code), "publicKey": .string(Curve25519.Signing.PrivateKey().publicKey.base64)])
        #expect(status == 401 && TestServer.problem(body)?.detail?.contains("expired") == true)
    }

    @Test("no token, a wrong token, and a revoked device are all refused; revocation bites at once", arguments: StorageBackendKind.allCases)
    func tokens(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let (none, noneBody, noneAnswer) = try await server.exchange("GET", "/v1/sync/pull")
        #expect(none == 401 && TestServer.problem(noneBody)?.code == .unauthorized)
        #expect(noneAnswer.value(forHTTPHeaderField: "WWW-Authenticate") == "Bearer")
        let (wrong, _, wrongAnswer) = try await server.exchange("GET", "/v1/sync/pull", token: "not-a-token")
        #expect(wrong == 401 && wrongAnswer.value(forHTTPHeaderField: "WWW-Authenticate") == #"Bearer error="invalid_token""#)
        #expect(try await device.push([device.newHousehold()]).first?.status == .applied)
        try await server.pipeline.revoke(device.id, as: .operator("张科长"), now: 1)
        let (status, _, body) = try await device.push([try device.changeSet([device.newHousehold()])])
        #expect(status == 401 && TestServer.problem(body)?.code == .deviceRevoked)
        let (pull, _, pullAnswer) = try await server.exchange("GET", "/v1/sync/pull", token: device.token)
        #expect(pull == 401 && pullAnswer.value(forHTTPHeaderField: "WWW-Authenticate") == #"Bearer error="invalid_token""#)
        let listed = try await server.pipeline.devices().first { $0.id == device.id }
        #expect(listed?.status == .revoked)
    }
}

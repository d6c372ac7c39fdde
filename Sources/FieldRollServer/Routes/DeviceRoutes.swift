@preconcurrency import Crypto
import FieldRollCore
import Foundation
import Hummingbird

/// `POST /v1/devices/enrol`: a device redeems its one-time code with its public key.
struct DeviceRoutes {
    let pipeline: SyncPipeline

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.post(RouterPath(WireRoute.enrol.routerPath)) { request, _ in
            let bytes = try await JSONBody.bytes(request, limit: 16 * 1024)
            try JSONBody.checkKeys(try JSONBody.value(bytes), allowed: EnrolmentRequest.wireMembers, at: "the enrolment")
            let body = try JSONBody.decode(EnrolmentRequest.self, from: bytes)
            guard let key = try? Curve25519.Signing.PublicKey(base64: body.publicKey) else {
                throw ProblemResponse(.invalidRecord, "publicKey must be an Ed25519 public key: 32 bytes, base64")
            }
            var proposed: NodeID?
            if let d = body.device {
                guard let id = try? NodeID(d) else {
                    throw ProblemResponse(.invalidRecord, "device must be 1–64 characters of a-z 0-9 - _ .")
                }
                proposed = id
            }
            let token = Secrets.token()
            let now = Clock.millis()
            let identity = try await pipeline.redeem(
                codeHash: Secrets.hash(body.code), publicKey: key, tokenHash: Secrets.hashToken(token), proposedID: proposed, now: now)
            let answer = EnrolmentGrant(
                device: identity.id, name: identity.name, role: identity.role, scope: identity.scope, token: token,
                server: pipeline.serverNode,
                serverPublicKey: pipeline.serverKey.publicKey.base64, serverTime: Instant(millis: now))
            return try JSONBody.response(answer, status: .created, request: request)
        }
    }
}

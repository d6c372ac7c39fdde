@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// The verdict on a visit's or check-in's own signature, reached before the write transaction.
public enum BodySignature: Sendable, Hashable {
    /// Not a signed kind (field writes, photos, review actions), or not checked.
    case notApplicable
    case verified
    case failed(String)
}

/// What signature checking found for one change set.
public struct SignatureVerdict: Sendable {
    /// Why the whole set is refused (`bad-signature`), or nil when its signature holds.
    public var setFailure: String?
    /// The verdict per change, in the set's order.
    public var bodies: [BodySignature]
}

/// Verifies change-set and whole-record Ed25519 signatures on every core, outside the write
/// transaction, so the single writer spends its time writing.
public enum SignatureCheck {
    /// Checks `sets` against their origins' keys (nil: the origin is not an active device).
    public static func verify(_ sets: [ChangeSet], keys: [NodeID: Curve25519.Signing.PublicKey]) async -> [SignatureVerdict] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, sets.count / 8 + 1))
        if workers == 1 { return sets.map { verify($0, key: keys[$0.origin]) } }
        let chunk = (sets.count + workers - 1) / workers
        let ring = KeyRing(keys: keys)
        return await withTaskGroup(of: (Int, [SignatureVerdict]).self) { group in
            for start in stride(from: 0, to: sets.count, by: chunk) {
                let slice = Array(sets[start..<min(start + chunk, sets.count)])
                group.addTask { (start, slice.map { verify($0, key: ring.keys[$0.origin]) }) }
            }
            var out = [SignatureVerdict?](repeating: nil, count: sets.count)
            for await (start, verdicts) in group {
                for (i, v) in verdicts.enumerated() { out[start + i] = v }
            }
            return out.map { $0 ?? SignatureVerdict(setFailure: "not checked", bodies: []) }
        }
    }

    /// Checks one set: its own signature, then each visit's and check-in's record signature.
    public static func verify(_ set: ChangeSet, key: Curve25519.Signing.PublicKey?) -> SignatureVerdict {
        guard let key else {
            return SignatureVerdict(
                setFailure: "origin \(set.origin) is not an active device", bodies: set.changes.map { _ in .notApplicable })
        }
        do { try set.verifySignature(with: key) } catch {
            return SignatureVerdict(setFailure: error.message, bodies: set.changes.map { _ in .notApplicable })
        }
        let bodies: [BodySignature] = set.changes.map { change in
            guard change.entity == .visit || change.entity == .checkIn, case .body(let body) = change.payload else { return .notApplicable }
            do {
                try RawSignature.verify(body, with: key)
                return .verified
            } catch { return .failed((error as? SignatureError)?.message ?? "\(error)") }
        }
        return SignatureVerdict(setFailure: nil, bodies: bodies)
    }
}

/// Public keys are immutable values; swift-crypto does not yet mark them `Sendable`.
private struct KeyRing: @unchecked Sendable {
    let keys: [NodeID: Curve25519.Signing.PublicKey]
}

import Crypto
import Foundation

/// A record signed whole by the device that made it (visits, check-ins, change sets).
///
/// The signature is Ed25519 over the RFC 8785 canonical JSON of the record with its
/// `signature` member removed, so it survives any re-encoding on the way — through a township
/// relay, a database round trip, another JSON library.
public protocol SignedRecord: Codable, Sendable {
    /// Base64 of the 64-byte Ed25519 signature; nil until signed.
    var signature: String? { get set }
    /// The bytes the signature covers (a default implementation encodes the record).
    func signingBytes() throws -> [UInt8]
}

extension SignedRecord {
    /// The bytes the signature covers.
    public func signingBytes() throws -> [UInt8] {
        guard case .object(var object) = try JSONValue(encoding: self) else { return [] }
        object["signature"] = nil
        return JSONValue.object(object).canonicalBytes
    }

    /// A copy signed with `key`.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> Self {
        var copy = self
        copy.signature = nil
        let signature = try key.signature(for: copy.signingBytes())
        copy.signature = Data(signature).base64EncodedString()
        return copy
    }

    /// Checks the signature against the origin's public key.
    /// - Throws: ``SignatureError`` (code `bad-signature`) when it is missing, malformed or
    ///   does not verify.
    public func verifySignature(with key: Curve25519.Signing.PublicKey) throws(SignatureError) {
        guard let text = signature else { throw SignatureError(reason: "the record is not signed") }
        guard let sig = Data(base64Encoded: text), sig.count == 64 else {
            throw SignatureError(reason: "the signature is not 64 bytes of base64")
        }
        let bytes: [UInt8]
        do { bytes = try signingBytes() } catch { throw SignatureError(reason: "the record cannot be encoded") }
        guard key.isValidSignature(sig, for: bytes) else {
            throw SignatureError(reason: "the signature does not match the record and its origin's key")
        }
    }
}

/// A signature is missing, malformed, or does not verify.
public struct SignatureError: FieldRollError, Hashable {
    /// What is wrong with the signature, in words; also the error's message.
    public let reason: String
    /// Makes the error with its reason.
    public init(reason: String) { self.reason = reason }
    public var code: ErrorCode { .badSignature }
    public var message: String { reason }
}

extension Curve25519.Signing.PublicKey {
    /// Base64 of the 32 raw key bytes: how public keys travel at enrolment.
    public var base64: String { rawRepresentation.base64EncodedString() }

    /// Parses the base64 form.
    public init(base64 text: String) throws(SignatureError) {
        guard let raw = Data(base64Encoded: text), raw.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw SignatureError(reason: "a public key is 32 bytes of base64") }
        self = key
    }
}

/// Something that checks a base64 Ed25519 signature over bytes (a public key).
public protocol SignatureVerifier {
    /// Checks `signature`, a base64 Ed25519 signature, against `bytes`.
    /// - Throws: ``SignatureError`` when the signature is malformed or does not verify.
    func verify(signature base64: String, over bytes: [UInt8]) throws(SignatureError)
}

extension Curve25519.Signing.PublicKey: SignatureVerifier {
    public func verify(signature base64: String, over bytes: [UInt8]) throws(SignatureError) {
        guard let sig = Data(base64Encoded: base64), sig.count == 64 else {
            throw SignatureError(reason: "the signature is not 64 bytes of base64")
        }
        guard isValidSignature(sig, for: bytes) else {
            throw SignatureError(reason: "the signature does not match the record and its origin's key")
        }
    }
}

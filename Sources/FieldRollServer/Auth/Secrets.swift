@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// One-time enrolment codes and bearer tokens. Only their SHA-256 is ever stored or logged.
public enum Secrets {
    /// Alphabet without look-alikes (no 0/O, 1/I/L) so a code read over the phone survives.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A 12-character code in three groups, e.g. `K7QM-2XHP-9R4T` (about 59 bits).
    public static func enrolmentCode() -> String {
        var rng = SystemRandomNumberGenerator()
        let chars = (0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<12])
    }

    /// A 256-bit bearer token, base64url without padding.
    public static func token() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The stored form of a code or token. Codes are compared without dashes or case.
    public static func hash(_ secret: String) -> String {
        FieldRollCore.SHA256Digest(of: Data(secret.uppercased().filter { $0 != "-" }.utf8)).hex
    }

    /// Tokens are case-sensitive, so they hash as given.
    public static func hashToken(_ token: String) -> String { FieldRollCore.SHA256Digest(of: Data(token.utf8)).hex }
}

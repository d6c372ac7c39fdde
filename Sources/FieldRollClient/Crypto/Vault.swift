@preconcurrency import Crypto
import FieldRollCore
import Foundation
import _CryptoExtras

/// How a person or a kiosk unlocks the device store.
public enum Credential: Sendable {
    /// A caseworker's passphrase (stretched with scrypt).
    case passphrase(String)
    /// A kiosk's key file: 32 random bytes, kept where the kiosk's operator keeps secrets.
    case keyFile(URL)
}

/// Encryption at rest on the device: AES-256-GCM under a random data key.
///
/// The data key is itself sealed ("wrapped") under a key derived from the credential, so a wrong
/// passphrase fails the GCM check and is reported as `wrong-key` — never as garbage data — and a
/// passphrase could be changed without re-encrypting the store.
public struct Vault: Sendable {
    let dataKey: SymmetricKey

    /// The scrypt cost: 2^15 rounds × 8 × 1 (≈ 32 MiB, about a tenth of a second).
    static let scryptRounds = 1 << 15

    /// Makes a new data key, wrapped for `credential`. Returns the vault and what to store.
    static func create(_ credential: Credential) throws -> (Vault, wrapped: Data, salt: Data) {
        let salt = Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        let kek = try keyEncryptionKey(credential, salt: salt)
        let dataKey = SymmetricKey(size: .bits256)
        let wrapped = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: kek).combined ?? Data()
        return (Vault(dataKey: dataKey), wrapped, salt)
    }

    /// Unwraps the data key. Throws `wrong-key` when the credential does not fit.
    static func open(_ credential: Credential, wrapped: Data, salt: Data) throws -> Vault {
        let kek = try keyEncryptionKey(credential, salt: salt)
        do {
            let raw = try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: kek)
            return Vault(dataKey: SymmetricKey(data: raw))
        } catch {
            throw ClientError(.wrongKey, "the passphrase or key file does not unlock this store")
        }
    }

    static func keyEncryptionKey(_ credential: Credential, salt: Data) throws -> SymmetricKey {
        switch credential {
        case .passphrase(let text):
            guard text.count >= 8 else { throw ClientError(.wrongKey, "a passphrase has at least 8 characters") }
            return try KDF.Scrypt.deriveKey(
                from: Data(text.utf8), salt: salt, outputByteCount: 32, rounds: scryptRounds, blockSize: 8, parallelism: 1)
        case .keyFile(let url):
            guard let bytes = try? Data(contentsOf: url), bytes.count == 32 else {
                throw ClientError(.wrongKey, "the key file \(url.path) must hold exactly 32 bytes")
            }
            // HKDF binds the file's bytes to this store's salt.
            return HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: bytes), salt: salt, info: Data("fieldroll-kiosk".utf8), outputByteCount: 32)
        }
    }

    /// Writes a new random kiosk key file (mode 0600).
    public static func makeKeyFile(at url: URL) throws {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: url.path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw ClientError(.storageFailure, "cannot write the key file \(url.path)")
        }
    }

    /// Seals bytes (nonce ‖ ciphertext ‖ tag).
    func seal(_ plaintext: some DataProtocol) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: dataKey).combined else {
            throw ClientError(.storageFailure, "encryption failed")
        }
        return combined
    }

    /// Opens sealed bytes; a damaged or foreign ciphertext is `wrong-key`.
    func open(_ sealed: Data) throws -> Data {
        do { return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: dataKey) } catch {
            throw ClientError(.wrongKey, "stored data does not decrypt with this store's key (damaged?)")
        }
    }

    /// The prefix of an encrypted field value.
    static let fieldPrefix = "enc1:"

    /// Encrypts one field value as a string `enc1:<base64>`.
    func sealField(_ value: JSONValue) throws -> JSONValue {
        if value == .null { return value }
        return .string(Self.fieldPrefix + (try seal(value.canonicalBytes)).base64EncodedString())
    }

    /// Decrypts a value made by ``sealField(_:)``; other values pass through.
    func openField(_ value: JSONValue) throws -> JSONValue {
        guard case .string(let s) = value, s.hasPrefix(Self.fieldPrefix),
            let data = Data(base64Encoded: String(s.dropFirst(Self.fieldPrefix.count)))
        else {
            return value
        }
        return try JSONParser.parse(try open(data))
    }
}

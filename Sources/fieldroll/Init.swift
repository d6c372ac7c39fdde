import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation

extension FieldRollCommand {
    /// `fieldroll init`
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create this device's encrypted store and its Ed25519 key pair.",
            discussion: """
                Caseworkers protect the store with a passphrase (at least 8 characters); a kiosk \
                uses a key file: --new-key-file writes one and uses it. Example:
                  FIELDROLL_PASSPHRASE='…' fieldroll init --name "李敏的平板"
                """
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "A name people recognise.") var name: String
        @Option(help: "Write a new random key file here and lock the store with it (kiosks).") var newKeyFile: String?

        func run() throws {
            let credential: Credential
            if let newKeyFile {
                let url = URL(fileURLWithPath: newKeyFile)
                if FileManager.default.fileExists(atPath: url.path) {
                    throw ClientError(.invalidRecord, "\(newKeyFile) exists; not overwriting a key file")
                }
                try Vault.makeKeyFile(at: url)
                credential = .keyFile(url)
            } else {
                credential = try store.credential()
            }
            let s = try DeviceStore.create(at: store.directory, credential: credential, name: name)
            if store.json {
                try Output.json(["device": s.deviceID.rawValue, "publicKey": s.publicKey.base64, "data": store.directory.path])
            } else {
                print("device \(s.deviceID) (\(name)) ready in \(store.directory.path)")
                print("public key \(s.publicKey.base64)")
            }
        }
    }
}

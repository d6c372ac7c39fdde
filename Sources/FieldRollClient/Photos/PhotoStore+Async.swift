import FieldRollCore
import Foundation

extension PhotoStore {
    /// Runs file work — whole-file reads, decryption, hashing — on a global dispatch queue and
    /// suspends the caller meanwhile, so no thread of the cooperative pool waits on the disk.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// ``get(_:)`` for async callers.
    func getAsync(_ d: SHA256Digest) async throws -> Data {
        let store = self
        return try await Self.offPool { try store.get(d) }
    }

    /// ``partial(_:)`` for async callers: opening reads back and decrypts what is held.
    func partialAsync(_ d: SHA256Digest) async throws -> PartialPhoto {
        let store = self
        return try await Self.offPool { try store.partial(d) }
    }

    /// ``finish(_:as:)`` for async callers.
    func finishAsync(_ partial: PartialPhoto, as d: SHA256Digest) async throws -> Bool {
        let store = self
        return try await Self.offPool { try store.finish(partial, as: d) }
    }
}

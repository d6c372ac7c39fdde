@preconcurrency import Crypto
import Foundation
import Synchronization

/// What bounds each figure on this machine, measured in the same run as the figures.
enum Ceilings {
    /// Ed25519 verifications per second with every core busy, over messages the size of a
    /// pushed visit (`messageBytes`). Each pushed visit needs two: the visit's own signature and
    /// its change set's.
    static func verificationsPerSecond(messageBytes: Int, perCore: Int) async -> Double {
        let key = Curve25519.Signing.PrivateKey()
        let messages = (0..<256).map { i in Data((0..<messageBytes).map { UInt8(truncatingIfNeeded: $0 &+ i) }) }
        let signed = messages.compactMap { m in (try? key.signature(for: m)).map { (m, $0) } }
        let publicKey = key.publicKey
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let start = DispatchTime.now().uptimeNanoseconds
        let valid = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<cores {
                group.addTask {
                    var ok = 0
                    for i in 0..<perCore {
                        let (m, s) = signed[i % signed.count]
                        if publicKey.isValidSignature(s, for: m) { ok += 1 }
                    }
                    return ok
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(valid) / seconds
    }

    /// Bytes per second through one TCP connection on 127.0.0.1: one thread writes `total`
    /// bytes in 256 KiB writes, another reads them; nothing else is done with them.
    static func loopbackBytesPerSecond(total: Int) throws -> Double {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BenchFailure("cannot open a socket") }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1) == 0 else { throw BenchFailure("cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }

        let received = Mutex(0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let peer = accept(listener, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            var count = 0
            while peer >= 0 {
                let n = buffer.withUnsafeMutableBytes { read(peer, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                count += n
            }
            if peer >= 0 { close(peer) }
            received.withLock { $0 = count }
            done.signal()
        }

        let writer = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard writer >= 0 else { throw BenchFailure("cannot open a socket") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(writer, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(writer)
            throw BenchFailure("cannot connect to 127.0.0.1")
        }
        let chunk = [UInt8](repeating: 0x5A, count: 256 * 1024)
        let start = DispatchTime.now().uptimeNanoseconds
        var sent = 0
        while sent < total {
            let n = chunk.withUnsafeBytes { write(writer, $0.baseAddress, min($0.count, total - sent)) }
            if n <= 0 { break }
            sent += n
        }
        close(writer)
        done.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let count = received.withLock { $0 }
        guard count == total else { throw BenchFailure("the loopback copy moved \(count) of \(total) bytes") }
        return Double(count) / seconds
    }
}

/// A benchmark step that could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

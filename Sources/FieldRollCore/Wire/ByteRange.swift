import Foundation

/// One `Range: bytes=…` request against a blob of known size (RFC 9110 §14.2), as the server
/// answers it: the whole blob, a part of it, or nothing at all.
///
/// Only a single range is honoured: `bytes=N-`, `bytes=N-M` and the suffix form `bytes=-N`.
/// Anything else — several ranges, another unit, a malformed value — is ignored and answered with
/// the whole blob, as RFC 9110 allows.
///
/// ```swift
/// ByteRange.resolve("bytes=100-", size: 300)  // .partial(100..<300)
/// ByteRange.resolve("bytes=400-", size: 300)  // .unsatisfiable
/// ByteRange.resolve("bytes=0-1,5-9", size: 300)  // .whole
/// ```
public enum ByteRange: Sendable, Hashable {
    /// Answer 200 with every byte.
    case whole
    /// Answer 206 with these bytes (never empty, always inside the blob).
    case partial(Range<Int64>)
    /// Answer 416 with `Content-Range: bytes */SIZE`.
    case unsatisfiable

    /// How a `Range` header value (nil: none sent) applies to a blob of `size` bytes.
    public static func resolve(_ header: String?, size: Int64) -> ByteRange {
        guard let header else { return .whole }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        guard first.allSatisfy(\.isASCIIDigit), last.allSatisfy(\.isASCIIDigit) else { return .whole }
        if first.isEmpty {
            // bytes=-N: the last N bytes.
            guard let suffix = Int64(last) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)..<size)
        }
        guard let start = Int64(first) else { return .whole }
        var end = size
        if !last.isEmpty {
            // A last position before the first is not a valid range: ignored (RFC 9110 §14.1.1).
            guard let lastByte = Int64(last), lastByte >= start else { return .whole }
            end = lastByte < size - 1 ? lastByte + 1 : size
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start..<end)
    }

    /// `bytes N-M/SIZE` for a 206 answer.
    public static func contentRange(_ range: Range<Int64>, size: Int64) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
    }

    /// `bytes */SIZE` for a 416 answer.
    public static func unsatisfiedRange(size: Int64) -> String { "bytes */\(size)" }

    /// Reads `bytes N-M/SIZE` back: the bytes a 206 answer holds and the blob's size.
    public static func parseContentRange(_ value: String) -> (range: Range<Int64>, size: Int64)? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let size = Int64(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-", maxSplits: 1)
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last, last < size else {
            return nil
        }
        return (first..<(last + 1), size)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

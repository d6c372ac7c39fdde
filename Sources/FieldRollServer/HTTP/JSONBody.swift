import FieldRollCore
import FieldRollGzip
import Foundation
import HTTPTypes
import Hummingbird

/// Reading and writing JSON bodies: size limits, gzip both ways, clear errors.
enum JSONBody {
    /// Collects a request body of at most `limit` bytes (after decompression).
    static func bytes(_ request: Request, limit: Int) async throws -> [UInt8] { try await body(request, limit: limit).bytes }

    /// ``bytes(_:limit:)`` with the number of bytes that crossed the wire (before inflating).
    static func body(_ request: Request, limit: Int) async throws -> (bytes: [UInt8], wire: Int) {
        var request = request
        let gzipped = request.headers[.contentEncoding]?.lowercased().contains("gzip") == true
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let e as any HTTPResponseError where e.status.code == 413 {
            throw ProblemResponse(.payloadTooLarge, "the body is larger than \(limit) bytes")
        }
        let raw = Array(buffer.readableBytesView)
        guard gzipped else { return (raw, raw.count) }
        do { return (try Gzip.decompress(raw, limit: limit), raw.count) } catch {
            switch error {
            case .tooLarge: throw ProblemResponse(.payloadTooLarge, "the body inflates to more than \(limit) bytes")
            case .damaged: throw ProblemResponse(.malformedJSON, "the gzip body is damaged")
            }
        }
    }

    /// Parses the body as a JSON value, answering malformed JSON with `malformed-json`.
    static func value(_ bytes: [UInt8]) throws -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw ProblemResponse(.malformedJSON, "the body is not valid JSON: \(error)")
        }
    }

    /// Decodes `T`, answering malformed JSON with `malformed-json`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch {
            throw ProblemResponse(.malformedJSON, "the body is not a valid \(T.self): \(ChangeApplier.describe(error))")
        }
    }

    /// A JSON response, gzip-compressed when the client accepts it and it is worth it.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, request: Request) throws -> Response {
        let data = try JSONEncoder().encode(value)
        var headers: HTTPFields = [.contentType: "application/json"]
        var bytes = Array(data)
        if bytes.count > 1024, request.headers[.acceptEncoding]?.lowercased().contains("gzip") == true {
            bytes = Gzip.compress(bytes)
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A response from a JSON value already built (the hot paths), canonical and gzipped alike.
    static func response(json: JSONValue, status: HTTPResponse.Status = .ok, request: Request) -> Response {
        response(canonical: json.canonicalBytes, status: status, request: request)
    }

    /// A response from canonical JSON bytes already written, gzipped when the client takes it.
    static func response(canonical: [UInt8], status: HTTPResponse.Status = .ok, request: Request) -> Response {
        var bytes = canonical
        var headers: HTTPFields = [.contentType: "application/json"]
        if bytes.count > 1024, request.headers[.acceptEncoding]?.lowercased().contains("gzip") == true {
            bytes = Gzip.compress(bytes)
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Refuses members the v1 wire format does not define, so a typo never passes silently.
    static func checkKeys(_ value: JSONValue, allowed: Set<String>, at path: String) throws {
        guard let object = value.objectValue else { return }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ProblemResponse(.unknownField, "\(path) has no member \"\(unknown.prefix(60))\"")
        }
    }
}

import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// How many bytes of a blob the server holds (HEAD), or where a PUT's bytes begin.
    static let uploadOffset = wire(WireHeader.uploadOffset)
    /// The blob's total size, sent with every PUT so the server knows when it is complete.
    static let uploadLength = wire(WireHeader.uploadLength)
    /// The office's photo policy for the calling device, on every pull answer.
    static let photoPolicy = wire(WireHeader.photoPolicy)
    /// A problem's code, on every problem answer (a `HEAD` answer has no body to carry it).
    static let errorCode = wire(WireHeader.errorCode)

    /// A header name of the v1 API (``WireHeader``); those are valid field names.
    static func wire(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("\(name) is not a valid header name") }
        return field
    }
}

/// `HEAD|PUT|GET /v1/blobs/{sha256}`: content-addressed photo bytes, resumable uploads.
///
/// - `HEAD` answers 200 with `Upload-Offset` = size when the blob is complete, 404 with
///   `Upload-Offset` = bytes held so far (0 if none) when it is not.
/// - `PUT` with `Upload-Offset: n` and `Upload-Length: total` appends the body at `n`; a cut
///   connection keeps what arrived. Answers 201 once all bytes are in and hash to the name, 202
///   with the new offset when more are expected, 409 `offset-mismatch` (with the server's
///   offset) when `n` is wrong, 422 `hash-mismatch` (partial discarded) when the bytes are wrong.
/// - `GET` streams a blob that a record in the caller's scope refers to (or that it uploaded):
///   all of it (200), or the single range a `Range: bytes=…` header asks for (206 with
///   `Content-Range`; 416 `range-not-satisfiable` with `Content-Range: bytes */SIZE` when it starts
///   past the end). A `Range` the server does not support (several ranges) gets the whole blob.
struct BlobRoutes {
    let pipeline: SyncPipeline
    let blobs: BlobStore
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.head(RouterPath(WireRoute.blobStatus.routerPath)) { request, context in try await head(request, context) }
        group.put(RouterPath(WireRoute.blobUpload.routerPath)) { request, context in try await put(request, context) }
        group.get(RouterPath(WireRoute.blobDownload.routerPath)) { request, context in try await get(request, context) }
    }

    func digest(_ context: ServerRequestContext) throws -> SHA256Digest {
        do { return try SHA256Digest(hex: context.parameters.get("sha256") ?? "") } catch {
            throw ProblemResponse(.invalidPath, "a blob is named by its SHA-256: 64 hex digits")
        }
    }

    func head(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        _ = try context.requireDevice()
        let d = try digest(context)
        if let size = await blobs.size(of: d) {
            return Response(
                status: .ok, headers: [.uploadOffset: String(size), .contentLength: String(size), .acceptRanges: "bytes"])
        }
        return Response(status: .notFound, headers: [.uploadOffset: String(await blobs.partialSize(of: d)), .contentLength: "0"])
    }

    func put(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        try pipeline.checkUpload(by: device)
        let d = try digest(context)
        if let size = await blobs.size(of: d) {
            try await pipeline.recordUpload(d, size: size, by: device, now: Clock.millis())
            return try JSONBody.response(BlobStatus(sha256: d, size: size, received: size, complete: true), request: request)
        }
        guard let lengthText = request.headers[.uploadLength], let total = Int64(lengthText), total > 0 else {
            throw ProblemResponse(.invalidHeader, "send Upload-Length: the blob's total size in bytes, at least 1")
        }
        guard total <= configuration.maxBlobBytes else {
            throw ProblemResponse(.payloadTooLarge, "a blob may be at most \(configuration.maxBlobBytes) bytes, this one is \(total)")
        }
        guard let offset = Int64(request.headers[.uploadOffset] ?? "0"), offset >= 0 else {
            throw ProblemResponse(.invalidHeader, "Upload-Offset must be the number of bytes already sent, 0 or more")
        }
        guard blobs.claim(d) else {
            throw ProblemResponse(.uploadInProgress, "another upload of \(d.hex.prefix(12))… is under way; try again shortly")
        }
        defer { blobs.release(d) }
        let held = await blobs.partialSize(of: d)
        guard offset == held else {
            throw ProblemResponse(
                .offsetMismatch, "the server holds \(held) bytes of this blob; resume from there", headers: [.uploadOffset: String(held)])
        }
        let outcome: BlobStore.AppendOutcome
        do { outcome = try await blobs.append(request.body, to: d, at: held, total: total) } catch let failure as BlobStore.WriteFailure {
            metrics.blobReceived(failure.kept - held)
            throw StorageError(.storageFailure, "cannot store the upload (is the disk full?); \(failure.kept) bytes are kept")
        } catch {
            // A cut connection: what arrived is kept, and counted.
            metrics.blobReceived(await blobs.partialSize(of: d) - held)
            throw error
        }
        switch outcome {
        case .tooLong:
            throw ProblemResponse(.payloadTooLarge, "more bytes than the announced Upload-Length \(total); the upload was discarded")
        case .incomplete(let received):
            metrics.blobReceived(received - held)
            return try JSONBody.response(
                BlobStatus(sha256: d, size: total, received: received, complete: false), status: .accepted, request: request)
        case .hashMismatch:
            metrics.blobReceived(total - held)
            throw ProblemResponse(
                .hashMismatch, "the \(total) bytes received do not hash to \(d.hex); the upload was discarded, send it again")
        case .complete:
            metrics.blobReceived(total - held)
        }
        try await pipeline.recordUpload(d, size: total, by: device, now: Clock.millis())
        return try JSONBody.response(
            BlobStatus(sha256: d, size: total, received: total, complete: true), status: .created, request: request)
    }

    func get(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let d = try digest(context)
        // Out of scope and absent look the same, so a caller learns nothing of other regions.
        guard let size = await blobs.size(of: d), try await pipeline.mayDownload(d, by: device) else {
            throw ProblemResponse(.notFound, "no blob \(d.hex) in your region")
        }
        let range: Range<Int64>
        let status: HTTPResponse.Status
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes"]
        switch ByteRange.resolve(request.headers[.range], size: size) {
        case .whole:
            (range, status) = (0..<size, .ok)
        case .partial(let part):
            (range, status) = (part, .partialContent)
            headers[.contentRange] = ByteRange.contentRange(part, size: size)
        case .unsatisfiable:
            throw ProblemResponse(
                .rangeNotSatisfiable, "the blob has \(size) bytes; ask for a range that starts before its end",
                headers: [.contentRange: ByteRange.unsatisfiedRange(size: size), .acceptRanges: "bytes"])
        }
        headers[.contentLength] = String(range.count)
        // Streamed: each chunk is read from disk when the connection has taken the one before.
        let blobs = self.blobs
        let metrics = self.metrics
        let body = ResponseBody(contentLength: range.count) { writer in
            try await blobs.read(d, range: range) { chunk in
                try await writer.write(chunk)
                metrics.blobSent(Int64(chunk.readableBytes))
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}

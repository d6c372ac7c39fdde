#if canImport(CCurl)
    import CCurl
    import FieldRollCore
    import Foundation

    /// HTTP/1.1 through the system's libcurl, with TLS verification always on.
    ///
    /// libcurl rather than URLSession because it gives full control of trust (a county's own CA, a
    /// pinned key), of timeouts on stalled links, and of request headers.
    /// Each request runs `curl_easy_perform` on a background thread. Handles are kept between
    /// requests (`CurlHandlePool`), so one client reuses one kept-alive connection across a sync;
    /// every request names the client in `User-Agent` (``userAgent``); cancelling the task that
    /// sends a request aborts the transfer within a second and throws `CancellationError`.
    ///
    /// A body of ``expectContinueBytes`` or more is sent with `Expect: 100-continue`: the server
    /// answers `100 Continue` before the bytes go out, or refuses (a revoked token, a photo over the
    /// limit) without them crossing a slow link. Smaller bodies go at once, since the extra round
    /// trip would cost more than the bytes.
    public struct CurlHTTPClient: HTTPClient {
        /// The server this client talks to.
        public let endpoint: ServerEndpoint
        let pool = CurlHandlePool()

        /// The smallest body sent with `Expect: 100-continue`.
        public static let expectContinueBytes = 64 * 1024

        /// `fieldroll/0.4.0 (protocol fieldroll/v1) libcurl/7.88.1`: the client, its release, the
        /// protocol it speaks and the HTTP library, for the server's access log.
        public static let userAgent: String = {
            _ = globalInit
            let curl = String(cString: curl_version()).split(separator: " ").first.map(String.init) ?? "libcurl"
            return "fieldroll/\(FieldRollRelease.number) (protocol \(WireProtocol.version)) \(curl)"
        }()

        /// A client for `endpoint`; no connection is opened until the first request.
        public init(endpoint: ServerEndpoint) {
            _ = Self.globalInit
            self.endpoint = endpoint
        }

        static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

        public func send(_ request: HTTPRequest) async throws -> HTTPResponse { try await send(request, stream: nil) }

        public func send(_ request: HTTPRequest, streamingTo sink: @escaping @Sendable (HTTPResponse, Data) throws -> Void) async throws
            -> HTTPResponse
        {
            try await send(request, stream: sink)
        }

        func send(_ request: HTTPRequest, stream: (@Sendable (HTTPResponse, Data) throws -> Void)?) async throws -> HTTPResponse {
            try Task.checkCancellation()
            let endpoint = self.endpoint
            let pool = self.pool
            let cancel = CancelFlag()
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    Thread.detachNewThread {
                        continuation.resume(
                            with: Result { try Self.perform(request, endpoint: endpoint, pool: pool, cancel: cancel, stream: stream) })
                    }
                }
            } onCancel: {
                cancel.set()
            }
        }

        /// Set when the sending task is cancelled; libcurl's progress callback reads it.
        final class CancelFlag: @unchecked Sendable {
            private let lock = NSLock()
            private var value = false
            func set() {
                lock.lock()
                value = true
                lock.unlock()
            }
            var isSet: Bool {
                lock.lock()
                defer { lock.unlock() }
                return value
            }
        }

        /// Collects the response while curl runs.
        final class Sink {
            var body = Data()
            var headers: [String: String] = [:]
            /// The status of the latest status line (the final answer's once headers are done).
            var status = 0
            var upload: Data = Data()
            var uploadOffset = 0
            let cancel: CancelFlag
            /// Where a 2xx answer's body goes, piece by piece, instead of ``body``.
            let stream: (@Sendable (HTTPResponse, Data) throws -> Void)?
            /// What `stream` threw: the transfer was aborted for it.
            var streamError: (any Error)?
            init(cancel: CancelFlag, stream: (@Sendable (HTTPResponse, Data) throws -> Void)?) {
                self.cancel = cancel
                self.stream = stream
            }

            /// Takes one piece of the body; false aborts the transfer.
            func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
                guard let stream, (200...299).contains(status) else {
                    body.append(contentsOf: bytes)
                    return true
                }
                do { try stream(HTTPResponse(status: status, headers: headers, body: Data()), Data(bytes)) } catch {
                    streamError = error
                    return false
                }
                return true
            }
        }

        static func perform(
            _ request: HTTPRequest, endpoint: ServerEndpoint, pool: CurlHandlePool, cancel: CancelFlag,
            stream: (@Sendable (HTTPResponse, Data) throws -> Void)? = nil
        ) throws -> HTTPResponse {
            guard let handle = pool.take() else { throw ClientError(.network, "libcurl could not start") }
            var reusable = false
            defer { pool.give(handle, reusable: reusable) }
            let sink = Sink(cancel: cancel, stream: stream)
            let box = Unmanaged.passRetained(sink)
            defer { box.release() }
            let user = box.toOpaque()

            _ = fr_setopt_str(handle, CURLOPT_URL, endpoint.baseURL + request.path)
            _ = fr_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            _ = fr_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            _ = fr_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            if let ca = endpoint.caFile { _ = fr_setopt_str(handle, CURLOPT_CAINFO, ca) }
            if let pin = endpoint.pinnedPublicKey { _ = fr_setopt_str(handle, CURLOPT_PINNEDPUBLICKEY, pin) }
            _ = fr_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(endpoint.connectTimeout * 1000))
            _ = fr_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, endpoint.lowSpeedBytes)
            _ = fr_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, endpoint.lowSpeedSeconds)
            // Ask for gzip and let curl inflate it.
            _ = fr_setopt_str(handle, CURLOPT_ACCEPT_ENCODING, "gzip")
            _ = fr_setopt_str(handle, CURLOPT_USERAGENT, userAgent)
            // Progress calls come at least once a second, even on a stalled link: the place to see
            // that the task was cancelled.
            let progress: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
                user, _, _, _, _ in
                guard let user else { return 0 }
                return Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().cancel.isSet ? 1 : 0
            }
            _ = fr_setopt_xferinfo(handle, progress)
            _ = fr_setopt_ptr(handle, CURLOPT_XFERINFODATA, user)
            _ = fr_setopt_long(handle, CURLOPT_NOPROGRESS, 0)

            let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { ptr, size, n, user in
                guard let ptr, let user else { return 0 }
                let taken = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().receive(
                    UnsafeRawBufferPointer(start: ptr, count: size * n))
                return taken ? size * n : 0
            }
            let header: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { ptr, size, n, user in
                guard let ptr, let user else { return 0 }
                let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: size * n), as: UTF8.self)
                // A status line starts a response: the final one's headers replace an interim 100's.
                if line.hasPrefix("HTTP/") {
                    let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
                    sink.headers = [:]
                    sink.status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                }
                if let colon = line.firstIndex(of: ":") {
                    let name = line[..<colon].lowercased()
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                    Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().headers[name] = value
                }
                return size * n
            }
            let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { ptr, size, n, user in
                guard let ptr, let user else { return 0 }
                let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
                let count = min(size * n, sink.upload.count - sink.uploadOffset)
                sink.upload.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { memcpy(ptr, base + sink.uploadOffset, count) }
                }
                sink.uploadOffset += count
                return count
            }
            _ = fr_setopt_write(handle, write)
            _ = fr_setopt_ptr(handle, CURLOPT_WRITEDATA, user)
            _ = fr_setopt_header(handle, header)
            _ = fr_setopt_ptr(handle, CURLOPT_HEADERDATA, user)

            switch request.method {
            case "GET": break
            case "HEAD": _ = fr_setopt_long(handle, CURLOPT_NOBODY, 1)
            default:
                // The body is streamed from memory through the read callback, for POST and PUT alike.
                sink.upload = request.body ?? Data()
                _ = fr_setopt_long(handle, CURLOPT_UPLOAD, 1)
                _ = fr_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(sink.upload.count))
                _ = fr_setopt_read(handle, read)
                _ = fr_setopt_ptr(handle, CURLOPT_READDATA, user)
                _ = fr_setopt_str(handle, CURLOPT_CUSTOMREQUEST, request.method)
            }
            var list: UnsafeMutablePointer<curl_slist>?
            // curl decides on its own (over 1 KiB in older versions, 1 MiB in newer); say it outright.
            let expect = (request.body?.count ?? 0) >= Self.expectContinueBytes ? "100-continue" : ""
            for (name, value) in request.headers.merging(["Expect": expect], uniquingKeysWith: { a, _ in a }) {
                list = curl_slist_append(list, "\(name): \(value)")
            }
            defer { curl_slist_free_all(list) }
            _ = fr_setopt_ptr(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))

            let code = curl_easy_perform(handle)
            if code == CURLE_ABORTED_BY_CALLBACK { throw CancellationError() }
            if let error = sink.streamError { throw error }
            guard code == CURLE_OK else {
                let message = String(cString: curl_easy_strerror(code))
                switch code {
                case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CERTPROBLEM:
                    throw ClientError(.untrustedServer, "the server at \(endpoint.baseURL) is not trusted: \(message)")
                default:
                    throw ClientError(.network, "\(request.method) \(request.path.prefix(60)): \(message)")
                }
            }
            var status = 0
            _ = fr_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var connects = 0
            _ = fr_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
            reusable = true
            return HTTPResponse(status: status, headers: sink.headers, body: sink.body, newConnections: connects)
        }
    }
#endif

import FieldRollCore
import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the authenticated device.
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication step of protected routes.
    public var device: DeviceIdentity? {
        didSet { trace.device = device?.id }
    }
    /// The request's `X-Request-ID`: the client's when it is sane, else one the server made.
    /// Set by ``AccessLogMiddleware`` before anything else runs.
    public var requestID: String
    /// What inner steps learned for the access log, shared with the outer middleware (a
    /// context is a value, so a copy changed inside would not be seen outside).
    let trace: RequestTrace
    /// The connection the request came on (nil in router tests without one); used to answer
    /// `Expect: 100-continue` when the body is first read.
    public let channel: (any Channel)?

    public init(source: Source) {
        coreContext = .init(source: source)
        device = nil
        requestID = ""
        trace = RequestTrace()
        channel = source.channel
    }

    /// Bodies are limited per route by ``ServerConfiguration``; this is the outer bound.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}

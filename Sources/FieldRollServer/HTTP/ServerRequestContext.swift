import FieldRollCore
import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the authenticated device.
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication step of protected routes.
    public var device: DeviceIdentity?
    /// The connection the request came on (nil in router tests without one); used to answer
    /// `Expect: 100-continue` when the body is first read.
    public let channel: (any Channel)?

    public init(source: Source) {
        coreContext = .init(source: source)
        device = nil
        channel = source.channel
    }

    /// Bodies are limited per route by ``ServerConfiguration``; this is the outer bound.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}

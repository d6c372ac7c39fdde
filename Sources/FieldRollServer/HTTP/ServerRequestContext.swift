import FieldRollCore
import Hummingbird

/// The per-request context: Hummingbird's core storage plus the authenticated device.
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication step of protected routes.
    public var device: DeviceIdentity?

    public init(source: Source) {
        coreContext = .init(source: source)
        device = nil
    }

    /// Bodies are limited per route by ``ServerConfiguration``; this is the outer bound.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}

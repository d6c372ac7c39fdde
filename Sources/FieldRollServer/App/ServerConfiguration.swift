import FieldRollCore

/// How a server runs: where its data lives, where it listens, and its limits.
public struct ServerConfiguration: Sendable {
    /// The folder holding `fieldroll.sqlite` and `blobs/`; created if missing.
    public var dataDirectory: String
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: Int = 8080
    /// Largest push body, after gzip decompression.
    public var maxPushBytes: Int = WireProtocol.defaultMaxPushBytes
    /// Most changes in one push.
    public var maxChangesPerPush: Int = WireProtocol.defaultMaxChangesPerPush
    /// Largest blob (photo).
    public var maxBlobBytes: Int64 = 25 * 1024 * 1024
    /// Largest pull page a device may ask for.
    public var maxPullPage: Int = 2000
    /// How far ahead of the server's clock a stamp may be, in ms.
    public var maxClockDrift: Int64 = HybridLogicalClock.defaultMaxDrift
    /// How long a one-time enrolment code stays valid, in ms.
    public var enrolmentCodeLifetime: Int64 = 72 * 3600 * 1000

    public init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    public var databasePath: String { dataDirectory + "/fieldroll.sqlite" }
    public var blobDirectory: String { dataDirectory + "/blobs" }
}

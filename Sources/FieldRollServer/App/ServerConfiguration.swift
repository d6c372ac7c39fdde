import FieldRollCore
import Foundation

/// How a server runs: where its data lives, where it listens, and its limits.
public struct ServerConfiguration: Sendable {
    /// The folder holding `fieldroll.sqlite` (when no ``databaseURL`` is set) and `blobs/`.
    public var dataDirectory: String
    /// `postgres://user:password@host:port/database` to keep everything but the photo bytes in
    /// PostgreSQL; nil for the embedded SQLite file in ``dataDirectory``.
    public var databaseURL: String?
    /// The photo folder; defaults to `blobs/` in ``dataDirectory``. Several server processes on
    /// one PostgreSQL must share it.
    public var blobDirectoryOverride: String?
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
    /// Each county's review chain and the holidays deadlines skip (`FIELDROLL_REVIEW_*`,
    /// `FIELDROLL_HOLIDAYS`; docs/review.md).
    public var reviewChains: ReviewChains = .standard
    /// How computed gaps become monthly amounts: rounding and the minimum payment.
    public var benefitRule: BenefitRule = .standard
    /// When a new standard needs a person's confirmation: the largest cut of a household's
    /// amount it may make without (`FIELDROLL_STANDARD_MAX_CUT`).
    public var standardGuard: StandardGuard = .standard
    /// The complaint telephone and address printed on the public notice (nil: a blank line to
    /// fill in by hand).
    public var noticeContact: String?
    /// Which photos each role's devices download (`--device-photos`).
    public var devicePhotos: DevicePhotoPolicy = .standard
    /// How long `serve` waits for requests under way to finish after SIGTERM, in seconds.
    public var drainSeconds: Int = 20
    /// How long an operation waits for PostgreSQL before the request fails with 503
    /// `storage-failure`, in seconds (`FIELDROLL_STORAGE_TIMEOUT`): a database that is down or
    /// out of reach is reported at once instead of holding every request.
    public var storageTimeout: Double = Self.defaultStorageTimeout
    /// 5 seconds.
    public static let defaultStorageTimeout: Double = 5
    /// `/readyz` answers within this many seconds, whatever the database does.
    public static let readinessTimeout: Double = 2
    /// Check-in intervals per programme, grace days and the face-match threshold
    /// (`FIELDROLL_CHECKIN_*` settings; docs/checkins.md).
    public var checkInSchedule: CheckInSchedule = .standard

    /// How long a web console session lasts after sign-in, in ms (a working day).
    public var consoleSessionLifetime: Int64 = 8 * 3600 * 1000
    /// Proxies whose `X-Forwarded-Proto: https` is believed (the console's cookies are then
    /// `Secure`): by default a reverse proxy on the same machine.
    public var trustedProxies: Set<String> = ["127.0.0.1", "::1"]
    /// The clock the console reads (milliseconds since 1970); tests replace it.
    public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    public init(dataDirectory: String, databaseURL: String? = nil) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
    }

    public var databasePath: String { dataDirectory + "/fieldroll.sqlite" }
    public var blobDirectory: String { blobDirectoryOverride ?? dataDirectory + "/blobs" }
    /// Where the server's records live, for messages: the SQLite file or the PostgreSQL URL
    /// without its password.
    public var databaseDescription: String {
        guard let url = databaseURL else { return databasePath }
        return DatabaseURL.redacted(url)
    }
}

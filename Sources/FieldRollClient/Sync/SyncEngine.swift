import FieldRollCore
import Foundation
import Synchronization

/// Where a sync stands, for a progress bar or a log line.
public struct SyncProgress: Sendable, Hashable {
    /// The four phases of a sync, in order, and its end.
    public enum Phase: String, Sendable, Codable {
        /// Uploading this device's photos the server lacks.
        case photos
        /// Pushing the outbox.
        case push
        /// Pulling the region's changes.
        case pull
        /// Downloading colleagues' photos (when the office's photo policy says so).
        case downloads
        /// Finished; the progress carries the sync's totals.
        case done
    }
    /// The phase the sync is in.
    public var phase: Phase
    /// Photos, change sets, changes pulled or photos downloaded so far in this phase; at
    /// `done`, the changes the server answered for in the whole sync.
    public var itemsDone: Int
    /// How many there are in this phase, when known.
    public var itemsTotal: Int?
    /// Photo bytes sent or received so far in this phase; at `done`, in the whole sync.
    public var bytesDone: Int64
    /// How many bytes there are in this phase, when known.
    public var bytesTotal: Int64?
    /// At `done`: what the sync did.
    public var report: SyncReport? = nil
}

/// What one sync did.
public struct SyncReport: Sendable, Codable, Hashable {
    /// Photos of this device uploaded (completed) in this sync.
    public var photosUploaded = 0
    /// Photo bytes sent in this sync (a resumed upload counts only what it sent).
    public var photoBytesSent: Int64 = 0
    /// Changes the server applied.
    public var changesApplied = 0
    /// Changes the server already had (a retry after a lost answer): applied once, earlier.
    public var duplicates = 0
    /// Changes applied with a conflict recorded for a person at the office to look at.
    public var conflictsRecorded = 0
    /// Changes the server refused for good; kept on the device (``DeviceStore/rejected()``).
    public var refused = 0
    /// Whether this device's clock ran ahead and its waiting changes were stamped anew by the server's time.
    public var restamped = false
    /// Changes pulled from the server and applied here.
    public var pulled = 0
    /// Requests sent again after a transient failure (no answer, server busy).
    public var retries = 0
    /// Change sets sent again because the server was restored from an older backup.
    public var resent = 0
    /// The office's photo policy for this device, as the server said in this sync's pull (nil:
    /// it said none this build knows, and nothing was downloaded).
    public var photoPolicy: PhotoPolicy?
    /// Photos of other devices downloaded, verified and stored in this sync.
    public var photosDownloaded = 0
    /// Photo bytes that arrived, including any that were then discarded.
    public var photoBytesReceived: Int64 = 0
    /// Downloads whose bytes did not hash to the photo's SHA-256 (or ran past its size) on every
    /// attempt: discarded, to be tried again by the next sync.
    public var photoDownloadsFailed = 0
    /// Photos the server does not have (yet): their device has not uploaded them.
    public var photosUnavailable = 0
}

/// Tuning of the sync engine; the defaults suit a township's 3G link.
public struct SyncOptions: Sendable {
    /// Change sets in the first push batch of a sync; doubled after each success, halved when the
    /// server says a batch is too large or the link drops the same batch twice running. The size
    /// carries on through the sync (both pushes when the server turns out restored).
    public var initialBatch = 50
    /// The largest push batch, in change sets.
    public var maxBatch = 500
    /// Most changes in one push (the server's limit is 1,000 by default).
    public var maxChangesPerPush = 900
    /// Changes asked for in one pull page.
    public var pullPageSize = 500
    /// Attempts per request before the sync gives up (it can always run again: nothing is lost).
    public var attempts = 6
    /// Downloads of one photo per sync whose bytes fail their hash before it is left for the next sync.
    public var downloadAttempts = 2
    /// Backoff: base × 2^attempt, at most `maxBackoff`, with full jitter.
    public var baseBackoff: Duration = .milliseconds(200)
    /// The longest wait between two attempts.
    public var maxBackoff: Duration = .seconds(10)

    /// The defaults.
    public init() {}
}

/// Uploads the photos the server lacks, pushes the outbox, pulls until caught up, and downloads
/// the photos of other devices that the office's photo policy gives this device.
///
/// Safe to interrupt anywhere and to run again: pushes are idempotent on the server (change ids),
/// acknowledged change sets leave the outbox only after the server's answer, photo uploads resume
/// from the server's offset, the pull cursor is stored together with the changes it covers, and
/// photo downloads resume from the bytes already kept (sealed) on the device.
public struct SyncEngine: Sendable {
    package let store: DeviceStore
    package let api: SyncAPI
    package let server: NodeID
    /// How the sync batches, retries and pages.
    public var options: SyncOptions
    /// Called as the sync progresses.
    public var progress: @Sendable (SyncProgress) -> Void

    /// An engine over `api` (any ``HTTPClient``: a custom transport, a fault injector in tests) for the server `server`.
    public init(
        store: DeviceStore, api: SyncAPI, server: NodeID, options: SyncOptions = SyncOptions(),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) {
        self.store = store
        self.api = api
        self.server = server
        self.options = options
        self.progress = progress
    }

    /// An engine for an enrolled store, over libcurl. The enrolment is read on one of the
    /// store's reader queues, not on the caller's thread.
    public init(
        enrolledStore store: DeviceStore, options: SyncOptions = SyncOptions(),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws {
        guard let e = try await store.enrolmentAsync() else {
            throw ClientError(.unauthorized, "this device is not enrolled; run `fieldroll enroll URL CODE`")
        }
        self.init(
            store: store, api: SyncAPI(http: e.endpoint.makeClient(), token: e.token), server: e.server, options: options,
            progress: progress)
    }

    /// Runs photos → push → pull → downloads; and once more photos → push when the server turns
    /// out to have been restored from a backup (a new generation), so nothing it lost stays lost.
    ///
    /// One sync at a time per store: called while another sync of the same ``DeviceStore`` runs
    /// (from this engine or another), it sends nothing itself, waits for that sync, and returns
    /// its report; only the running sync's `progress` is called. Cancelling the task that started
    /// the sync cancels it; nothing is lost then, and the next sync carries on.
    public func sync() async throws -> SyncReport {
        let engine = self
        return try await store.syncGate.run { try await engine.syncOnce() }
    }

    /// One run of the sync, under the store's gate.
    func syncOnce() async throws -> SyncReport {
        var report = SyncReport()
        var batch = options.initialBatch
        try await uploadPhotos(&report)
        try await push(&report, batch: &batch)
        try await pull(&report)
        if report.resent > 0 {
            try await uploadPhotos(&report)
            try await push(&report, batch: &batch)
        }
        try await downloadPhotos(&report)
        let answered = report.changesApplied + report.duplicates + report.conflictsRecorded + report.refused
        let bytes = report.photoBytesSent + report.photoBytesReceived
        progress(SyncProgress(phase: .done, itemsDone: answered, itemsTotal: answered, bytesDone: bytes, bytesTotal: bytes, report: report))
        return report
    }

    // MARK: Retry

    /// Runs `body`, retrying transient failures (no answer, server busy) with exponential
    /// backoff and jitter; anything else is thrown at once.
    func retrying<T: Sendable>(_ report: inout SyncReport, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do { return try await body() } catch {
                let transient = (error as? ClientError)?.code == .network || (error as? RemoteProblem)?.isTransient == true
                attempt += 1
                guard transient, attempt < options.attempts else { throw error }
                report.retries += 1
                let cap = min(options.maxBackoff, options.baseBackoff * (1 << min(attempt, 20)))
                let ms = cap.components.seconds * 1000 + cap.components.attoseconds / 1_000_000_000_000_000
                try await Task.sleep(for: .milliseconds(Int64.random(in: 0...max(1, ms))))
            }
        }
    }

    // MARK: Photos

    func uploadPhotos(_ report: inout SyncReport) async throws {
        let todo = try await store.photosToUploadAsync()
        let total = todo.reduce(0) { $0 + $1.size }
        var sent: Int64 = 0
        for (i, (digest, _)) in todo.enumerated() {
            progress(SyncProgress(phase: .photos, itemsDone: i, itemsTotal: todo.count, bytesDone: sent, bytesTotal: total))
            let bytes = try await store.photoDataAsync(digest)
            let before = sent
            let delivered = try await retrying(&report) { () async throws -> Int64 in
                // Ask where the server stands first, so a cut upload resumes instead of restarting.
                let (complete, offset) = try await api.blobOffset(digest)
                if complete { return 0 }
                do {
                    _ = try await api.putBlob(digest, bytes: bytes, from: offset)
                } catch let p as RemoteProblem where p.code == .offsetMismatch {
                    throw ClientError(.network, "offset moved; asking again")
                }
                return Int64(bytes.count) - offset
            }
            sent = before + delivered
            report.photoBytesSent += delivered
            report.photosUploaded += delivered > 0 ? 1 : 0
            try await store.markUploadedAsync(digest)
        }
        progress(SyncProgress(phase: .photos, itemsDone: todo.count, itemsTotal: todo.count, bytesDone: sent, bytesTotal: total))
    }

    // MARK: Push

    /// Pushes the outbox, oldest first, in batches of `batch` change sets (and under
    /// ``SyncOptions/maxChangesPerPush`` changes), leaving `batch` where the link left it.
    func push(_ report: inout SyncReport, batch: inout Int) async throws {
        var restamps = 0
        var done = 0
        let total = try await store.pendingAsync().changeSets
        while true {
            var entries = try await store.outboxAsync(limit: batch)
            guard !entries.isEmpty else { return }
            // Keep under the server's change limit.
            var changes = 0
            entries = Array(
                entries.prefix { e in
                    changes += e.changeSet.changes.count
                    return changes <= options.maxChangesPerPush || e.seq == entries[0].seq
                })
            progress(SyncProgress(phase: .push, itemsDone: done, itemsTotal: total, bytesDone: 0, bytesTotal: nil))
            var sets = entries.map(\.changeSet)
            let response: PushResponse
            do {
                var drops = 0
                response = try await retrying(&report) {
                    do { return try await api.push(PushRequest(changeSets: sets)) } catch let e as ClientError where e.code == .network {
                        // A link that keeps dropping a big batch may carry a smaller one: the
                        // retry sends the first half (the rest stays in the outbox for later).
                        drops += 1
                        if drops >= 2 && sets.count > 1 {
                            sets = Array(sets.prefix(sets.count / 2))
                            batch = sets.count
                            drops = 0
                        }
                        throw e
                    }
                }
            } catch let p as RemoteProblem where (p.code == .payloadTooLarge || p.code == .batchTooLarge) && sets.count > 1 {
                batch = max(1, sets.count / 2)
                continue
            }
            for r in response.results {
                switch r.status {
                case .applied: report.changesApplied += 1
                case .duplicate: report.duplicates += 1
                case .conflictRecorded: report.conflictsRecorded += 1
                case .refused: if r.code != .clockSkew { report.refused += 1 }
                }
            }
            try await store.settleAsync(sets, results: response.results)
            done += sets.count
            progress(
                SyncProgress(
                    phase: .push, itemsDone: min(done, max(total, done)), itemsTotal: max(total, done), bytesDone: 0, bytesTotal: nil))
            let back = try await store.noteServerGenerationAsync(response.generation)
            if back > 0 {
                // The server was restored from a backup: what it lost goes out again first.
                report.resent += back
                continue
            }
            if response.results.contains(where: { $0.code == .clockSkew }) {
                // Our clock runs ahead: take the server's time and stamp the waiting changes anew.
                restamps += 1
                guard restamps <= 2 else {
                    throw ClientError(.clockSkew, "the server keeps refusing this device's clock; check the date and time")
                }
                try await store.restampOutboxAsync(serverTime: response.serverTime)
                report.restamped = true
                continue
            }
            batch = min(options.maxBatch, batch * 2)
        }
    }

    // MARK: Pull

    func pull(_ report: inout SyncReport) async throws {
        var cursor = try await store.cursorAsync(for: server)
        var restarted = false
        while true {
            let page: PullPage
            do {
                let answer = try await retrying(&report) { [cursor] in try await api.pullAnswer(after: cursor, limit: options.pullPageSize)
                }
                page = answer.page
                report.photoPolicy = answer.photoPolicy
            } catch let p as RemoteProblem where p.code == .badCursor && !restarted {
                // The server does not know our cursor (restored from a backup?): start over; the
                // merge makes re-applying harmless.
                cursor = nil
                restarted = true
                continue
            }
            try await store.applyAsync(pulled: page.changes, cursor: page.cursor, checkIns: page.checkIns, conflicts: page.conflicts)
            report.resent += try await store.noteServerGenerationAsync(page.generation)
            report.pulled += page.changes.count
            progress(SyncProgress(phase: .pull, itemsDone: report.pulled, itemsTotal: nil, bytesDone: 0, bytesTotal: nil))
            cursor = page.cursor
            if !page.more { return }
        }
    }

    // MARK: Downloads

    /// Downloads, one after the other, the photos that records in this device's scope refer to and
    /// whose bytes it lacks — when the office's policy for it is `full`. Each lands sealed in a
    /// partial file; a cut download resumes with `Range: bytes=<held>-`; the whole is checked
    /// against its SHA-256 before it is kept, sealed like a photo taken here. Bytes that fail
    /// the check are discarded and fetched again, at most ``SyncOptions/downloadAttempts``
    /// times a sync; a photo the server lacks is left for a later sync.
    func downloadPhotos(_ report: inout SyncReport) async throws {
        guard report.photoPolicy == .full, let scope = try await store.enrolmentAsync()?.scope else { return }
        try await store.indexPhotoRecordsAsync()
        let todo = try await store.photosToDownloadAsync(in: scope)
        let total = todo.reduce(0) { $0 + $1.size }
        let received = Mutex<Int64>(0)
        for (i, p) in todo.enumerated() {
            let done = received.withLock { $0 }
            progress(SyncProgress(phase: .downloads, itemsDone: i, itemsTotal: todo.count, bytesDone: done, bytesTotal: total))
            if store.photos.has(p.sha256) {
                // Kept by a sync killed before it noted the photo.
                try await store.noteDownloadedAsync(p)
                continue
            }
            var attempt = 0
            while attempt < options.downloadAttempts {
                attempt += 1
                let partial = try await store.photos.partialAsync(p.sha256)
                do {
                    try await retrying(&report) {
                        defer { try? partial.flush() }
                        let held = partial.held
                        guard held < p.size else { return }
                        try await api.downloadBlob(p.sha256, from: held) { at, bytes in
                            guard at + Int64(bytes.count) <= p.size else {
                                throw ClientError(.hashMismatch, "more bytes than the photo's \(p.size)")
                            }
                            try partial.append(bytes, at: at)
                            received.withLock { $0 += Int64(bytes.count) }
                        }
                    }
                } catch let problem as RemoteProblem where problem.code == .notFound {
                    try? partial.close()
                    report.photosUnavailable += 1
                    break
                } catch let e as FieldRollError where e.code == .hashMismatch || e.code == .rangeNotSatisfiable || e.code == .invalidHeader
                {
                    // More bytes than the photo has, or an answer that does not fit what is held:
                    // start this photo over.
                    try? partial.close()
                    store.photos.discardPartial(p.sha256)
                    if attempt == options.downloadAttempts { report.photoDownloadsFailed += 1 }
                    continue
                }
                if try await store.photos.finishAsync(partial, as: p.sha256) {
                    try await store.noteDownloadedAsync(p)
                    report.photosDownloaded += 1
                    break
                }
                if attempt == options.downloadAttempts { report.photoDownloadsFailed += 1 }
            }
        }
        report.photoBytesReceived += received.withLock { $0 }
        progress(
            SyncProgress(
                phase: .downloads, itemsDone: todo.count, itemsTotal: todo.count, bytesDone: received.withLock { $0 }, bytesTotal: total))
    }
}

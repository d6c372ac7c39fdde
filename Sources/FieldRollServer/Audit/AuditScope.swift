import FieldRollCore

/// Which audit entries a staff member may read: those about a subject inside their scope.
///
/// An entry's region is its subject's:
///
/// | subject | region |
/// | --- | --- |
/// | `<entity>/<id>` (`household/…`, `enrolment/…`, `standard/…`, …) | the record's region |
/// | `region/<code>` (a notice printed, amounts recomputed) | that code |
/// | a device id (`device.*` actions) | the device's scope |
/// | a conflict id (`conflict.*`) | the conflict's region |
/// | a staff name (`staff.*`) | the account's scope |
/// | anything else (`server.*`, `audit.verified` at the command line, an import, `staff.address-locked`) | none |
///
/// An entry with a region is shown to whoever's scope contains it; an entry with none (the
/// server's own, whole imports, sign-in throttling) only to admins and to staff whose scope is a
/// county or wider (``StaffAccount/seesServerAudit``). A subject that no longer resolves (a
/// record never stored) counts as having no region.
struct AuditScope {
    let scope: RegionCode
    let seesUnregioned: Bool

    /// What the lookups found, filled as entries are read.
    private var devices: [String: RegionCode]?
    private var conflicts: [String: RegionCode]?
    private var staff: [String: RegionCode]?

    init(_ account: StaffAccount) {
        scope = account.scope
        seesUnregioned = account.seesServerAudit
    }

    /// The entries of `batch` this viewer may see, in the same order.
    mutating func visible(_ batch: [AuditEntry], pipeline: SyncPipeline) async throws -> [AuditEntry] {
        var keys: [Int64: RecordKey] = [:]
        for e in batch {
            let parts = e.subject.split(separator: "/", maxSplits: 1)
            if parts.count == 2, let kind = EntityKind(rawValue: String(parts[0])) { keys[e.seq] = RecordKey(kind, String(parts[1])) }
        }
        let records = keys.isEmpty ? [:] : try await pipeline.records(Array(Set(keys.values)))
        var out: [AuditEntry] = []
        for e in batch {
            let region: RegionCode?
            if let key = keys[e.seq] {
                region = records[key]?.region
            } else if e.subject.hasPrefix("region/") {
                region = try? RegionCode(String(e.subject.dropFirst(7)))
            } else if e.action.hasPrefix("device.") {
                if devices == nil {
                    devices = Dictionary(try await pipeline.devices().map { ($0.id.rawValue, $0.scope) }, uniquingKeysWith: { a, _ in a })
                }
                region = devices?[e.subject]
            } else if e.action.hasPrefix("conflict.") {
                if conflicts == nil {
                    conflicts = Dictionary(
                        try await pipeline.conflicts(includeResolved: true, scope: nil).map { ($0.id, $0.region) },
                        uniquingKeysWith: { a, _ in a })
                }
                region = conflicts?[e.subject]
            } else if e.action.hasPrefix("staff."), e.action != "staff.address-locked" {
                if staff == nil {
                    staff = Dictionary(try await pipeline.staffAccounts().map { ($0.name, $0.scope) }, uniquingKeysWith: { a, _ in a })
                }
                region = staff?[e.subject]
            } else {
                region = nil
            }
            if let region { if scope.contains(region) { out.append(e) } } else if seesUnregioned { out.append(e) }
        }
        return out
    }
}

extension SyncPipeline {
    /// Page `number` (from 1, newest first) of the audit entries `account` may see
    /// (``AuditScope``), reading the log backwards only as far as the page needs.
    /// - Returns: the page's entries and whether an older page exists.
    func auditPage(for account: StaffAccount, number: Int, size: Int) async throws -> (entries: [AuditEntry], more: Bool) {
        var scope = AuditScope(account)
        let wanted = number * size + 1
        var found: [AuditEntry] = []
        var high = try await storage.head().auditSeq
        let chunk: Int64 = 500
        while high >= 1 && found.count < wanted {
            let low = max(1, high - chunk + 1)
            let batch = try await storage.auditEntries(after: low - 1, limit: Int(high - low + 1)).reversed()
            found += try await scope.visible(Array(batch), pipeline: self)
            high = low - 1
        }
        let start = (number - 1) * size
        let page = start < found.count ? Array(found[start..<min(found.count, start + size)]) : []
        return (page, found.count > start + size)
    }
}

extension StaffAccount {
    /// Whether this person sees audit entries about no region (the server's own, whole imports,
    /// sign-in throttling): admins, and staff whose scope is a county or wider.
    public var seesServerAudit: Bool { role == .admin || scope.level <= .county }
}

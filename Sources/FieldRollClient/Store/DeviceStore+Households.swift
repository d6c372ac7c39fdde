import FieldRollCore
import Foundation
import GRDB

extension DeviceStore {
    /// Records a new household; every field is stamped now and queued for the server.
    /// - Throws: `ValidationError` listing every bad field; nothing is stored then.
    @discardableResult
    public func addHousehold(_ household: Household) throws -> Household {
        try household.validated()
        let values = try household.fieldValues
        return try commit { tx in
            guard try tx.state(.household, household.id.description) == nil else {
                throw ClientError(.invalidRecord, "household \(household.id) already exists")
            }
            let stamp = tx.tick()
            let writes = values.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
            try tx.write(.household, id: household.id.description, region: household.region, household: household.id.description, writes)
            return household
        }
    }

    /// Changes some fields of a household (`phone`, `address`, …; `null` clears an optional one).
    /// Only the fields named are written, each based on the version this device last saw, so
    /// the server can tell a concurrent edit from a sequential one.
    @discardableResult
    public func editHousehold(_ id: HouseholdID, set fields: [String: JSONValue]) throws -> Household {
        try edit(Household.self, id: id, set: fields, household: { _ in id.description })
    }

    /// Adds a member to a household this device holds.
    @discardableResult
    public func addMember(_ member: Member) throws -> Member {
        try member.validated()
        let values = try member.fieldValues
        return try commit { tx in
            guard let (_, region) = try tx.state(.household, member.householdID.description) else {
                throw ClientError.notFound("household \(member.householdID)")
            }
            guard region == member.region else {
                throw ValidationError([
                    FieldIssue(field: "region", reason: "mismatch", message: "a member lives in the household's village \(region)")
                ])
            }
            guard try tx.state(.member, member.id.description) == nil else {
                throw ClientError(.invalidRecord, "member \(member.id) already exists")
            }
            // One person once in a household, one head: what this device can see. Copies from
            // other devices can still meet on the server, which flags them (crosscheck rolls).
            let others = try Row.fetchAll(
                tx.db, sql: "SELECT state FROM records WHERE entity = 'member' AND household_id = ?",
                arguments: [member.householdID.description])
            for row in others {
                let state = try RecordCodec.decodeState(row["state"], entity: .member, vault: tx.vault)
                guard !state.isDeleted else { continue }
                if state.values["residentID"]?.stringValue == member.residentID.rawValue {
                    throw ClientError(.invalidRecord, "this resident ID is already a member of household \(member.householdID)")
                }
                if member.relation == .head, state.values["relation"]?.stringValue == Relation.head.rawValue {
                    throw ClientError(
                        .invalidRecord, "household \(member.householdID) has a head already; add this person with another relation")
                }
            }
            let stamp = tx.tick()
            let writes = values.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
            try tx.write(.member, id: member.id.description, region: member.region, household: member.householdID.description, writes)
            return member
        }
    }

    /// Changes some fields of a member.
    @discardableResult
    public func editMember(_ id: MemberID, set fields: [String: JSONValue]) throws -> Member {
        try edit(Member.self, id: id, set: fields, household: { $0.householdID.description })
    }

    /// Changes a household through its typed fields: exactly the fields `change` changes are
    /// written (each based on the version this device last saw, as ``editHousehold(_:set:)``),
    /// after Core has validated the whole record; nothing is written when it changes nothing.
    ///
    /// ```swift
    /// try store.editHousehold(id) { $0.phone = try PhoneNumber("13911112222") }
    /// ```
    /// - Throws: `ValidationError` naming each bad field, ``ClientError`` `not-found`, or
    ///   `invalid-record` for a change of the region or id (the office's); nothing is stored then.
    @discardableResult
    public func editHousehold(_ id: HouseholdID, _ change: (inout Household) throws -> Void) throws -> Household {
        try edit(Household.self, id: id, change, household: { _ in id.description })
    }

    /// Changes a member through its typed fields, as ``editHousehold(_:_:)`` does.
    @discardableResult
    public func editMember(_ id: MemberID, _ change: (inout Member) throws -> Void) throws -> Member {
        try edit(Member.self, id: id, change, household: { $0.householdID.description })
    }

    /// The typed form of an edit: the record as stored, changed by `change`, compared field by
    /// field; the string-keyed ``edit(_:id:set:household:)`` writes the difference.
    func edit<R: FieldMergedRecord>(
        _ type: R.Type, id: R.ID, _ change: (inout R) throws -> Void, household: @escaping @Sendable (R) -> String
    ) throws -> R {
        let before = try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT state FROM records WHERE entity = ? AND id = ?", arguments: [R.kind.rawValue, id.description])
            else {
                throw ClientError.notFound("\(R.kind.rawValue) \(id)")
            }
            let state = try RecordCodec.decodeState(row["state"], entity: R.kind, vault: vault)
            guard !state.isDeleted else { throw ClientError.notFound("\(R.kind.rawValue) \(id)") }
            return try R(id: id, values: state.values)
        }
        var after = before
        try change(&after)
        guard after.id == before.id else { throw ClientError(.invalidRecord, "a record's id cannot change") }
        try after.validated()
        let old = try before.fieldValues
        let new = try after.fieldValues
        var fields: [String: JSONValue] = [:]
        for key in Set(old.keys).union(new.keys) where old[key] != new[key] { fields[key] = new[key] ?? .null }
        if fields.isEmpty { return before }
        return try edit(R.self, id: id, set: fields, household: household)
    }

    func edit<R: FieldMergedRecord>(_ type: R.Type, id: R.ID, set fields: [String: JSONValue], household: @escaping @Sendable (R) -> String)
        throws -> R
    {
        guard !fields.isEmpty else { throw ClientError(.invalidRecord, "name at least one field to change") }
        var issues: [FieldIssue] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let v = R.schema.check(field: name, value: value, byServer: false) {
                if v.code != .invalidRecord { throw ClientError(v.code, v.message) }
                issues.append(v.issue)
            }
        }
        if fields["region"] != nil {
            throw ClientError(.invalidRecord, "a record's region is changed by the central office, not on the device")
        }
        if !issues.isEmpty { throw ValidationError(issues) }
        // Store and send references in their one canonical form, as the server stores them.
        let fields = fields.reduce(into: [String: JSONValue]()) { $0[$1.key] = R.schema.canonical(field: $1.key, value: $1.value) }
        return try commit { tx in
            guard let (state, region) = try tx.state(R.kind, id.description), !state.isDeleted else {
                throw ClientError.notFound("\(R.kind.rawValue) \(id)")
            }
            var merged = state.values
            for (k, v) in fields { merged[k] = v == .null ? nil : v }
            let updated = try R(id: id, values: merged).validated()
            let stamp = tx.tick()
            let writes = fields.sorted { $0.key < $1.key }.map {
                FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: state.fields[$0.key]?.stamp)
            }
            try tx.write(R.kind, id: id.description, region: region, household: household(updated), writes)
            return updated
        }
    }
}

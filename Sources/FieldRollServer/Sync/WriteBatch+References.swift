import FieldRollCore

/// The records a change names by id: a member's, enrolment's, visit's, photo's or check-in's
/// household, and a check-in's member. Each must exist (on the server, or earlier in the same
/// transaction) inside the writer's scope, on every door: a device's push, an office import, a
/// console form.
enum RecordReferences {
    /// The fields that name another record, and the kind they name.
    static let fields: [(field: String, entity: EntityKind)] = [("householdID", .household), ("memberID", .member)]

    /// The kinds whose records carry references this check follows.
    static let checked: Set<EntityKind> = [.member, .enrolment, .visit, .photo, .checkIn, .amountChange]

    /// The keys `change` names: in its field writes, or in its body.
    static func keys(of change: Change) -> [(field: String, key: RecordKey)] {
        guard checked.contains(change.entity) else { return [] }
        var out: [(String, RecordKey)] = []
        switch change.payload {
        case .writes(let writes):
            for (field, entity) in fields {
                if let id = writes.last(where: { $0.field == field })?.value.stringValue {
                    out.append((field, RecordKey(entity, id.lowercased())))
                }
            }
        case .body(let body):
            guard let object = body.objectValue else { return [] }
            for (field, entity) in fields {
                if let id = object[field]?.stringValue { out.append((field, RecordKey(entity, id.lowercased()))) }
            }
        }
        return out
    }
}

extension WriteBatch {
    /// The refusal for a change that names a record that does not exist, or lies outside the
    /// writer's scope (answered alike, so a device learns nothing of other regions); nil when
    /// every reference holds. A deleted record still counts as existing: a member added offline
    /// to a household another device deleted is kept, not lost. A change naming a record refused
    /// for `clock-skew` earlier in the same push is refused for `clock-skew` too, so the device
    /// re-stamps and resends both rather than losing the second.
    func brokenReference(_ change: Change, writer: WriterContext) -> ChangeDecision? {
        for (field, key) in RecordReferences.keys(of: change) {
            if record(key) == nil, waiting.contains(key) {
                return .refuse(
                    .clockSkew,
                    "\(change.entity.rawValue) \(change.record) \(field): \(key.entity.rawValue) \(key.id) waits for a corrected clock")
            }
            guard let target = record(key), target.entity == key.entity, writer.covers(target.region) else {
                return .refuse(
                    .unknownReference,
                    "\(change.entity.rawValue) \(change.record) \(field): no \(key.entity.rawValue) \(key.id)"
                        + (writer.scope.map { " in \($0.digits)" } ?? ""))
            }
        }
        return nil
    }
}

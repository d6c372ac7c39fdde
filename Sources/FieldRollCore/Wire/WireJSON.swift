/// Direct conversions between the wire types and ``JSONValue``, without `JSONEncoder` or
/// `JSONDecoder`: the hot path of every push and pull. They produce and accept exactly the
/// same JSON as the `Codable` conformances (a test checks both ways).
extension FieldWrite {
    /// The write as JSON, converted directly.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["field": .string(field), "value": value, "stamp": .string(stamp.description)]
        if let base { o["base"] = .string(base.description) }
        return .object(o)
    }

    /// Reads a write from its JSON form.
    /// - Throws: ``ValidationError`` when a member is missing or malformed.
    public init(json: JSONValue) throws(ValidationError) {
        guard let o = json.objectValue, let field = o["field"]?.stringValue, let value = o["value"], let stamp = o["stamp"]?.stringValue
        else {
            throw ValidationError([FieldIssue(field: "writes", reason: "bad-format", message: "a write has field, value and stamp")])
        }
        let base: HLCTimestamp?
        switch o["base"] {
        case nil, .null?: base = nil
        case .string(let b)?: base = try HLCTimestamp(b)
        default: throw ValidationError([FieldIssue(field: "base", reason: "wrong-type", message: "base is a stamp string")])
        }
        self.init(field: field, value: value, stamp: try HLCTimestamp(stamp), base: base)
    }
}

extension Change {
    /// The change as JSON, converted directly.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id.description), "entity": .string(entity.rawValue), "record": .string(record), "region": .string(region.digits),
        ]
        switch payload {
        case .writes(let w): o["writes"] = .array(w.map(\.json))
        case .body(let b): o["body"] = b
        }
        return .object(o)
    }

    /// Reads a change from its JSON form.
    /// - Throws: ``ValidationError`` when a member is missing or malformed.
    public init(json: JSONValue) throws(ValidationError) {
        func bad(_ m: String) -> ValidationError { ValidationError([FieldIssue(field: "change", reason: "bad-format", message: m)]) }
        guard let o = json.objectValue, let id = o["id"]?.stringValue, let entityText = o["entity"]?.stringValue,
            let record = o["record"]?.stringValue, let region = o["region"]?.stringValue
        else { throw bad("a change has id, entity, record and region") }
        guard let entity = EntityKind(rawValue: entityText) else { throw bad("unknown entity \"\(entityText.prefix(30))\"") }
        let payload: Payload
        switch (o["writes"], o["body"]) {
        case (.array(let w)?, nil):
            var writes: [FieldWrite] = []
            writes.reserveCapacity(w.count)
            for x in w { writes.append(try FieldWrite(json: x)) }
            payload = .writes(writes)
        case (nil, let b?): payload = .body(b)
        default: throw bad("a change carries exactly one of \"writes\" and \"body\"")
        }
        self.init(id: try ChangeID(id), entity: entity, record: record, region: try RegionCode(region), payload: payload)
    }
}

extension ChangeSet {
    /// The change set as JSON, converted directly.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id.description), "origin": .string(origin.rawValue), "stamp": .string(stamp.description),
            "changes": .array(changes.map(\.json)),
        ]
        if let signature { o["signature"] = .string(signature) }
        return .object(o)
    }

    /// Reads a change set from its JSON form.
    /// - Throws: ``ValidationError`` when a member is missing or malformed.
    public init(json: JSONValue) throws(ValidationError) {
        guard let o = json.objectValue, let id = o["id"]?.stringValue, let origin = o["origin"]?.stringValue,
            let stamp = o["stamp"]?.stringValue,
            case .array(let list)? = o["changes"]
        else {
            throw ValidationError([
                FieldIssue(field: "changeSets", reason: "bad-format", message: "a change set has id, origin, stamp and changes")
            ])
        }
        var changes: [Change] = []
        changes.reserveCapacity(list.count)
        for c in list { changes.append(try Change(json: c)) }
        let signature: String?
        switch o["signature"] {
        case nil, .null?: signature = nil
        case .string(let s)?: signature = s
        default: throw ValidationError([FieldIssue(field: "signature", reason: "wrong-type", message: "a signature is a base64 string")])
        }
        self.init(
            id: try ChangeSetID(id), origin: try NodeID(origin), stamp: try HLCTimestamp(stamp), changes: changes, signature: signature)
    }

    /// The bytes the signature covers, built directly.
    public func signingBytes() throws -> [UInt8] {
        guard case .object(var o) = json else { return [] }
        o["signature"] = nil
        return JSONValue.object(o).canonicalBytes
    }
}

extension PushRequest {
    /// The request as JSON, converted directly.
    public var json: JSONValue { ["protocol": .string(self.protocol), "changeSets": .array(changeSets.map(\.json))] }

    /// Reads a push from its JSON form, keeping the `protocol` it names.
    /// - Throws: ``ValidationError`` when a member is missing or malformed.
    public init(json: JSONValue) throws(ValidationError) {
        guard let o = json.objectValue, let proto = o["protocol"]?.stringValue, case .array(let sets)? = o["changeSets"] else {
            throw ValidationError([FieldIssue(field: "push", reason: "bad-format", message: "a push has protocol and changeSets")])
        }
        var out: [ChangeSet] = []
        out.reserveCapacity(sets.count)
        for s in sets { out.append(try ChangeSet(json: s)) }
        self.init(changeSets: out)
        self.protocol = proto
    }
}

extension PulledChange {
    /// The pulled change as JSON, converted directly.
    public var json: JSONValue {
        [
            "position": .int(position), "origin": .string(origin.rawValue), "changeSet": .string(changeSet.description),
            "change": change.json,
        ]
    }

    /// Reads a pulled change from its JSON form.
    /// - Throws: ``ValidationError`` when a member is missing or malformed.
    public init(json: JSONValue) throws(ValidationError) {
        guard let o = json.objectValue, let position = o["position"]?.intValue, let origin = o["origin"]?.stringValue,
            let set = o["changeSet"]?.stringValue, let change = o["change"]
        else {
            throw ValidationError([
                FieldIssue(field: "changes", reason: "bad-format", message: "a pulled change has position, origin, changeSet and change")
            ])
        }
        self.init(position: position, origin: try NodeID(origin), changeSet: try ChangeSetID(set), change: try Change(json: change))
    }
}

extension PullPage {
    /// The page as JSON, converted directly.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "changes": .array(changes.map(\.json)), "cursor": .string(cursor.description), "more": .bool(more),
            "serverTime": .string(serverTime.description),
            "generation": .int(generation),
        ]
        if let checkIns { o["checkIns"] = checkIns.json }
        if let conflicts { o["conflicts"] = (try? JSONValue(encoding: conflicts)) ?? .array([]) }
        return .object(o)
    }

    /// Reads a page from its JSON form; a `checkIns` or `conflicts` member this build cannot read is left out.
    /// - Throws: ``ValidationError`` when a member is missing or malformed, ``CursorError`` for a bad cursor.
    public init(json: JSONValue) throws {
        guard let o = json.objectValue, case .array(let list)? = o["changes"], let cursor = o["cursor"]?.stringValue,
            let more = o["more"]?.boolValue,
            let time = o["serverTime"]?.stringValue
        else {
            throw ValidationError([
                FieldIssue(field: "page", reason: "bad-format", message: "a page has changes, cursor, more and serverTime")
            ])
        }
        var changes: [PulledChange] = []
        changes.reserveCapacity(list.count)
        for c in list { changes.append(try PulledChange(json: c)) }
        let generation = o["generation"]?.intValue ?? 0
        let checkIns = o["checkIns"].flatMap { try? CheckInSchedule(json: $0) }
        // A list this build cannot read is left out: the sync goes on, the device shows none.
        let conflicts = o["conflicts"].flatMap { try? $0.decode(as: [ConflictNotice].self) }
        self.init(
            changes: changes, cursor: try SyncCursor(cursor), more: more, serverTime: try HLCTimestamp(time), generation: generation,
            checkIns: checkIns, conflicts: conflicts)
    }
}

/// Signatures checked over the JSON exactly as received.
public enum RawSignature {
    /// Verifies the `signature` member of `raw` over the canonical bytes of the rest.
    public static func verify(_ raw: JSONValue, with key: some SignatureVerifier) throws(SignatureError) {
        guard case .object(var o) = raw, case .string(let text)? = o["signature"] else {
            throw SignatureError(reason: "the record is not signed")
        }
        o["signature"] = nil
        try key.verify(signature: text, over: JSONValue.object(o).canonicalBytes)
    }
}

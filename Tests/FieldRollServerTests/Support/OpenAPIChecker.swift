import FieldRollCore
import Foundation
import Synchronization

/// Checks live responses against `docs/openapi.json`: the status must be documented for the
/// path and method, and a JSON body must match its schema (types, required members, no
/// undocumented members, enums, patterns).
struct OpenAPIChecker: Sendable {
    let document: JSONValue

    static let shared: OpenAPIChecker = {
        let url = fixturesDirectory.deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        // The document is part of the repository; a test run without it cannot check anything.
        let data = (try? Data(contentsOf: url)) ?? Data("{}".utf8)
        return OpenAPIChecker(document: (try? JSONValue(parsing: data)) ?? .object([:]))
    }()

    /// Returns the problems found; empty when the response conforms.
    func check(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        guard let paths = document.objectValue?["paths"]?.objectValue else { return ["no paths in the OpenAPI document"] }
        let shared = document.objectValue?["components"]?.objectValue?["responses"]?.objectValue ?? [:]
        let template: String
        let response: [String: JSONValue]
        if let (t, item) = paths.first(where: { Self.matches(template: $0.key, path: path) }) {
            template = t
            if let operation = item.objectValue?[method.lowercased()]?.objectValue {
                guard let r = operation["responses"]?.objectValue?[String(status)]?.objectValue else {
                    return ["\(method) \(template) answered \(status), which is not documented"]
                }
                response = r
            } else {
                // A method the path does not list: the shared 405 answer, documented once.
                guard status == 405, let r = shared["MethodNotAllowed"]?.objectValue else {
                    return ["\(method) \(template) is not documented"]
                }
                response = r
            }
        } else {
            // A path no route answers: the shared 404 answer, documented once.
            guard status == 404, let r = shared["NotFound"]?.objectValue else { return ["\(path) is not in the OpenAPI document"] }
            template = path
            response = r
        }
        guard let content = response["content"]?.objectValue else { return [] }
        let type = (contentType ?? "").split(separator: ";").first.map(String.init) ?? ""
        guard let media = content[type]?.objectValue else {
            return ["\(method) \(template) \(status) answered \(type), documented \(content.keys.sorted())"]
        }
        guard type.hasSuffix("json"), let schema = media["schema"] else { return [] }
        guard let value = try? JSONValue(parsing: body) else { return ["the body is not JSON"] }
        return validate(value, against: schema, at: "$")
    }

    /// Returns the documented headers marked `required` that the response lacks (names compared
    /// case-insensitively); empty when the status is not documented (``check`` reports that).
    func missingHeaders(method: String, path: String, status: Int, headers: [String]) -> [String] {
        guard let paths = document.objectValue?["paths"]?.objectValue else { return [] }
        let components = document.objectValue?["components"]?.objectValue ?? [:]
        func resolve(_ value: JSONValue?, in section: String) -> [String: JSONValue] {
            guard let o = value?.objectValue else { return [:] }
            guard let ref = o["$ref"]?.stringValue else { return o }
            let name = String(ref.split(separator: "/").last ?? "")
            return components[section]?.objectValue?[name]?.objectValue ?? [:]
        }
        let response: [String: JSONValue]
        if let (_, item) = paths.first(where: { Self.matches(template: $0.key, path: path) }) {
            if let operation = item.objectValue?[method.lowercased()]?.objectValue {
                response = resolve(operation["responses"]?.objectValue?[String(status)], in: "responses")
            } else {
                response = resolve(components["responses"]?.objectValue?["MethodNotAllowed"], in: "responses")
            }
        } else {
            response = resolve(components["responses"]?.objectValue?["NotFound"], in: "responses")
        }
        let present = Set(headers.map { $0.lowercased() })
        return (response["headers"]?.objectValue ?? [:]).compactMap { name, header in
            resolve(header, in: "headers")["required"] == .bool(true) && !present.contains(name.lowercased()) ? name : nil
        }.sorted()
    }

    /// Compiled patterns, shared: compiling one per checked string is slow.
    static let regexes = Mutex<[String: NSRegularExpression]>([:])

    static func matches(_ text: String, _ pattern: String) -> Bool {
        let regex: NSRegularExpression? = regexes.withLock { cache in
            if let r = cache[pattern] { return r }
            guard let r = try? NSRegularExpression(pattern: pattern) else { return nil }
            cache[pattern] = r
            return r
        }
        guard let regex else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func matches(template: String, path: String) -> Bool {
        let t = template.split(separator: "/")
        let p = path.split(separator: "?")[0].split(separator: "/")
        guard t.count == p.count else { return false }
        return zip(t, p).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    func resolve(_ schema: JSONValue) -> [String: JSONValue] {
        guard let o = schema.objectValue else { return [:] }
        if let ref = o["$ref"]?.stringValue, ref.hasPrefix("#/components/schemas/") {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            return document.objectValue?["components"]?.objectValue?["schemas"]?.objectValue?[name]?.objectValue ?? [:]
        }
        return o
    }

    func validate(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        let s = resolve(schema)
        var problems: [String] = []
        if let type = s["type"]?.stringValue {
            let ok: Bool
            switch (type, value) {
            case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int), ("null", .null):
                ok = true
            case ("number", .int), ("number", .double): ok = true
            default: ok = false
            }
            if !ok { return ["\(path): expected \(type), got \(value.typeName)"] }
        }
        if let options = s["enum"]?.arrayValue, !options.contains(value) {
            problems.append("\(path): \(value) is not in the documented enum")
        }
        if let pattern = s["pattern"]?.stringValue, let text = value.stringValue, !Self.matches(text, pattern) {
            problems.append("\(path): \"\(text.prefix(60))\" does not match \(pattern)")
        }
        if case .object(let members) = value {
            let properties = s["properties"]?.objectValue ?? [:]
            for name in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(path): missing required \(name)")
            }
            for (name, member) in members {
                if let p = properties[name] {
                    problems += validate(member, against: p, at: "\(path).\(name)")
                } else if s["additionalProperties"] == .bool(false) {
                    problems.append("\(path): undocumented member \(name)")
                }
            }
        }
        if case .array(let items) = value, let itemSchema = s["items"] {
            for (i, item) in items.enumerated() { problems += validate(item, against: itemSchema, at: "\(path)[\(i)]") }
        }
        return problems
    }
}

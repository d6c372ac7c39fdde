import FieldRollCore
import FieldRollTestSupport
import Foundation
import Logging
import Testing

@testable import FieldRollServer

/// `docs/openapi.json` is what outside teams build clients from, so it must name exactly the
/// routes the server has, and every operation must be findable (operationId) and shown (examples).
@Suite("The OpenAPI document describes exactly the routes the server answers")
struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    var document: [String: JSONValue] { OpenAPIChecker.shared.document.objectValue ?? [:] }

    /// Every documented operation as "METHOD /path/{param}", with its operation object.
    var operations: [(key: String, operation: [String: JSONValue])] {
        var out: [(String, [String: JSONValue])] = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue ?? [:] where Self.methods.contains(method) {
                out.append(("\(method.uppercased()) \(path)", operation.objectValue ?? [:]))
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// Follows a `$ref` into `components`.
    func resolve(_ value: JSONValue) -> [String: JSONValue] {
        guard let o = value.objectValue else { return [:] }
        guard let ref = o["$ref"]?.stringValue, ref.hasPrefix("#/") else { return o }
        var node: JSONValue = .object(document)
        for part in ref.dropFirst(2).split(separator: "/") { node = node.objectValue?[String(part)] ?? .null }
        return node.objectValue ?? [:]
    }

    @Test("every route the router registers is documented with its method, and every documented operation is routed")
    func routesMatchDocument() async throws {
        let server = try await TestServer()
        let blobs = try BlobStore(root: server.directory + "/blobs-router")
        let router = FieldRollServerApp.router(
            configuration: ServerConfiguration(dataDirectory: server.directory), pipeline: server.pipeline, blobs: blobs,
            metrics: ServerMetrics(), logger: Logger(label: "openapi-test"))
        let all = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        // The web console is HTML for people, described in docs/console.md rather than in the
        // device API's document: every one of its routes lies under /console, and nothing else does.
        let console = all.filter { $0.split(separator: " ").last?.hasPrefix("/console") == true }
        let routed = all.subtracting(console)
        #expect(console.contains("GET /console/login") && console.contains("POST /console/login"))
        await server.close()
        let documented = Set(operations.map(\.key))
        #expect(!routed.isEmpty)
        #expect(routed.subtracting(documented).isEmpty, "routed but not in docs/openapi.json: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "in docs/openapi.json but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test("every operation has an operationId, and no two share one")
    func operationIDsAreUnique() {
        let ids = operations.map { $0.operation["operationId"]?.stringValue ?? "" }
        for (key, op) in operations { #expect(op["operationId"]?.stringValue?.isEmpty == false, "\(key) has no operationId") }
        #expect(Set(ids).count == ids.count, "operationIds repeat: \(ids.sorted())")
    }

    @Test("every request body and every answer with a body has an example that matches its schema")
    func everyBodyHasAMatchingExample() {
        for (key, op) in operations {
            var bodies: [(String, [String: JSONValue])] = []
            for (type, media) in resolve(op["requestBody"] ?? .null)["content"]?.objectValue ?? [:] {
                bodies.append(("request \(type)", media.objectValue ?? [:]))
            }
            for (status, response) in op["responses"]?.objectValue ?? [:] {
                for (type, media) in resolve(response)["content"]?.objectValue ?? [:] {
                    bodies.append(("\(status) \(type)", media.objectValue ?? [:]))
                }
            }
            var examples = 0
            for (which, media) in bodies {
                let values =
                    (media["examples"]?.objectValue?.values.compactMap { $0.objectValue?["value"] } ?? [])
                    + [media["example"]].compactMap { $0 }
                #expect(!values.isEmpty, "\(key) \(which) has no example")
                examples += values.count
                guard which.hasSuffix("json"), let schema = media["schema"] else { continue }
                for value in values {
                    let problems = OpenAPIChecker.shared.validate(value, against: schema, at: "$")
                    #expect(problems.isEmpty, "\(key) \(which) example: \(problems)")
                }
            }
            // HEAD answers have no body: their example is the headers'.
            let headerExamples = (op["responses"]?.objectValue?.values ?? [:].values).flatMap { response in
                (resolve(response)["headers"]?.objectValue?.values ?? [:].values).filter { resolve($0)["example"] != nil }
            }
            #expect(examples + headerExamples.count > 0, "\(key) has no example at all")
        }
    }

    @Test("every parameter has a schema and an example that matches it")
    func parametersHaveExamples() {
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            let shared = item.objectValue?["parameters"]?.arrayValue ?? []
            for (method, op) in item.objectValue ?? [:] where Self.methods.contains(method) {
                for parameter in shared + (op.objectValue?["parameters"]?.arrayValue ?? []) {
                    let p = resolve(parameter)
                    let name = "\(method.uppercased()) \(path) \(p["name"]?.stringValue ?? "?")"
                    guard let schema = p["schema"], let example = p["example"] else {
                        Issue.record("\(name) has no schema or no example")
                        continue
                    }
                    let problems = OpenAPIChecker.shared.validate(example, against: schema, at: name)
                    #expect(problems.isEmpty, "\(problems)")
                }
            }
        }
    }

    @Test("every 401 documents WWW-Authenticate, every 405 Allow, every answer X-Request-ID, every problem FieldRoll-Error-Code")
    func headersAreDocumented() {
        for (key, op) in operations {
            for (status, response) in op["responses"]?.objectValue ?? [:] {
                let headers = resolve(response)["headers"]?.objectValue ?? [:]
                #expect(headers["X-Request-ID"] != nil, "\(key) \(status) does not document X-Request-ID")
                // A problem answer, or any refusal of a HEAD (whose answer has no body) but its 404.
                let problem = resolve(response)["content"]?.objectValue?["application/problem+json"] != nil
                let headRefusal = key.hasPrefix("HEAD") && (Int(status) ?? 0) >= 400 && status != "404"
                if problem || headRefusal {
                    #expect(headers["FieldRoll-Error-Code"] != nil, "\(key) \(status) does not document FieldRoll-Error-Code")
                }
                if status == "401" && op["security"] != nil {
                    #expect(
                        resolve(headers["WWW-Authenticate"] ?? .null)["required"] == .bool(true),
                        "\(key) 401 does not document WWW-Authenticate")
                }
            }
        }
        let shared = document["components"]?.objectValue?["responses"]?.objectValue ?? [:]
        #expect(resolve(shared["MethodNotAllowed"] ?? .null)["headers"]?.objectValue?["Allow"] != nil)
    }
}

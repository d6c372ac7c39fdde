import FieldRollCore
import Foundation
import Testing

/// The wire contract is defined once: the members a server accepts are the members the direct
/// JSON conversion writes and Codable reads; paths and header names come from one table.
@Suite("The wire contract in one place")
struct WireContractTests {
    @Test("the direct JSON form writes exactly the declared members of each wire type")
    func members() throws {
        let set = try WireFormatTests.sampleChangeSet()
        let push = PushRequest(changeSets: [set])
        #expect(Set(try #require(push.json.objectValue).keys) == PushRequest.wireMembers)
        #expect(Set(try #require(set.json.objectValue).keys) == ChangeSet.wireMembers)
        var changeKeys = Set<String>()
        var writeKeys = Set<String>()
        for change in set.changes {
            changeKeys.formUnion(try #require(change.json.objectValue).keys)
            if case .writes(let writes) = change.payload {
                for w in writes { writeKeys.formUnion(try #require(w.json.objectValue).keys) }
            }
        }
        #expect(changeKeys == Change.wireMembers, "the sample has both a writes change and a body change")
        #expect(writeKeys.isSubset(of: FieldWrite.wireMembers) && writeKeys.contains("field"))
        // And Codable reads what the direct form wrote.
        #expect(try JSONValue(parsing: Data(push.json.canonicalBytes)).decode(as: PushRequest.self) == push)
        let enrolment = try JSONValue(encoding: EnrolmentRequest(code: "K7QM-2XHP-9R4T", publicKey: "AAAA", device: "tablet-1"))
        #expect(Set(try #require(enrolment.objectValue).keys) == EnrolmentRequest.wireMembers)
    }

    @Test("routes: OpenAPI templates for the spec, :name paths for the router, filled paths for the client")
    func routes() {
        #expect(WireRoute.blobUpload.routerPath == "blobs/:sha256")
        #expect(WireRoute.enrol.routerPath == "devices/enrol")
        #expect(WireRoute.blobDownload.path(["sha256": "ab12"]) == "/v1/blobs/ab12")
        #expect(Set(WireRoute.all).count == WireRoute.all.count, "no operation listed twice")
        #expect(WireRoute.all.allSatisfy { $0.template.hasPrefix("/v1/") })
    }
}

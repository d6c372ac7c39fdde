import FieldRollCore
import Testing

@Suite("A blob download's Range is read the same way on both ends")
struct ByteRangeTests {
    @Test("single ranges are honoured, clamped at the end; past the end is unsatisfiable; the rest is the whole blob")
    func resolve() {
        #expect(ByteRange.resolve(nil, size: 300) == .whole)
        #expect(ByteRange.resolve("bytes=100-", size: 300) == .partial(100..<300))
        #expect(ByteRange.resolve("bytes=0-0", size: 300) == .partial(0..<1))
        #expect(ByteRange.resolve("bytes=290-999", size: 300) == .partial(290..<300))
        #expect(ByteRange.resolve("bytes=-10", size: 300) == .partial(290..<300))
        #expect(ByteRange.resolve("bytes=-1000", size: 300) == .partial(0..<300))
        #expect(ByteRange.resolve("bytes=300-", size: 300) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=-0", size: 300) == .unsatisfiable)
        for ignored in ["bytes=0-1,5-9", "items=0-9", "bytes=9-5", "bytes=x-", "bytes=", "bytes=-", "bytes=99999999999999999999-"] {
            #expect(ByteRange.resolve(ignored, size: 300) == .whole, "\(ignored)")
        }
    }

    @Test("Content-Range is written and read back")
    func contentRange() {
        #expect(ByteRange.contentRange(100..<300, size: 300) == "bytes 100-299/300")
        #expect(ByteRange.unsatisfiedRange(size: 300) == "bytes */300")
        let parsed = ByteRange.parseContentRange("bytes 100-299/300")
        #expect(parsed?.range == 100..<300 && parsed?.size == 300)
        #expect(ByteRange.parseContentRange("bytes */300") == nil)
        #expect(ByteRange.parseContentRange("bytes 5-400/300") == nil)
    }
}

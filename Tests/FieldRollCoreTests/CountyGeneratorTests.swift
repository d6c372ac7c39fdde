import FieldRollCore
import Testing

@Suite("The synthetic county")
struct CountyGeneratorTests {
    @Test("the same seed gives the same county; another seed another")
    func deterministic() {
        let a = CountyGenerator(seed: 11, households: 300).generate()
        let b = CountyGenerator(seed: 11, households: 300).generate()
        let c = CountyGenerator(seed: 12, households: 300).generate()
        #expect(a == b)
        #expect(a.households != c.households)
    }

    @Test("every generated record passes validation, and sizes and scopes are as promised")
    func valid() {
        let county = CountyGenerator(seed: 2026, households: 200).generate()
        #expect(county.townships.count == 3 && county.villages.count == 10 && county.households.count == 200)
        var sizes: [Int] = []
        for h in county.households {
            #expect(h.validate().isEmpty, "\(h.validate())")
            let members = county.members(of: h.id)
            sizes.append(members.count)
            #expect(members.filter { $0.relation == .head }.count == 1)
            for m in members {
                #expect(m.validate().isEmpty, "\(m.validate())")
                #expect(m.region == h.region)
            }
            #expect(county.villages.contains { $0.code == h.region })
        }
        #expect(Set(sizes) == Set(1...6))
        for v in county.villages { #expect(county.townships.contains { $0.code.contains(v.code) }) }
        for e in county.enrolments { #expect(e.validate().isEmpty, "\(e.validate())") }
        #expect(!county.enrolments.isEmpty)
        let ids = county.members.map(\.residentID)
        #expect(Set(ids).count == ids.count, "resident IDs are unique")
    }

    @Test("enrolled amounts follow the gap-filling formula")
    func amounts() {
        let county = CountyGenerator(seed: 5, households: 400).generate()
        for e in county.enrolments {
            let members = county.members(of: e.householdID)
            let income = members.reduce(Fen.zero) { $0 + $1.monthlyIncome }
            let standard = county.standards.first { $0.programme == e.programme }?.monthlyPerCapita ?? .zero
            #expect(e.monthlyAmount == standard * Int64(members.count) - income)
        }
    }

    @Test("a large county scales its villages and townships")
    func scales() {
        let gen = CountyGenerator(seed: 1, households: 20_000)
        #expect(gen.villageCount == 134 && gen.townshipCount == 17)
    }
}

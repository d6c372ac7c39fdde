/// Makes a realistic synthetic county from a seed: townships and villages with statistical
/// codes, households of 1–6 members with Chinese names, valid-checksum resident IDs, work and
/// income, housing, per-area programme standards, and the roll of households that qualify.
///
/// Deterministic: the same seed and size give the same county, byte for byte, on any machine —
/// the committed `Fixtures/county` is seed 2026 with 200 households. Every person is invented;
/// resident IDs use the fictitious county code `139901` (city 99 does not exist in Hebei).
///
/// ```swift
/// let county = CountyGenerator(seed: 7, households: 20_000).generate()
/// ```
public struct CountyGenerator: Sendable {
    /// The seed; the same seed and size give the same county.
    public let seed: UInt64
    /// How many households to make (never negative).
    public let householdCount: Int
    /// The day the roll is as of: ages and benefit start dates count from it.
    public let asOf: CalendarDate

    /// The county's 6-digit code: fictitious (city 99 does not exist in Hebei).
    public static let countyCode = "139901"

    /// The default roll date of generated counties.
    public static let defaultAsOf = CalendarDate(unchecked: 2026, 11, 1)

    /// Makes a generator for `households` households (fewer than 0 count as 0) from `seed`, with the roll as of `asOf`.
    public init(seed: UInt64, households: Int, asOf: CalendarDate = CountyGenerator.defaultAsOf) {
        self.seed = seed
        self.householdCount = max(0, households)
        self.asOf = asOf
    }

    /// Villages: at least 10, about 150 households each. Townships: at least 3, about 8
    /// villages each. The first township is the county seat, with urban communities.
    public var villageCount: Int { max(10, (householdCount + 149) / 150) }
    /// How many townships: at least 3, about 8 villages each.
    public var townshipCount: Int { max(3, (villageCount + 7) / 8) }

    /// Makes the county: the same one every time for the same seed, size and roll date.
    public func generate() -> SyntheticCounty {
        var rng = SeededRandom(seed: seed)
        let (county, townships, villages) = regions(&rng)
        let standards = Self.standards(county: county.code, from: CalendarDate(unchecked: asOf.year, 1, 1))
        var households: [Household] = []
        var members: [Member] = []
        var enrolments: [Enrolment] = []
        households.reserveCapacity(householdCount)
        members.reserveCapacity(householdCount * 3)
        var sequence = 0
        for i in 0..<householdCount {
            let village = villages[i % villages.count]
            let (household, people) = makeHousehold(&rng, village: village, sequence: &sequence)
            households.append(household)
            members.append(contentsOf: people)
            if let e = enrolment(&rng, household: household, members: people, urban: village.urban, standards: standards) {
                enrolments.append(e)
            }
        }
        return SyntheticCounty(
            county: county, townships: townships, villages: villages, households: households, members: members,
            standards: standards, enrolments: enrolments)
    }

    // MARK: Regions

    static let townshipStems = [
        "青石", "柳河", "北坡", "南湾", "石桥", "白杨", "东岭", "西营", "马场", "黄土", "长乐", "清水",
        "红旗", "杏园", "龙泉", "双庙", "桃花", "大王", "小河", "新华", "高家", "安平", "永和", "三合",
    ]
    static let villageStems = [
        "东岗", "西沟", "前庄", "后洼", "李家", "王家", "张庄", "刘屯", "上河", "下河", "南坪", "北台",
        "杨柳", "榆树", "枣林", "梨园", "石门", "沙窝", "河口", "岔路", "新庄", "旧寨", "泉水", "槐树",
        "庙前", "堡子", "桥头", "窑洞", "柴家", "赵庄", "孙家", "周营", "吴村", "郑庄", "冯家", "陈洼",
    ]

    func regions(_ rng: inout SeededRandom) -> (RegionEntry, [RegionEntry], [RegionEntry]) {
        let county = RegionEntry(code: RegionCode(unchecked: Self.countyCode + "000000"), name: "示范县", level: .county, urban: false)
        var townships: [RegionEntry] = []
        for t in 0..<townshipCount {
            let code = Self.countyCode + pad(t + 1, 3) + "000"
            let stem =
                Self.townshipStems[t % Self.townshipStems.count]
                + (t >= Self.townshipStems.count ? "\(t / Self.townshipStems.count + 1)" : "")
            let name = t == 0 ? "城关镇" : stem + (t % 3 == 1 ? "乡" : "镇")
            townships.append(RegionEntry(code: RegionCode(unchecked: code), name: name, level: .township, urban: t == 0))
        }
        var villages: [RegionEntry] = []
        var perTownship = [Int](repeating: 0, count: townshipCount)
        for v in 0..<villageCount {
            let t = v % townshipCount
            perTownship[t] += 1
            let township = townships[t]
            let urban = township.urban
            // Communities (urban) take 001–199, village committees 201–399, as offices number them.
            let number = (urban ? 0 : 200) + perTownship[t]
            let code = String(township.code.digits.prefix(9)) + pad(number, 3)
            let stem = Self.villageStems[(v * 7 + t) % Self.villageStems.count]
            let name = urban ? stem + "社区" : stem + "村"
            villages.append(RegionEntry(code: RegionCode(unchecked: code), name: name, level: .village, urban: urban))
        }
        return (county, townships, villages)
    }

    /// The county's standards: urban and rural dibao, and extreme-poverty support at 1.3× the
    /// urban standard, as many provinces set it.
    public static func standards(county: RegionCode, from date: CalendarDate) -> [ProgrammeStandard] {
        [
            ProgrammeStandard(region: county, programme: .urbanDibao, monthlyPerCapita: .yuan(725), effectiveFrom: date),
            ProgrammeStandard(region: county, programme: .ruralDibao, monthlyPerCapita: .yuan(560), effectiveFrom: date),
            ProgrammeStandard(region: county, programme: .extremePoverty, monthlyPerCapita: Fen(94_250), effectiveFrom: date),
        ]
    }

    // MARK: People

    static let surnames = [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
        "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
    ]
    static let maleChars = [
        "伟", "强", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "建", "国", "志", "文", "福", "贵", "海",
        "山", "林", "宝", "德", "春", "生", "成", "全", "发", "庆", "有", "树",
    ]
    static let femaleChars = [
        "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "华", "玲", "桂", "兰", "梅", "凤", "红", "萍",
        "燕", "翠", "琴", "云", "莲", "珍", "淑", "雪", "月", "春", "花", "荣",
    ]
    static let phonePrefixes = [
        "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "155", "157", "158", "159",
        "176", "177", "180", "182", "185", "186", "187", "188", "189", "199",
    ]

    func name(_ rng: inout SeededRandom, surname: String, sex: Sex) -> String {
        let chars = sex == .male ? Self.maleChars : Self.femaleChars
        return surname + rng.pick(chars) + (rng.chance(0.7) ? rng.pick(chars) : "")
    }

    func residentID(_ rng: inout SeededRandom, birth: CalendarDate, sex: Sex, sequence: inout Int) -> ResidentID {
        sequence += 1
        // Sequence digits 001–999; the last of them odd for men, even for women.
        var seq = (sequence % 499) * 2 + (sex == .male ? 1 : 2)
        if seq > 999 { seq -= 2 }
        let body = Self.countyCode + pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2) + pad(seq, 3)
        let digits = body.compactMap(\.wholeNumberValue)
        let id = body + String(ResidentID.checkCharacter(for: digits))
        // The body is built from a valid date and checked digits, so this always succeeds.
        return (try? ResidentID(id)) ?? { preconditionFailure("generator built an invalid resident ID \(id)") }()
    }

    func birthDate(_ rng: inout SeededRandom, age: Int) -> CalendarDate {
        let year = asOf.year - age - (rng.chance(0.5) ? 1 : 0)
        let month = rng.int(1...12)
        let day = rng.int(1...CalendarDate.daysIn(month: month, year: year))
        let date = CalendarDate(unchecked: year, month, day)
        // Nobody is born after the roll's date.
        return date > asOf ? CalendarDate(unchecked: year - 1, month, min(day, 28)) : date
    }

    func work(_ rng: inout SeededRandom, age: Int, urban: Bool, disabled: Bool) -> (WorkStatus, Fen) {
        if age < 6 { return (.preschool, .zero) }
        if age < 18 { return (.student, .zero) }
        if disabled && rng.chance(0.7) { return (.unableToWork, .zero) }
        if age >= 60 {
            return rng.chance(urban ? 0.7 : 0.4)
                ? (.retired, Fen(Int64(rng.int(urban ? 900...2600 : 150...400)) * 100)) : (.farming, Fen(Int64(rng.int(100...500)) * 100))
        }
        let status: WorkStatus = rng.weighted(
            urban
                ? [(.employed, 40), (.selfEmployed, 15), (.unemployed, 30), (.migrantWork, 5), (.unableToWork, 10)]
                : [(.farming, 40), (.migrantWork, 25), (.unemployed, 20), (.selfEmployed, 5), (.unableToWork, 10)])
        let yuan: Int
        switch status {
        case .employed: yuan = rng.int(1800...5200)
        case .selfEmployed: yuan = rng.int(600...3500)
        case .migrantWork: yuan = rng.int(1200...4200)
        case .farming: yuan = rng.int(150...900)
        case .unemployed: yuan = rng.int(0...200)
        default: yuan = 0
        }
        return (status, Fen(Int64(yuan) * 100))
    }

    func makeHousehold(_ rng: inout SeededRandom, village: RegionEntry, sequence: inout Int) -> (Household, [Member]) {
        let id = HouseholdID(rng.uuid())
        let size = rng.weighted([(1, 12), (2, 25), (3, 24), (4, 20), (5, 12), (6, 7)])
        let surname = rng.pick(Self.surnames)
        let headSex: Sex = rng.chance(0.75) ? .male : .female
        let headAge = size == 1 ? rng.int(45...88) : rng.int(28...80)
        var people: [(Relation, Sex, Int, String)] = [(.head, headSex, headAge, name(&rng, surname: surname, sex: headSex))]
        if size >= 2 {
            let spouseSex: Sex = headSex == .male ? .female : .male
            let spouseSurname = rng.pick(Self.surnames)
            people.append((.spouse, spouseSex, max(20, headAge + rng.int(-5...4)), name(&rng, surname: spouseSurname, sex: spouseSex)))
        }
        while people.count < size {
            if headAge < 58 || rng.chance(0.6) {
                let sex: Sex = rng.chance(0.5) ? .male : .female
                let age = max(0, min(headAge - 20, rng.int(0...34)))
                people.append((.child, sex, age, name(&rng, surname: surname, sex: sex)))
            } else {
                let sex: Sex = rng.chance(0.5) ? .male : .female
                let age = min(100, headAge + rng.int(20...30))
                let relation: Relation = headAge + 20 < 95 ? .parent : .other
                people.append((relation, sex, age, name(&rng, surname: relation == .parent ? surname : rng.pick(Self.surnames), sex: sex)))
            }
        }
        var members: [Member] = []
        var total = Fen.zero
        for (relation, sex, age, fullName) in people {
            let birth = birthDate(&rng, age: age)
            let disability: Disability = rng.weighted([(.none, 88), (.grade1, 2), (.grade2, 3), (.grade3, 3), (.grade4, 4)])
            let health: Health =
                age >= 65
                ? rng.weighted([(.healthy, 45), (.chronicIllness, 40), (.seriousIllness, 10), (.bedridden, 5)])
                : rng.weighted([(.healthy, 85), (.chronicIllness, 11), (.seriousIllness, 4)])
            let (status, income) = work(&rng, age: age, urban: village.urban, disabled: disability != .none || health == .bedridden)
            total = total + income
            let rid = residentID(&rng, birth: birth, sex: sex, sequence: &sequence)
            let phone: PhoneNumber? = age >= 16 && rng.chance(0.8) ? self.phone(&rng) : nil
            members.append(
                Member(
                    id: MemberID(rng.uuid()), householdID: id, region: village.code, name: fullName, residentID: rid,
                    relation: relation, disability: disability, health: health, work: status, monthlyIncome: income,
                    phone: phone))
        }
        let housing: Housing =
            village.urban
            ? rng.weighted([(.owned, 45), (.rented, 25), (.publicRental, 20), (.borrowed, 10)])
            : rng.weighted([(.selfBuilt, 75), (.owned, 10), (.borrowed, 10), (.rented, 5)])
        let assets = rng.weighted([("无", 50), ("电动三轮车一辆", 15), ("耕牛一头", 8), ("存款约五千元", 12), ("摩托车一辆", 10), ("农用拖拉机一台", 5)])
        let address =
            village.urban
            ? "\(village.name)\(rng.int(1...30))号楼\(rng.int(1...6))单元\(rng.int(1...6))0\(rng.int(1...4))室"
            : "\(village.name)\(rng.int(1...9))组\(rng.int(1...120))号"
        // Most declare what they earn; some declare less, which the office's cross-check catches.
        let declared = rng.chance(0.85) ? total : Fen(total.rawValue * Int64(rng.int(50...90)) / 100)
        let household = Household(
            id: id, region: village.code, address: address, headName: people[0].3, phone: members[0].phone ?? phone(&rng),
            housing: housing, housingArea: rng.int(village.urban ? 25...90 : 40...160), declaredMonthlyIncome: declared,
            assets: assets)
        return (household, members)
    }

    func phone(_ rng: inout SeededRandom) -> PhoneNumber {
        let text = rng.pick(Self.phonePrefixes) + pad(rng.int(0...99_999_999), 8)
        return (try? PhoneNumber(text)) ?? { preconditionFailure("generator built an invalid phone \(text)") }()
    }

    // MARK: Roll

    func enrolment(_ rng: inout SeededRandom, household: Household, members: [Member], urban: Bool, standards: [ProgrammeStandard])
        -> Enrolment?
    {
        let total = members.reduce(Fen.zero) { $0 + $1.monthlyIncome }
        let soleElder = members.count == 1 && (members[0].residentID.birthDate.years(until: asOf) >= 60 || members[0].work == .unableToWork)
        let programme: Programme = soleElder && total == .zero ? .extremePoverty : (urban ? .urbanDibao : .ruralDibao)
        guard let standard = BenefitCalculator.standard(for: household.region, programme: programme, on: asOf, among: standards) else {
            return nil
        }
        let amount = BenefitCalculator.monthlyBenefit(standard: standard.monthlyPerCapita, size: members.count, totalMonthlyIncome: total)
        guard amount > .zero else { return nil }
        let status: EnrolmentStatus = rng.weighted([
            (.enrolled, 80), (.applied, 6), (.surveyed, 5), (.townshipReviewed, 4), (.publicNotice, 3), (.suspended, 2),
        ])
        let appliedYear = asOf.year - rng.int(0...6)
        var applied = CalendarDate(unchecked: appliedYear, rng.int(1...12), rng.int(1...28))
        if applied > asOf { applied = CalendarDate(unchecked: appliedYear - 1, applied.month, applied.day) }
        let start: CalendarDate? =
            [.enrolled, .suspended].contains(status)
            ? CalendarDate(unchecked: applied.month == 12 ? applied.year + 1 : applied.year, applied.month == 12 ? 1 : applied.month + 1, 1)
            : nil
        return Enrolment(
            id: EnrolmentID(rng.uuid()), householdID: household.id, region: household.region, programme: programme, status: status,
            monthlyAmount: amount, appliedOn: applied, startDate: start)
    }

    func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

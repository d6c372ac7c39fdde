import FieldRollCore
import Foundation

extension SyncPipeline {
    /// A household survey entered at the township from the paper sheet: a ``Visit`` signed by
    /// the server on `principal`'s behalf and pushed through the same pipeline as a device's, so
    /// it is kept exactly as a device's visit is (immutable, audited, pulled by the devices in
    /// scope) and the county's approval takes its income from the latest survey either way.
    ///
    /// - Parameters:
    ///   - answers: the survey's answers as the visit carries them (income in fen).
    ///   - day: the day of the survey (not after today).
    ///   - investigators: the two people who investigated and signed the sheet.
    /// - Throws: ``ProblemDetails`` `forbidden` (a viewer), `scope-violation`, `not-found` (no such
    ///   household), `invalid-record` (a survey in the future, investigators missing, an answer
    ///   the visit's rules refuse); nothing is written then.
    @discardableResult
    public func recordSurvey(
        household id: HouseholdID, answers: [String: JSONValue], on day: CalendarDate, investigators: [String], as principal: Principal,
        now: Int64
    ) async throws -> Visit {
        try principal.authorize(.recordSurvey)
        let key = RecordKey(.household, id.description)
        guard let stored = try await records([key])[key], case .state(let state) = stored.content, !state.isDeleted else {
            throw ProblemDetails(.notFound, detail: "no household \(id)")
        }
        try principal.authorize(.recordSurvey, at: stored.region)
        let names = investigators.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        // Both names are the visit's author, which holds 40 characters.
        guard names.count >= 2, Set(names).count == names.count, names.joined(separator: "、").count <= 40 else {
            throw ProblemDetails(
                .invalidRecord, detail: "investigators: two different people investigate and sign (their names 40 characters together)")
        }
        let today = CalendarDate(chinaDayOf: Instant(millis: now))
        guard day <= today else { throw ProblemDetails(.invalidRecord, detail: "date: \(day) is after today (\(today))") }
        var values = answers
        values[SurveyQuestion.investigators] = .string(names.joined(separator: "、"))
        values[SurveyQuestion.source] = .string("paper")
        values[SurveyQuestion.enteredBy] = .string(principal.actor)
        // The sheet's day, at noon in China (the hour is not on the sheet), or now if that is later.
        let at = Instant(millis: min(Int64(day.dayNumber) * 86_400_000 + 4 * 3_600_000, now))
        var visit = Visit(
            householdID: id, region: stored.region, author: names.joined(separator: "、"), device: serverNode, startedAt: at, endedAt: at,
            answers: values)
        do { try visit.validated() } catch { throw ProblemDetails(.invalidRecord, detail: error.message) }
        visit = try visit.signed(with: serverKey)
        let body = try JSONValue(encoding: visit)
        var clock = HybridLogicalClock(node: serverNode, last: nil)
        let stamp = clock.tick(now: now)
        let change = Change(entity: .visit, record: visit.id.description, region: visit.region, payload: .body(body))
        let set = try ChangeSet(origin: serverNode, stamp: stamp, changes: [change]).signed(with: serverKey)
        let answer = try await push([set], pusher: serverNode, writer: WriterContext(office: principal), now: now)
        if let result = answer.results.first, result.status == .refused {
            throw ProblemDetails(result.code ?? .invalidRecord, detail: result.detail)
        }
        // The change is the server's; the audit log also names the person who entered the sheet.
        try await record(
            actor: principal.actor, action: "survey.entered", subject: "visit/\(visit.id)",
            detail: "paper survey of household \(id) dated \(day), investigators \(names.joined(separator: "、"))", now: now)
        return visit
    }
}

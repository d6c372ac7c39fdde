import FieldRollCore
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// What the import page takes: the office's own CSV files, or a department's file to
    /// cross-check against the rolls.
    enum ImportKind: String, CaseIterable {
        case households, members, enrolments
        case vehicles, property, deposits, tax, business

        /// The department, for a cross-check file.
        var source: CrossCheckSource? { CrossCheckSource(rawValue: rawValue) }
    }

    /// Whether to offer the import form: the pipeline's rule for the person's role (it decides
    /// again, row by row, on every preview and commit).
    func mayImport(_ call: Call) -> Bool { call.principal.may(.importRecords) }

    /// The import page's view model: the form, and after a preview what the file would do.
    struct ImportPage {
        struct Kind {
            var value: String
            var label: String
            var selected: Bool
        }
        struct Flag {
            var rule: String
            var label: String
            var detail: String
            var household: String
        }
        struct Commit {
            var text: String
            var kind: String
            var file: String
        }
        struct Preview {
            var kindLabel: String
            var file: String
            var summary: String
            var nothing: Bool
            var problems: [String]
            var problemCount: String
            var matches: [String]
            var flags: [Flag]
            var commit: Commit?
        }
        var kinds: [Kind]
        var canImport: Bool
        var preview: Preview?
    }

    /// The form: which kind of file, and the file.
    func importPage(_ call: Call) async throws -> Response {
        let model = ImportPage(kinds: importKinds(call, selected: nil), canImport: mayImport(call), preview: nil)
        return view.page(
            .importPage, model: model, title: call.text("import_title"), viewer: call.viewer, nav: "import", flash: flash(call))
    }

    func importKinds(_ call: Call, selected: ImportKind?) -> [ImportPage.Kind] {
        ImportKind.allCases.map { .init(value: $0.rawValue, label: call.word($0), selected: $0 == selected) }
    }

    /// A refused row in the person's language: which file, row and column, and why (the cell's
    /// reason when it has one, else the code's title).
    func problemLine(_ call: Call, file: String, line: Int?, column: String?, code: ErrorCode, reason: String?) -> String {
        let why = reason.flatMap { call.lang.strings["reason_\($0)"] } ?? ConsoleText.title(of: code, in: call.lang)
        return call.text(
            line == nil ? "import_problem_file" : "import_problem",
            [
                "file": call.lang.strings["import_kind_\(file)"] ?? file, "line": line.map(String.init) ?? "",
                "column": column.map { call.field($0) } ?? "", "why": why,
            ])
    }

    /// The uploaded file's text (UTF-8, or GB18030 for a department's export) and its table.
    func readUpload(_ call: Call, kind: ImportKind) throws -> (text: String, table: CSVTable, name: String) {
        let name = String((call.files["file"]?.filename ?? "upload.csv").prefix(120))
        let text: String
        if let file = call.files["file"] {
            let encoding: TextEncoding = kind.source == nil ? .utf8 : .auto
            (text, _) = try encoding.decode(Data(file.bytes), name: name)
        } else if let pasted = call.form["text"] {
            text = pasted
        } else {
            throw ConsoleRefusal(.invalidRecord, call.text("import_no_file"))
        }
        // An office file may come back from Excel as `export` wrote it: Chinese headers, text cells.
        do {
            return (text, kind.source == nil ? OfficeCSV.normalised(try CSVTable(parsing: text)) : try CSVTable(parsing: text), name)
        } catch {
            throw ProblemDetails(.invalidCSV, detail: "\(name) line \(error.line): \(error.message)")
        }
    }

    /// Reads the file and shows what importing it would do — bad rows with their lines, records
    /// new or changed, flags a cross-check would raise — and writes nothing. When the file is
    /// clean the page carries it (in a hidden field, posted, never in a URL) to the commit.
    func importPreview(_ call: Call) async throws -> Response {
        guard let kind = call.form["kind"].flatMap(ImportKind.init(rawValue:)) else {
            throw ConsoleRefusal(.invalidRecord, call.text("import_no_kind"))
        }
        let (text, table, name) = try readUpload(call, kind: kind)
        var preview = ImportPage.Preview(
            kindLabel: call.word(kind), file: name, summary: "", nothing: false, problems: [], problemCount: "", matches: [], flags: [],
            commit: nil)
        var problems: [String] = []
        var clean = false
        if let source = kind.source {
            let evaluation = try await pipeline.crossCheckPreview(
                table, source: source, file: name, thresholds: crossCheckThresholds(), scope: nil, as: call.principal, now: call.now)
            problems = evaluation.badRows.map {
                problemLine(call, file: kind.rawValue, line: $0.line, column: $0.column, code: .invalidRecord, reason: nil) + " "
                    + $0.message
            }
            preview.summary = call.text(
                "import_crosscheck_summary",
                [
                    "rows": "\(evaluation.rows)", "matched": "\(evaluation.matched)", "unmatched": "\(evaluation.unmatched)",
                    "flags": "\(evaluation.flags.count)",
                ])
            preview.flags = evaluation.flags.map {
                .init(rule: $0.rule.rawValue, label: call.word($0.rule), detail: $0.detail, household: $0.household.description)
            }
            // Bad rows are reported and skipped by the cross-check itself; the good ones may still go ahead.
            clean = evaluation.rows > evaluation.badRows.count
        } else {
            let plan = try await OfficeImport(pipeline: pipeline).plan(
                households: kind == .households ? table : nil, members: kind == .members ? table : nil,
                enrolments: kind == .enrolments ? table : nil, as: call.principal, now: call.now)
            problems = plan.refusals.map {
                problemLine(call, file: $0.file, line: $0.line, column: $0.column, code: $0.code, reason: $0.reason)
            }
            preview.matches = plan.matches.prefix(200).map { $0 }
            let entity: EntityKind = kind == .households ? .household : kind == .members ? .member : .enrolment
            // With bad rows nothing is worked out further: the summary says only how many rows were read.
            preview.summary =
                plan.isClean
                ? call.text("import_summary", ["rows": "\(table.rows.count)", "changed": "\(plan.summary.changed[entity] ?? 0)"])
                : call.text("import_rows", ["rows": "\(table.rows.count)"])
            clean = plan.isClean && !plan.changes.isEmpty
            preview.nothing = plan.isClean && plan.changes.isEmpty
        }
        preview.problems = problems.prefix(200).map { $0 }
        preview.problemCount = call.text("import_problem_count", ["n": "\(problems.count)"])
        if clean { preview.commit = .init(text: text, kind: kind.rawValue, file: name) }
        let model = ImportPage(kinds: importKinds(call, selected: kind), canImport: true, preview: preview)
        return view.page(.importPage, model: model, title: call.text("import_title"), viewer: call.viewer, nav: "import")
    }

    /// Writes a previewed file: read and checked again (the preview is never trusted), then
    /// through ``OfficeImport`` (the server's signed changes, pushed through the ``SyncPipeline``
    /// as the CLI's `import` does) or ``SyncPipeline/crossCheck(_:source:file:encoding:thresholds:scope:as:now:)``,
    /// audited under the person's name.
    func importCommit(_ call: Call) async throws -> Response {
        guard let kind = call.form["kind"].flatMap(ImportKind.init(rawValue:)) else {
            throw ConsoleRefusal(.invalidRecord, call.text("import_no_kind"))
        }
        let (_, table, _) = try readUpload(call, kind: kind)
        let name = String((call.form["file"] ?? "upload.csv").prefix(120))
        if let source = kind.source {
            _ = try await pipeline.crossCheck(
                table, source: source, file: name, thresholds: crossCheckThresholds(), as: call.principal, now: call.now)
            return ConsoleView.redirect("/console/import?done=crosschecked")
        }
        let office = OfficeImport(pipeline: pipeline)
        let plan = try await office.plan(
            households: kind == .households ? table : nil, members: kind == .members ? table : nil,
            enrolments: kind == .enrolments ? table : nil, as: call.principal, now: call.now)
        _ = try await office.run(plan, now: call.now)
        return ConsoleView.redirect("/console/import?done=imported")
    }

    /// The cross-check thresholds from the server's `FIELDROLL_CROSSCHECK_*` settings, as the CLI reads them.
    func crossCheckThresholds() throws -> CrossCheckThresholds {
        let environment = ProcessInfo.processInfo.environment
        do { return try CrossCheckThresholds(settings: { environment[$0] }) } catch {
            throw ProblemDetails(.invalidConfiguration, detail: "\(error)")
        }
    }
}

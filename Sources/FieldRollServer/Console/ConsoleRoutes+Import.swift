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

    /// The form: which kind of file, and the file.
    func importPage(_ call: Call) async throws -> Response {
        let values: [String: Any] = ["kinds": importKinds(call, selected: nil), "canImport": mayImport(call)]
        return view.page("import", title: call.text("import_title"), viewer: call.viewer, nav: "import", flash: flash(call), values: values)
    }

    func importKinds(_ call: Call, selected: ImportKind?) -> [[String: Any]] {
        ImportKind.allCases.map { k in ["value": k.rawValue, "label": call.text("import_kind_\(k.rawValue)"), "selected": k == selected] }
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
            throw ProblemDetails(.invalidRecord, detail: call.text("import_no_file"))
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
            throw ProblemDetails(.invalidRecord, detail: call.text("import_no_kind"))
        }
        let (text, table, name) = try readUpload(call, kind: kind)
        var values: [String: Any] = [
            "kinds": importKinds(call, selected: kind), "canImport": true, "preview": true, "kind": kind.rawValue, "file": name,
            "kindLabel": call.text("import_kind_\(kind.rawValue)"), "rows": table.rows.count,
        ]
        var problems: [String] = []
        var clean = false
        if let source = kind.source {
            let evaluation = try await pipeline.crossCheckPreview(
                table, source: source, file: name, thresholds: crossCheckThresholds(), scope: nil, as: call.principal, now: call.now)
            problems = evaluation.badRows.map { "line \($0.line) \($0.column): \($0.message)" }
            values["summary"] = call.text(
                "import_crosscheck_summary",
                [
                    "rows": "\(evaluation.rows)", "matched": "\(evaluation.matched)", "unmatched": "\(evaluation.unmatched)",
                    "flags": "\(evaluation.flags.count)",
                ])
            values["hasFlags"] = !evaluation.flags.isEmpty
            values["flags"] = evaluation.flags.map {
                ["rule": $0.rule.rawValue, "detail": $0.detail, "household": $0.household.description]
            }
            // Bad rows are reported and skipped by the cross-check itself; the good ones may still go ahead.
            clean = evaluation.rows > evaluation.badRows.count
        } else {
            let plan = try await OfficeImport(pipeline: pipeline).plan(
                households: kind == .households ? table : nil, members: kind == .members ? table : nil,
                enrolments: kind == .enrolments ? table : nil, as: call.principal, now: call.now)
            problems = plan.problems
            values["matches"] = plan.matches.prefix(200).map { $0 }
            values["hasMatches"] = !plan.matches.isEmpty
            let entity: EntityKind = kind == .households ? .household : kind == .members ? .member : .enrolment
            // With bad rows nothing is worked out further: the summary says only how many rows were read.
            values["summary"] =
                plan.isClean
                ? call.text("import_summary", ["rows": "\(table.rows.count)", "changed": "\(plan.summary.changed[entity] ?? 0)"])
                : call.text("import_rows", ["rows": "\(table.rows.count)"])
            clean = plan.isClean && !plan.changes.isEmpty
            if plan.isClean && plan.changes.isEmpty { values["nothing"] = true }
        }
        values["problems"] = problems.prefix(200).map { $0 }
        values["hasProblems"] = !problems.isEmpty
        values["problemCount"] = call.text("import_problem_count", ["n": "\(problems.count)"])
        if clean { values["commit"] = ["text": text, "kind": kind.rawValue, "file": name] }
        return view.page("import", title: call.text("import_title"), viewer: call.viewer, nav: "import", values: values)
    }

    /// Writes a previewed file: read and checked again (the preview is never trusted), then
    /// through ``OfficeImport`` (the server's signed changes, pushed through the ``SyncPipeline``
    /// as the CLI's `import` does) or ``SyncPipeline/crossCheck(_:source:file:encoding:thresholds:scope:as:now:)``,
    /// audited under the person's name.
    func importCommit(_ call: Call) async throws -> Response {
        guard let kind = call.form["kind"].flatMap(ImportKind.init(rawValue:)) else {
            throw ProblemDetails(.invalidRecord, detail: call.text("import_no_kind"))
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

import FieldRollCore
import Foundation
import Mustache

/// The console's swift-mustache templates: one file each under
/// `Sources/FieldRollServer/Resources/Console`, compiled into the server (so a deployment is one
/// binary) and parsed once when the server starts. A template that is missing or does not parse
/// stops the server at start (``ConsoleTemplateError``), never a blank page later.
///
/// Text comes from ``ConsoleStrings`` (`{{t.key}}`); every `{{value}}` is HTML-escaped, and only
/// `{{{content}}}` (a page rendered here) is not. A page template sees its typed view model's
/// properties by name (the model is the frame's `page`) and, above it, `t` and `csrf`.
///
/// `FIELDROLL_CONSOLE_TEMPLATES=DIR` reads the same files from a folder instead, for an office
/// that adapts its pages (or a developer editing them); they are checked the same way at start.
enum ConsoleTemplate: String, CaseIterable, Sendable {
    case layout, login, message, pager, dashboard, conflicts, review, audit, devices, household, survey, search, roll
    case villageRoll = "village_roll"
    case rollReview = "roll_review"
    case importPage = "import"
    case payments, standards, notice
    case noticeView = "notice_view"

    /// The file's name under `Resources/Console`.
    var fileName: String { rawValue + ".mustache" }

    /// The bytes compiled into the binary.
    var embedded: [UInt8] {
        switch self {
        case .layout: PackageResources.layout_mustache
        case .login: PackageResources.login_mustache
        case .message: PackageResources.message_mustache
        case .pager: PackageResources.pager_mustache
        case .dashboard: PackageResources.dashboard_mustache
        case .conflicts: PackageResources.conflicts_mustache
        case .review: PackageResources.review_mustache
        case .audit: PackageResources.audit_mustache
        case .devices: PackageResources.devices_mustache
        case .household: PackageResources.household_mustache
        case .survey: PackageResources.survey_mustache
        case .search: PackageResources.search_mustache
        case .roll: PackageResources.roll_mustache
        case .villageRoll: PackageResources.village_roll_mustache
        case .rollReview: PackageResources.roll_review_mustache
        case .importPage: PackageResources.import_mustache
        case .payments: PackageResources.payments_mustache
        case .standards: PackageResources.standards_mustache
        case .notice: PackageResources.notice_mustache
        case .noticeView: PackageResources.notice_view_mustache
        }
    }

    /// Whether this is a page inside the layout, rendered in a frame (its model as `page`, with
    /// `t` and `csrf`); the layout, the pager partial and the printed notice are not.
    var isPage: Bool { ![.layout, .pager, .notice].contains(self) }

    /// Every template parsed into one library (the partial `pager` by that name).
    /// - Parameter source: a template's text; nil when it is missing. By default the embedded
    ///   files, or the folder `FIELDROLL_CONSOLE_TEMPLATES` names.
    /// - Throws: ``ConsoleTemplateError`` naming the first template missing or not parsing.
    static func library(source: (ConsoleTemplate) -> String? = defaultSource) throws(ConsoleTemplateError) -> MustacheLibrary {
        var templates: [String: MustacheTemplate] = [:]
        for template in allCases {
            guard let text = source(template), !text.isEmpty else {
                throw ConsoleTemplateError(file: template.fileName, reason: "missing")
            }
            do {
                // A page's own values are its model's; `t` and `csrf` come from the frame around it.
                templates[template.rawValue] = try MustacheTemplate(string: template.isPage ? "{{#page}}\(text){{/page}}" : text)
            } catch {
                throw ConsoleTemplateError(file: template.fileName, reason: "\(error)")
            }
        }
        return MustacheLibrary(templates: templates)
    }

    /// The embedded files, or those of the folder named by `FIELDROLL_CONSOLE_TEMPLATES`.
    static func defaultSource(_ template: ConsoleTemplate) -> String? {
        if let folder = ProcessInfo.processInfo.environment["FIELDROLL_CONSOLE_TEMPLATES"], !folder.isEmpty {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(template.fileName)
            return (try? Data(contentsOf: url)).flatMap { String(data: $0, encoding: .utf8) }
        }
        return String(decoding: template.embedded, as: UTF8.self)
    }

    /// The templates as the server parsed them at start; a process that could not parse them
    /// gets the error again from every use.
    static let shared: Result<MustacheLibrary, ConsoleTemplateError> = Result { () throws(ConsoleTemplateError) in try library() }
}

/// A console template that is missing or does not parse: the server does not start.
struct ConsoleTemplateError: FieldRollError {
    var file: String
    var reason: String
    var code: ErrorCode { .invalidConfiguration }
    var message: String { "console template \(file): \(reason)" }
}

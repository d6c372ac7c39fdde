import FieldRollCore
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the console's pages: a page template inside the layout, in one language, as an
/// HTML response with the headers every console page carries.
struct ConsoleView: Sendable {
    let library: MustacheLibrary

    /// The templates parsed at start.
    /// - Throws: ``ConsoleTemplateError`` when one is missing or does not parse: the server does not start.
    init() throws(ConsoleTemplateError) {
        library = try ConsoleTemplate.shared.get()
    }

    /// Who is looking at a page, for the layout.
    struct Viewer {
        var staff: StaffAccount?
        var csrf: String?
        var lang: ConsoleLanguage
        /// The GET page the language links reload.
        var here: String
        /// The name of the person's region, for the layout.
        var scopeLabel: String? = nil
    }

    /// The layout's view model: the page's title and content, who is signed in, the flash.
    struct Layout {
        struct Badge {
            var name: String
            var roleLabel: String
            var scope: String
            var nav: [String: Bool]
        }
        var t: [String: String]
        var title: String
        var htmlLang: String
        var content: String
        var csrf: String
        var here: String
        var flash: String?
        var staff: Badge?
        var warning: String?
    }

    /// A whole page: `template` rendered with its typed view model `model` (the frame's `page`,
    /// beside `t` and `csrf`), inside the layout.
    func page<Model>(
        _ template: ConsoleTemplate, model: Model, title: String, viewer: Viewer, nav: String? = nil, flash: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        // The typed model is read once into dictionaries: swift-mustache looks a name up in a
        // dictionary directly, where a struct costs a reflection of all its properties on every
        // lookup (and `{{t.…}}` inside a list looks through every enclosing row first).
        let frame: [String: Any] = ["t": viewer.lang.strings, "csrf": viewer.csrf ?? "", "page": Self.flatten(model) ?? [String: Any]()]
        guard let content = library.render(frame, withTemplate: template.rawValue) else {
            // Every template was parsed at start, so this cannot happen; if it did, say so.
            return Self.html(
                "<!doctype html><title>500</title><p>console template \(template.fileName) missing</p>", status: .internalServerError)
        }
        var badge: Layout.Badge?
        if let staff = viewer.staff {
            var flags: [String: Bool] = [:]
            if let nav { flags[nav] = true }
            badge = .init(
                name: staff.name, roleLabel: viewer.lang.text("role_\(staff.role.rawValue)"),
                scope: viewer.scopeLabel ?? staff.scope.digits, nav: flags)
        }
        let layout = Layout(
            t: viewer.lang.strings, title: title, htmlLang: viewer.lang.htmlLang, content: content, csrf: viewer.csrf ?? "",
            here: viewer.here, flash: flash, staff: badge)
        return Self.html(
            library.render(Self.flatten(layout) ?? layout, withTemplate: ConsoleTemplate.layout.rawValue) ?? content, status: status)
    }

    /// A view model as swift-mustache reads it fastest: each struct a dictionary of its stored
    /// properties, each array its elements so read, an optional its value or `false` (so a
    /// section of a nil row value is not looked up in the page around it); strings, numbers and
    /// booleans as they are.
    static func flatten(_ value: Any) -> Any? {
        switch value {
        case is String, is Int, is Int64, is Bool, is Double: return value
        case let strings as [String: String]: return strings
        case let flags as [String: Bool]: return flags
        case let array as [Any]: return array.compactMap(flatten)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.flatMap { flatten($0.value) } ?? false
        case .struct, .class:
            var out: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let flat = flatten(child.value) { out[label] = flat }
            }
            return out
        default: return value
        }
    }

    /// The view model of a page that says one thing.
    struct Message {
        var kind: String
        var heading: String
        var body: String
        var hint: String?
        /// The pipeline's own sentence (English), behind "details" on a Chinese page.
        var detail: String?
        var backLink: String
    }

    /// A page that says one thing: a refusal, an error.
    func message(
        viewer: Viewer, status: HTTPResponse.Status, kind: String, heading: String, body: String, hint: String? = nil,
        detail: String? = nil, back: String
    ) -> Response {
        page(
            .message, model: Message(kind: kind, heading: heading, body: body, hint: hint, detail: detail, backLink: back), title: heading,
            viewer: viewer,
            status: status)
    }

    /// An HTML response: never cached, never framed, scripts and forms only from the console.
    static func html(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 to `location` (after a form, so reloading does not send it again).
    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
        return headers
    }
}

extension HTTPField.Name {
    static var referrerPolicy: Self { .init("Referrer-Policy")! }
    static var xFrameOptions: Self { .init("X-Frame-Options")! }
    static var xForwardedProto: Self { .init("X-Forwarded-Proto")! }
    static var xForwardedFor: Self { .init("X-Forwarded-For")! }
}

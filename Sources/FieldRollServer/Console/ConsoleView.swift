import FieldRollCore
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the console's pages: a page template inside the layout, in one language, as an
/// HTML response with the headers every console page carries.
struct ConsoleView: Sendable {
    let library: MustacheLibrary

    /// Compiles the templates.
    /// - Throws: a template's parse error (a programming error caught by the tests).
    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in ConsoleTemplates.all { templates[name] = try MustacheTemplate(string: text) }
        library = MustacheLibrary(templates: templates)
    }

    /// Who is looking at a page, for the layout.
    struct Viewer {
        var staff: StaffAccount?
        var csrf: String?
        var lang: ConsoleLanguage
        /// The GET page the language links reload.
        var here: String
    }

    /// A whole page: `template` rendered with `values` (plus `t`, `csrf`), inside the layout.
    func page(
        _ template: String, title: String, viewer: Viewer, nav: String? = nil, flash: String? = nil, status: HTTPResponse.Status = .ok,
        values: [String: Any]
    ) -> Response {
        var context = values
        context["t"] = viewer.lang.strings
        context["csrf"] = viewer.csrf ?? ""
        let content = library.render(context, withTemplate: template) ?? ""
        var layout: [String: Any] = [
            "t": viewer.lang.strings, "title": title, "htmlLang": viewer.lang.htmlLang, "content": content, "csrf": viewer.csrf ?? "",
            "here": viewer.here,
        ]
        if let flash { layout["flash"] = flash }
        if let staff = viewer.staff {
            var navFlags: [String: Bool] = [:]
            if let nav { navFlags[nav] = true }
            layout["staff"] =
                [
                    "name": staff.name, "roleLabel": viewer.lang.text("role_\(staff.role.rawValue)"), "scope": staff.scope.digits,
                    "nav": navFlags,
                ] as [String: Any]
        }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Self.html(html, status: status)
    }

    /// A page that says one thing: a refusal, an error.
    func message(
        viewer: Viewer, status: HTTPResponse.Status, kind: String, heading: String, body: String, back: String
    ) -> Response {
        page(
            "message", title: heading, viewer: viewer, status: status,
            values: ["kind": kind, "heading": heading, "body": body, "backLink": back])
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

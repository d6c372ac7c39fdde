import FieldRollCore

/// The public notice as a complete HTML page in Chinese, to print on A4 and post on the
/// village or township notice board: the console's `notice` template (the one renderer for the
/// notice, used by the console's print action and by `fieldroll-server notice`). Every piece of
/// text is HTML-escaped.
public enum NoticeHTML {
    /// The page.
    /// - Throws: ``FieldRollError`` `invalid-configuration` when the notice template is missing
    ///   or does not parse (which stops the server at start).
    public static func page(_ notice: PublicNotice) throws -> String {
        let library = try ConsoleTemplate.shared.get()
        return library.render(Sheet(notice), withTemplate: ConsoleTemplate.notice.rawValue) ?? ""
    }

    /// The notice template's view model.
    struct Sheet {
        struct Row { var cells: [String] }
        struct Period {
            var start: String
            var end: String
        }
        var title: String
        var period: Period?
        var header: [String]
        var rows: [Row]
        var columns: Int
        var count: Int
        var contact: String?
        var signature: String
        var date: String

        init(_ notice: PublicNotice) {
            title = notice.title
            header = PublicNotice.header
            rows = notice.entries.enumerated().map { Row(cells: PublicNotice.cells($1, number: $0 + 1)) }
            columns = PublicNotice.header.count
            count = notice.entries.count
            contact = notice.contact.flatMap { $0.isEmpty ? nil : $0 }
            signature = notice.signature ?? notice.place
            date = notice.date.description
            // One period for the whole notice when every household on notice shares it; else
            // each row's own columns say it.
            let periods = Set(
                notice.entries.filter { $0.status == .publicNotice }.compactMap { e in
                    e.noticeStart.flatMap { s in e.noticeEnd.map { [s, $0] } }
                })
            if periods.count == 1, let only = periods.first, let start = only.first, let end = only.last {
                period = Period(start: start.description, end: end.description)
            }
        }
    }
}

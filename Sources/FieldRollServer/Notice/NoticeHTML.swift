import FieldRollCore

/// The public notice as a complete HTML page in Chinese, to print on A4 and post on the
/// village or township notice board. Every piece of text is HTML-escaped.
public enum NoticeHTML {
    /// The page.
    public static func page(_ notice: PublicNotice) -> String {
        let title = escape(notice.title)
        var rows = ""
        for (i, e) in notice.entries.enumerated() {
            rows += "      <tr>" + PublicNotice.cells(e, number: i + 1).map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        if notice.entries.isEmpty {
            rows = "      <tr><td colspan=\"\(PublicNotice.header.count)\">本期无公示对象</td></tr>\n"
        }
        let contact = notice.contact.map(escape) ?? "________________________"
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>\(title)</title>
            <style>
              @page { size: A4; margin: 15mm; }
              body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 11pt; color: #000; }
              h1 { text-align: center; font-size: 18pt; margin: 0 0 8mm; }
              p { margin: 2mm 0; line-height: 1.6; }
              table { width: 100%; border-collapse: collapse; margin: 4mm 0; }
              th, td { border: 1px solid #000; padding: 1.5mm 2mm; text-align: center; }
              thead { display: table-header-group; }
              tr { page-break-inside: avoid; }
              .sign { text-align: right; margin-top: 10mm; }
            </style>
            </head>
            <body>
            <h1>\(title)</h1>
            <p>根据社会救助有关规定,经入户调查、审核审批,现将以下对象予以公示,接受群众监督。公示期内如有异议,请向下列电话或地址反映。</p>
            <table>
              <thead><tr>\(PublicNotice.header.map { "<th>\(escape($0))</th>" }.joined())</tr></thead>
              <tbody>
            \(rows)  </tbody>
            </table>
            <p>共 \(notice.entries.count) 户。户主姓名、身份证号已作脱敏处理。</p>
            <p>监督举报电话及地址:\(contact)</p>
            <p class="sign">\(escape(notice.place))<br>\(escape(notice.date.description))</p>
            </body>
            </html>

            """
    }

    /// Text as HTML: `&`, `<`, `>`, `"` and `'` become entities.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

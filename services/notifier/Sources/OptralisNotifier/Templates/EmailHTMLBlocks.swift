import OptralisCore

/// The HTML of each ``EmailBlock``: tables and inline styles only, every value escaped.
enum EmailHTMLBlocks {
    private typealias P = EmailHTMLLayout.Palette
    private static let font = EmailHTMLLayout.font
    private static let mono = EmailHTMLLayout.monospace

    static func render(_ block: EmailBlock) -> String {
        let e = HTMLText.escape
        switch block {
        case .paragraph(let text):
            return "<p style=\"margin:0 0 16px;font-family:\(font);font-size:15px;line-height:24px;color:\(P.secondary);\">\(HTMLText.multiline(text))</p>"
        case .small(let text):
            return "<p style=\"margin:0 0 12px;font-family:\(font);font-size:13px;line-height:20px;color:\(P.tertiary);\">\(HTMLText.multiline(text))</p>"
        case .button(let label, let url):
            guard let url = HTMLText.safeURL(url) else { return "" }
            return """
                <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;"><tr>
                <td align="center" bgcolor="\(P.cta)" style="background-color:\(P.cta);border-radius:8px;">\
                <a href="\(e(url))" target="_blank" style="display:inline-block;padding:12px 24px;font-family:\(font);font-size:15px;line-height:20px;font-weight:600;color:\(P.onCTA);text-decoration:none;border-radius:8px;">\(e(label))</a>\
                </td></tr></table>
                """
        case .link(let intro, let url):
            guard let url = HTMLText.safeURL(url) else { return "" }
            return "<p style=\"margin:0 0 16px;font-family:\(font);font-size:13px;line-height:20px;color:\(P.tertiary);\">\(e(intro))<br>"
                + "<a href=\"\(e(url))\" target=\"_blank\" style=\"color:\(P.cta);text-decoration:underline;word-break:break-all;\">\(e(url))</a></p>"
        case .details(let rows):
            guard !rows.isEmpty else { return "" }
            let cells = rows.enumerated().map { index, row in
                let border = index == 0 ? "" : "border-top:1px solid \(P.border);"
                let valueFont = row.monospace ? mono : font
                return
                    "<tr><td width=\"38%\" style=\"padding:10px 16px;\(border)font-family:\(font);font-size:13px;line-height:20px;color:\(P.tertiary);vertical-align:top;\">\(e(row.label))</td>"
                    + "<td style=\"padding:10px 16px;\(border)font-family:\(valueFont);font-size:14px;line-height:20px;font-weight:500;color:\(row.color ?? P.text);vertical-align:top;word-break:break-word;\">\(HTMLText.multiline(row.value))</td></tr>"
            }
            return box(cells.joined(separator: "\n"))
        case .secret(let label, let value):
            return box(
                """
                <tr><td style="padding:16px 16px 4px;font-family:\(font);font-size:12px;line-height:18px;color:\(P.tertiary);text-transform:uppercase;letter-spacing:1px;">\(e(label))</td></tr>
                <tr><td style="padding:0 16px 16px;font-family:\(mono);font-size:20px;line-height:28px;font-weight:600;color:\(P.text);letter-spacing:1px;">\(e(value))</td></tr>
                """)
        case .notice(let text, let color):
            return """
                <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;"><tr>
                <td width="3" bgcolor="\(color)" style="width:3px;background-color:\(color);font-size:0;line-height:0;">&nbsp;</td>
                <td bgcolor="\(P.box)" style="padding:12px 16px;background-color:\(P.box);font-family:\(font);font-size:14px;line-height:22px;color:\(P.secondary);">\(HTMLText.multiline(text))</td>
                </tr></table>
                """
        case .quote(let label, let text):
            return box(
                """
                <tr><td style="padding:12px 16px 4px;font-family:\(font);font-size:12px;line-height:18px;color:\(P.tertiary);text-transform:uppercase;letter-spacing:1px;">\(e(label))</td></tr>
                <tr><td style="padding:4px 16px 16px;font-family:\(font);font-size:14px;line-height:22px;color:\(P.text);word-break:break-word;">\(HTMLText.multiline(text))</td></tr>
                """)
        case .list(let label, let items):
            let rows = items.map {
                "<tr><td style=\"padding:6px 16px;border-top:1px solid \(P.border);font-family:\(mono);font-size:14px;line-height:20px;color:\(P.text);word-break:break-word;\">\(e($0))</td></tr>"
            }
            let head =
                "<tr><td style=\"padding:12px 16px 8px;font-family:\(font);font-size:12px;line-height:18px;color:\(P.tertiary);text-transform:uppercase;letter-spacing:1px;\">\(e(label))</td></tr>"
            return box(([head] + rows).joined(separator: "\n"))
        }
    }

    /// A #0f0f0f box with a #1f1f1f border, full width.
    private static func box(_ rows: String) -> String {
        """
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="\(P.box)" style="width:100%;margin:0 0 20px;background-color:\(P.box);border:1px solid \(P.border);border-radius:8px;">
        \(rows)
        </table>
        """
    }
}

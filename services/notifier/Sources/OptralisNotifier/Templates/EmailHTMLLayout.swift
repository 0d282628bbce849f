import OptralisCore

/// The HTML page around an email's blocks, in the spec's Linear design system and its email
/// compatibility rules: nested tables for layout, inline styles only (no `<style>`, no `<link>`),
/// `#rrggbb` colours only (no `rgba()`), no `background-clip`, the logo by `cid:`.
///
/// Page (#09090b) > card (#0a0a0a, border #1f1f1f) > a 3 px line in the template's accent, the header
/// (#0f0f0f) with the logo, the title in the accent colour, the blocks, the footer (company, year).
enum EmailHTMLLayout {
    /// The Linear theme's colours (the spec's "Design System").
    enum Palette {
        static let page = "#09090b"
        static let card = "#0a0a0a"
        static let box = "#0f0f0f"
        static let border = "#1f1f1f"
        static let text = "#fafafa"
        static let secondary = "#a1a1aa"
        static let tertiary = "#71717a"
        static let cta = "#f97316"
        static let onCTA = "#ffffff"
    }

    static let font = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
    static let monospace = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Courier New',monospace"

    static func render(_ content: EmailContent, accent: String, locale: EmailLocale, common: CommonEmailVariables) -> String {
        let e = HTMLText.escape
        let body = content.blocks.map(EmailHTMLBlocks.render).joined(separator: "\n")
        let company =
            HTMLText.safeURL(common.companyURL).map {
                "<a href=\"\(e($0))\" target=\"_blank\" style=\"color:\(Palette.tertiary);text-decoration:underline;\">\(e(common.companyName))</a>"
            } ?? e(common.companyName)
        let automatic = locale.t(
            "Cet email a été envoyé automatiquement par Optralis, merci de ne pas y répondre.",
            "This email was sent automatically by Optralis, please do not reply.")
        return """
            <!DOCTYPE html>
            <html lang="\(locale.code)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="dark">
            <meta name="supported-color-schemes" content="dark">
            <title>\(e(content.subject))</title>
            </head>
            <body style="margin:0;padding:0;background-color:\(Palette.page);" bgcolor="\(Palette.page)">
            <div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;color:\(Palette.page);">\(e(content.preheader))</div>
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="\(Palette.page)" style="width:100%;background-color:\(Palette.page);">
            <tr><td align="center" style="padding:32px 16px;">
            <table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="\(Palette.card)" style="width:100%;max-width:600px;background-color:\(Palette.card);border:1px solid \(Palette.border);border-radius:12px;">
            <tr><td height="3" bgcolor="\(accent)" style="height:3px;line-height:3px;font-size:0;background-color:\(accent);border-radius:12px 12px 0 0;">&nbsp;</td></tr>
            <tr><td bgcolor="\(Palette.box)" style="padding:24px 32px;background-color:\(Palette.box);border-bottom:1px solid \(Palette.border);">
            <table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
            <td style="vertical-align:middle;"><img src="cid:\(e(common.logoCID))" width="40" height="40" alt="Optralis" style="display:block;width:40px;height:40px;border:0;outline:none;text-decoration:none;border-radius:8px;"></td>
            <td style="vertical-align:middle;padding-left:12px;font-family:\(font);font-size:18px;line-height:24px;font-weight:600;color:\(Palette.text);">Optralis</td>
            </tr></table>
            </td></tr>
            <tr><td style="padding:32px;font-family:\(font);">
            <h1 style="margin:0 0 20px;font-family:\(font);font-size:22px;line-height:30px;font-weight:600;color:\(accent);">\(e(content.title))</h1>
            \(body)
            </td></tr>
            <tr><td style="padding:20px 32px;border-top:1px solid \(Palette.border);font-family:\(font);font-size:12px;line-height:18px;color:\(Palette.tertiary);">
            \(e(automatic))<br>
            &copy; \(common.year) \(company) &middot; Optralis
            </td></tr>
            </table>
            </td></tr>
            </table>
            </body>
            </html>
            """
    }
}

import Foundation
import OptralisCurl
import Testing

@testable import OptralisNotifier

@Suite("EmailTemplate MIME: the inline logo in a multipart/related message")
struct EmailTemplateMIMETests {
    typealias F = EmailTemplateFixtures

    @Test func the_logo_is_a_64_pixel_png() {
        let png = OptralisLogo.png
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 64 && height == 64)
        #expect(Array(png.suffix(8).prefix(4)) == Array("IEND".utf8))
        #expect(OptralisLogo.contentID == "optralis-logo")
    }

    @Test func a_rendered_email_with_the_logo_is_valid_multipart_related() throws {
        let rendered = F.render(.welcome, "fr")
        let message = rendered.message(from: "noreply@optralis.test", fromName: "Optralis", to: ["jean@example.test"])
        let mime = message.rendered()
        #expect(mime == message.rendered(), "deterministic")
        let bare = mime.replacingOccurrences(of: "\r\n", with: "")
        #expect(!bare.contains("\n") && !bare.contains("\r"), "CRLF line ends only")

        let root = F.MIMEPart(mime)
        #expect(root.headers["mime-version"] == "1.0")
        #expect(root.contentType.hasPrefix("multipart/related;") && root.contentType.contains("type=\"multipart/alternative\""))
        let related = try #require(root.parts)
        try #require(related.count == 2)

        let alternative = related[0]
        #expect(alternative.contentType.hasPrefix("multipart/alternative;"))
        let bodies = try #require(alternative.parts)
        try #require(bodies.count == 2)
        #expect(bodies[0].contentType == "text/plain; charset=utf-8" && bodies[1].contentType == "text/html; charset=utf-8")
        #expect(bodies.allSatisfy { $0.headers["content-transfer-encoding"] == "base64" })
        #expect(String(decoding: try #require(bodies[0].decoded), as: UTF8.self) == rendered.text)
        #expect(String(decoding: try #require(bodies[1].decoded), as: UTF8.self) == rendered.html)

        let image = related[1]
        #expect(image.contentType.hasPrefix("image/png"))
        #expect(image.headers["content-transfer-encoding"] == "base64")
        #expect(image.headers["content-id"] == "<optralis-logo>")
        #expect(image.headers["content-disposition"] == "inline; filename=\"optralis-logo.png\"")
        #expect(image.body.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        let bytes = try #require(image.decoded)
        #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(Array(bytes) == OptralisLogo.png)
        #expect(rendered.html.contains("cid:\(image.headers["content-id"]!.dropFirst().dropLast())"), "the html references the part")
    }

    @Test func a_text_only_email_has_no_related_part() {
        let message = RenderedEmail(subject: "Rapport", text: "Bonjour", html: "").message(from: "a@optralis.test", to: ["b@example.test"])
        let mime = message.rendered()
        #expect(!mime.contains("multipart/") && !mime.contains("image/png"))
        #expect(F.MIMEPart(mime).contentType == "text/plain; charset=utf-8")
    }
}

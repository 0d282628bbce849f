import Foundation
import OptralisCore
import Testing

@testable import OptralisCurl

@Suite("EmailMessage MIME rendering and inline images")
struct EmailMessageTests {
    static let date = Date(timeIntervalSince1970: 1_767_225_600)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)

    func message(images: [InlineImage]) -> EmailMessage {
        EmailMessage(
            from: "noreply@optralis.test", to: ["a@example.test"], subject: "Test", text: "hello", html: "<p>hello</p>",
            inlineImages: images, date: Self.date, messageID: "<abc-123@optralis.test>")
    }

    @Test func without_images_the_message_is_multipart_alternative() {
        let mime = message(images: []).rendered()
        #expect(mime.contains("\r\nContent-Type: multipart/alternative; boundary=\"=_optralis_abc123optralistest\"\r\n\r\n--=_optralis_abc123optralistest\r\n"))
        #expect(!mime.contains("multipart/related") && !mime.contains("Content-ID"))
        #expect(mime.hasSuffix("--=_optralis_abc123optralistest--\r\n"))
    }

    @Test func images_wrap_the_alternative_part_in_multipart_related() throws {
        let image = InlineImage(contentID: "optralis-logo", mimeType: "image/png", filename: "logo.png", bytes: Self.png)
        let mime = message(images: [image]).rendered()
        #expect(mime == message(images: [image]).rendered(), "deterministic")
        let encoded = Data(Self.png).base64EncodedString()
        let base64Lines = [String(encoded.prefix(76)), String(encoded.dropFirst(76))].joined(separator: "\r\n")
        #expect(encoded.count > 76 && encoded.count <= 152)
        let related = "=_optralis-rel_abc123optralistest", alternative = "=_optralis_abc123optralistest"
        #expect(
            mime.contains(
                "\r\nContent-Type: multipart/related; type=\"multipart/alternative\"; boundary=\"\(related)\"\r\n\r\n--\(related)\r\nContent-Type: multipart/alternative; boundary=\"\(alternative)\"\r\n"
            ))
        #expect(
            mime.hasSuffix(
                "--\(alternative)--\r\n--\(related)\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <optralis-logo>\r\nContent-Disposition: inline; filename=\"logo.png\"\r\n\r\n\(base64Lines)\r\n--\(related)--\r\n"
            ))
        #expect(!related.hasPrefix(alternative) && !alternative.hasPrefix(related))
    }

    @Test func image_headers_cannot_be_injected() {
        let image = InlineImage(contentID: "<x>\r\nBcc: evil@x.test", filename: "a\"b\r\n.png", bytes: Self.png)
        let mime = message(images: [image]).rendered()
        #expect(!mime.contains("\r\nBcc:"))
        #expect(mime.contains("Content-ID: <xBcc: evil@x.test>") && mime.contains("filename=\"ab.png\""))
    }

    @Test func a_text_only_message_ignores_images() {
        let image = InlineImage(contentID: "logo", filename: "logo.png", bytes: Self.png)
        let mime = EmailMessage(from: "a@optralis.test", to: ["b@example.test"], subject: "s", text: "t", inlineImages: [image]).rendered()
        #expect(!mime.contains("multipart") && mime.contains("Content-Type: text/plain; charset=utf-8"))
    }

    @Test func attachments_follow_the_body_in_multipart_mixed() throws {
        let image = InlineImage(contentID: "optralis-logo", mimeType: "image/png", filename: "logo.png", bytes: Self.png)
        let pdf = EmailAttachment(filename: "weekly\"report\r\n.pdf", mimeType: "application/pdf", content: Data("%PDF-1.3 fake".utf8))
        var withFile = message(images: [image])
        withFile.attachments = [pdf]
        let mime = withFile.rendered()
        let mixed = "=_optralis-mix_abc123optralistest", related = "=_optralis-rel_abc123optralistest"
        #expect(
            mime.contains("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"\(mixed)\"\r\n\r\n--\(mixed)\r\nContent-Type: multipart/related;"))
        let body = message(images: [image]).rendered()
        let bodyPart = try #require(body.components(separatedBy: "MIME-Version: 1.0\r\n").last)
        #expect(mime.contains(bodyPart + "--\(mixed)\r\n"), "the whole message without the file is the first part")
        #expect(
            mime.hasSuffix(
                "--\(mixed)\r\nContent-Type: application/pdf; name=\"weeklyreport.pdf\"\r\nContent-Transfer-Encoding: base64\r\n"
                    + "Content-Disposition: attachment; filename=\"weeklyreport.pdf\"\r\n\r\n\(Data("%PDF-1.3 fake".utf8).base64EncodedString())\r\n--\(mixed)--\r\n"
            ))
        #expect(!mixed.hasPrefix("=_optralis_abc") && !related.hasPrefix(mixed), "no boundary is a prefix of another")
        let textOnly = EmailMessage(from: "a@optralis.test", to: ["b@example.test"], subject: "s", text: "t", attachments: [pdf]).rendered()
        #expect(textOnly.contains("Content-Type: multipart/mixed") && textOnly.contains("Content-Type: text/plain; charset=utf-8"))
    }
}

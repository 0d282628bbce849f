import Foundation
import OptralisQR
import OptralisTestSupport
import Testing

@Suite("QR codes (libqrencode)")
struct QRCodeTests {
    /// Debian's `qrencode` tool, with the same settings (8-bit mode, level M, no margin), draws the
    /// same modules: an independent reading of what our wrapper copies out of libqrencode.
    @Test(arguments: ["otpauth://totp/Optralis:ada@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Optralis", "x", String(repeating: "é", count: 120)])
    func the_modules_match_the_qrencode_tool(_ text: String) async throws {
        let ours = try QRCode(text).modules
        let tool = try #require(which("qrencode"), "qrencode is missing: scripts/deps.sh installs it")
        let (status, output) = try await ChildProcess.run(tool, ["-8", "-l", "M", "-m", "0", "-t", "ASCII", text])
        try #require(status == 0, "\(output)")
        let theirs = output.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            stride(from: 0, to: line.count, by: 2).map { line[line.index(line.startIndex, offsetBy: $0)] == "#" }
        }
        #expect(ours.count == theirs.count && ours.count >= 21, "\(ours.count) modules against \(theirs.count)")
        #expect(ours == theirs)
    }

    @Test func the_svg_has_a_quiet_zone_and_one_square_per_dark_module() throws {
        let code = try QRCode("optralis")
        let svg = code.svg(label: "a \"label\" <x>")
        let size = code.modules.count + 8
        #expect(svg.contains("viewBox=\"0 0 \(size) \(size)\""))
        #expect(svg.components(separatedBy: "h1v1h-1z").count - 1 == code.modules.joined().filter { $0 }.count)
        #expect(svg.contains("aria-label=\"a &quot;label&quot; &lt;x>\""))
    }
}

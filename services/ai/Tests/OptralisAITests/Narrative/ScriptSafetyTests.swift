import Testing

@testable import OptralisAI

/// Issue 17, item 13: a remediation script that runs what it downloads or decodes, or makes a
/// file setuid, used to carry only the generic advice to review it.
@Suite("Remediation script safety: remote code and setuid")
struct ScriptSafetyTests {
    static let remoteCode = ScriptSafety.rules.first { $0.english.contains("downloads or decodes") }!
    static let setuid = ScriptSafety.rules.first { $0.english.contains("setuid") }!

    func warnings(_ code: String, platform: String = "bash") -> [String] {
        ScriptSafety.checked(RemediationScript(platform: platform, purpose: "fix", code: code, safetyWarnings: []), language: .en).safetyWarnings
    }

    @Test(arguments: [
        "curl -fsSL https://get.example.com/install.sh | sh",
        "curl -s https://x.test/a | sudo bash",
        "curl https://x.test/a | sudo -E bash -s -- --yes",
        "wget -qO- http://x.test/setup | /bin/bash",
        "echo ZWNobyBoaQ== | base64 -d | sh",
        "base64 --decode payload.b64 | bash",
        "sh -c \"$(curl -fsSL https://x.test/i.sh)\"",
        "bash <(wget -qO- https://x.test/i.sh)",
        "eval \"$(curl -s https://x.test/env)\"",
        "eval $(wget -qO- https://x.test/env)",
        "source <(curl -s https://x.test/lib.sh)",
        "iex (iwr https://x.test/a.ps1 -UseBasicParsing)",
        "Invoke-Expression (New-Object Net.WebClient).DownloadString('https://x.test/a.ps1')",
        "irm https://x.test/a.ps1 | iex",
    ])
    func code_it_downloads_or_decodes_and_runs_is_flagged(_ code: String) {
        #expect(warnings(code).contains(Self.remoteCode.english), "\(code)")
    }

    @Test(arguments: [
        "chmod +s /usr/local/bin/tool", "chmod u+s /opt/x", "sudo chmod 4755 /opt/x", "chmod g+s dir", "chmod -R 2775 /srv/share", "chmod 06755 f",
    ])
    func setuid_and_setgid_are_flagged(_ code: String) {
        #expect(warnings(code).contains(Self.setuid.english), "\(code)")
    }

    @Test(arguments: [
        "curl -fsSL -o /tmp/install.sh https://x.test/install.sh && sha256sum -c install.sh.sha256",
        "journalctl -u nginx | grep error | sh_summary",
        "chmod 755 /opt/x && chmod 0644 /etc/x.conf && chmod 1777 /tmp/shared",
        "apt-get install --only-upgrade openssl",
        "Invoke-WebRequest https://x.test/a.msi -OutFile a.msi; Get-FileHash a.msi",
    ])
    func ordinary_commands_are_not_flagged(_ code: String) {
        let found = warnings(code)
        #expect(!found.contains(Self.remoteCode.english) && !found.contains(Self.setuid.english), "\(code): \(found)")
    }

    @Test func french_scripts_get_the_french_warning() {
        let checked = ScriptSafety.checked(
            RemediationScript(platform: "bash", purpose: "x", code: "curl https://x.test | sh", safetyWarnings: []), language: .fr)
        #expect(checked.safetyWarnings == [Self.remoteCode.french])
    }
}

/// `/ai/scripts/generate` without Claude: for each recommendation, a read-only script that
/// gathers what an operator needs to act (what fills the disk, what loads the CPU, which
/// updates are pending…), in bash or PowerShell. They change nothing, so they carry only the
/// advice to review them; Claude's remediation scripts, which may, go through ``ScriptSafety``.
struct DiagnosticScripts: Sendable, Encodable {
    var platform: String
    var issue: String?
    var scripts: [RemediationScript]

    static func make(for recommendations: [LocalRecommendations.Item], windows: Bool, issue: String?, language: AILanguage) -> DiagnosticScripts {
        var seen = Set<String>()
        let scripts = recommendations.compactMap { item -> RemediationScript? in
            guard seen.insert(item.category).inserted, let code = (windows ? powershell : bash)[item.category] else { return nil }
            let purpose = wording(language, fr: "Diagnostic : \(item.title)", en: "Diagnosis: \(item.title)")
            return ScriptSafety.checked(
                RemediationScript(platform: windows ? "powershell" : "bash", purpose: purpose, code: code, safetyWarnings: []), language: language)
        }
        return DiagnosticScripts(platform: windows ? "powershell" : "bash", issue: issue, scripts: scripts)
    }

    func findings(language: AILanguage) -> AnalysisFindings<DiagnosticScripts> {
        AnalysisFindings(
            statistics: self, issues: [],
            summary: wording(
                language, fr: "\(scripts.count) script(s) de diagnostic en lecture seule.", en: "\(scripts.count) read-only diagnostic script(s)."))
    }

    static let bash: [String: String] = [
        "disk": "df -h -x tmpfs -x devtmpfs\ndu -xh --max-depth=2 / 2>/dev/null | sort -rh | head -20\njournalctl --disk-usage",
        "smart": "for d in $(lsblk -dno NAME -e 7,11); do echo \"== /dev/$d\"; smartctl -H -A /dev/$d; done",
        "security": "ufw status verbose 2>/dev/null || nft list ruleset 2>/dev/null | head -50 || iptables -S",
        "updates": "apt list --upgradable 2>/dev/null || dnf check-update --security",
        "stability": "journalctl -p crit -S -24h --no-pager | tail -50\nlast -x reboot shutdown | head -10",
        "cpu": "uptime\nps -eo pid,user,pcpu,pmem,etime,comm --sort=-pcpu | head -15",
        "ram": "free -m\nps -eo pid,user,pmem,rss,comm --sort=-rss | head -15",
    ]

    static let powershell: [String: String] = [
        "disk":
            "Get-PSDrive -PSProvider FileSystem | Select-Object Name, Used, Free\nGet-ChildItem C:\\ -Directory -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ Path = $_.FullName; GB = [math]::Round((Get-ChildItem $_.FullName -Recurse -File -ErrorAction SilentlyContinue | Measure-Object Length -Sum).Sum / 1GB, 2) } } | Sort-Object GB -Descending | Select-Object -First 15",
        "smart":
            "Get-PhysicalDisk | Select-Object FriendlyName, HealthStatus, OperationalStatus\nGet-PhysicalDisk | Get-StorageReliabilityCounter | Select-Object DeviceId, Temperature, ReadErrorsTotal, Wear",
        "security":
            "Get-NetFirewallProfile | Select-Object Name, Enabled\nGet-MpComputerStatus | Select-Object AntivirusEnabled, AntivirusSignatureLastUpdated",
        "updates": "(New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher().Search('IsInstalled=0').Updates | Select-Object Title",
        "stability":
            "Get-WinEvent -FilterHashtable @{LogName='System'; Level=1,2; StartTime=(Get-Date).AddDays(-1)} -MaxEvents 50 | Select-Object TimeCreated, ProviderName, Id, Message",
        "cpu": "Get-Process | Sort-Object CPU -Descending | Select-Object -First 15 Id, ProcessName, CPU, WorkingSet",
        "ram":
            "Get-CimInstance Win32_OperatingSystem | Select-Object FreePhysicalMemory, TotalVisibleMemorySize\nGet-Process | Sort-Object WorkingSet -Descending | Select-Object -First 15 Id, ProcessName, WorkingSet",
    ]
}

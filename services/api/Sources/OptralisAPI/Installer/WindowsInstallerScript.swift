/// The Windows installer (`GET /install.ps1`, `GET /api/installer/windows`), the PowerShell twin
/// of ``LinuxInstallerScript``: finds the newest stable Windows agent for the machine's
/// architecture (`GET /api/public/latest-version?platform=windows`), downloads it, refuses it
/// unless its SHA-256 matches, installs it as `%ProgramFiles%\Optralis\optralis-agent.exe`, runs
/// `optralis-agent.exe install --no-service` (which enrols the machine with the token, `POST
/// /api/public/bootstrap`, and writes its identity to `%ProgramData%\Optralis`), then registers
/// and starts the `optralis-agent` Windows service itself (`New-Service`, restart on failure).
///
/// The token never goes on a command line: the script reads `OPTRALIS_INSTALL_TOKEN`, else asks
/// with `Read-Host -AsSecureString` (no echo, nothing in the console history), and hands it to
/// the agent in the same environment variable. A downloaded script carries its token and the
/// agents' CA. `OPTRALIS_SERVER` replaces the server's public URL.
///
/// Written for Windows PowerShell 5.1 (every supported Windows 10, 11 and Server 2016+) and
/// PowerShell 7; ASCII only, because 5.1 reads a `.ps1` without a byte-order mark in the ANSI code
/// page. The whole script is one script block, so `irm … | iex` and `-File` behave the same and a
/// failure throws rather than `exit`, which would close the console `iex` runs in. Nobody can run
/// it here (no Windows, no PowerShell in the registries this toolchain reaches): its tests check
/// what the api serves and its structure only.
enum WindowsInstallerScript {
    static func render(server: String, token: String = "", caCertificate: String = "") -> String {
        InstallerTemplate.fill(template, ["SERVER": server, "TOKEN": token, "CA_PEM": caCertificate], quote: quoted)
    }

    /// A PowerShell single-quoted string: nothing in it is expanded, a quote is doubled.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The command `POST /api/install-tokens` hands out: no token in it (the script asks for it).
    static func command(server: String) -> String {
        "irm \(server)/install.ps1 | iex"
    }

    private static let template = #"""
        # Optralis agent installer for Windows (amd64, arm64). In an elevated PowerShell:
        #   irm <server>/install.ps1 | iex        (asks for the install token, without echo)
        # Unattended, with OPTRALIS_INSTALL_TOKEN in the environment (never as an argument, which
        # process lists and the console history would show):
        #   powershell -NoProfile -ExecutionPolicy Bypass -File .\optralis-install-windows.ps1
        # A downloaded optralis-install-windows.ps1 carries its own token: delete it once used.
        #
        # The build's SHA-256 is checked against the one the server publishes. Its Ed25519
        # signature (<download_url>.sig) is not, as install.sh does not check it either: Windows
        # PowerShell 5.1 (.NET Framework) and PowerShell 7 (.NET) have no Ed25519 API (the .NET
        # proposal, dotnet/runtime#63174, is still open), and a public key handed out by this
        # server would not protect against this server anyway. An installed agent checks the
        # signature of every update it is offered.
        & {
            Set-StrictMode -Version 2.0
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'

            $Server = @SERVER@
            $Token = @TOKEN@
            $CaPem = @CA_PEM@
            if ([Environment]::GetEnvironmentVariable('OPTRALIS_SERVER')) { $Server = [Environment]::GetEnvironmentVariable('OPTRALIS_SERVER') }
            if ([Environment]::GetEnvironmentVariable('OPTRALIS_INSTALL_TOKEN')) { $Token = [Environment]::GetEnvironmentVariable('OPTRALIS_INSTALL_TOKEN') }
            $ProgramDir = Join-Path $env:ProgramFiles 'Optralis'
            $ConfigDir = Join-Path $env:ProgramData 'Optralis'
            $StateDir = Join-Path $ConfigDir 'state'
            $Agent = Join-Path $ProgramDir 'optralis-agent.exe'
            $ServiceName = 'optralis-agent'

            function Fail([string] $Message) { throw "optralis installer: $Message" }

            if (-not $Token) {
                if (-not [Environment]::UserInteractive) {
                    Fail 'no install token: set OPTRALIS_INSTALL_TOKEN (create one in Optralis: Machines, Add a machine)'
                }
                $secure = Read-Host -Prompt 'Install token (Optralis: Machines, Add a machine)' -AsSecureString
                $bstr = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($secure)
                try { $Token = [Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr) }
                finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr) }
            }
            $Token = "$Token".Trim()
            if (-not $Token) { Fail 'no install token: set OPTRALIS_INSTALL_TOKEN or type it at the prompt' }

            $identity = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
            if (-not $identity.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
                Fail 'run from an elevated PowerShell (Run as administrator)'
            }
            # A 32-bit PowerShell on a 64-bit Windows sees x86 here and the real one in PROCESSOR_ARCHITEW6432.
            $cpu = [Environment]::GetEnvironmentVariable('PROCESSOR_ARCHITEW6432')
            if (-not $cpu) { $cpu = [Environment]::GetEnvironmentVariable('PROCESSOR_ARCHITECTURE') }
            switch ($cpu) {
                'AMD64' { $Architecture = 'amd64' }
                'ARM64' { $Architecture = 'arm64' }
                default { Fail "unsupported architecture $cpu (amd64 and arm64 are)" }
            }
            # Windows PowerShell 5.1 may still default to TLS 1.0.
            [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

            try {
                $meta = Invoke-RestMethod -UseBasicParsing -Uri "$Server/api/public/latest-version?channel=stable&platform=windows&architecture=$Architecture"
                $url = [string] $meta.download_url
                $sum = ([string] $meta.checksum_sha256).ToLowerInvariant()
                $version = [string] $meta.version
            } catch {
                Fail "no agent published for windows/$Architecture on ${Server}: $($_.Exception.Message)"
            }
            if (-not $url -or $sum -notmatch '^[0-9a-f]{64}$') { Fail "unexpected answer from ${Server}: $meta" }

            $tmp = Join-Path ([IO.Path]::GetTempPath()) ('optralis-' + [Guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Path $tmp | Out-Null
            try {
                $download = Join-Path $tmp 'optralis-agent.exe'
                Write-Host "Downloading optralis-agent $version for windows/$Architecture"
                try { Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $download }
                catch { Fail "download failed: ${url}: $($_.Exception.Message)" }
                $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $download).Hash.ToLowerInvariant()
                if ($actual -ne $sum) { Fail "checksum mismatch for ${url}: not installed" }

                # A running service holds its binary open: stop it before replacing it.
                $existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
                if ($existing -and $existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
                New-Item -ItemType Directory -Force -Path $ProgramDir, $ConfigDir, $StateDir | Out-Null
                # Like /etc/optralis (0700): SYSTEM and the Administrators group only, inherited by the key and certificate.
                & icacls.exe $ConfigDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
                if ($LASTEXITCODE -ne 0) { Fail "could not restrict $ConfigDir to SYSTEM and Administrators" }
                Copy-Item -LiteralPath $download -Destination $Agent -Force
                if ($CaPem) { Set-Content -LiteralPath (Join-Path $ConfigDir 'ca.crt') -Value $CaPem -Encoding Ascii }
            } finally {
                Remove-Item -LiteralPath $tmp -Recurse -Force -ErrorAction SilentlyContinue
            }

            Write-Host "Installed $Agent; enrolling this machine"
            # The agent reads the token from its environment: a child process inherits this one's.
            [Environment]::SetEnvironmentVariable('OPTRALIS_INSTALL_TOKEN', $Token, 'Process')
            try {
                & $Agent install --server $Server --config-dir $ConfigDir --state-dir $StateDir --no-service
                if ($LASTEXITCODE -ne 0) { Fail "enrolment failed (optralis-agent install exited with $LASTEXITCODE)" }
            } finally {
                [Environment]::SetEnvironmentVariable('OPTRALIS_INSTALL_TOKEN', $null, 'Process')
            }

            # The service runs the agent in the foreground, as the systemd unit does on Linux; a
            # reinstall keeps the service (same paths) and only restarts it.
            if (-not (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue)) {
                $command = '"{0}" run --config-dir "{1}" --state-dir "{2}"' -f $Agent, $ConfigDir, $StateDir
                New-Service -Name $ServiceName -BinaryPathName $command -DisplayName 'Optralis agent' `
                    -Description 'Optralis monitoring agent' -StartupType Automatic | Out-Null
            }
            # Restart=always: restart 5 s after any failure (the failure count resets after a day).
            & sc.exe failure $ServiceName reset= 86400 actions= restart/5000/restart/5000/restart/5000 | Out-Null
            Start-Service -Name $ServiceName
            Write-Host "Service $ServiceName installed and started"
        }

        """#
}

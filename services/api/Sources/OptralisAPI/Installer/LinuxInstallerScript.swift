/// The Linux installer (`GET /install.sh`, `GET /api/installer/linux/:arch`): finds the newest
/// stable agent for the machine's architecture (`GET /api/public/latest-version`), downloads it,
/// refuses it unless its SHA-256 matches, installs it as `/usr/local/bin/optralis-agent` and runs
/// `optralis-agent install`, which enrols the machine with the token (`POST
/// /api/public/bootstrap`) and starts the systemd unit.
///
/// The token never goes on a command line, where `ps` and shell history would show it: the script
/// reads `OPTRALIS_INSTALL_TOKEN`, else asks for it on the terminal (without echo), and hands it
/// to the agent in the same environment variable. A downloaded script carries its token,
/// architecture and the agents' CA. A first argument is still read as the token, for commands
/// copied before (with a warning). `OPTRALIS_PREFIX` installs under another root (tests,
/// packaging), without needing root; `OPTRALIS_SERVER` replaces the server's public URL (a machine
/// that reaches it by another name).
enum LinuxInstallerScript {
    static func render(server: String, token: String = "", architecture: String = "", caCertificate: String = "") -> String {
        InstallerTemplate.fill(
            template, ["SERVER": server, "TOKEN": token, "ARCH": architecture, "CA_PEM": caCertificate], quote: quoted)
    }

    /// A POSIX shell single-quoted word.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private static let template = #"""
        #!/bin/sh
        # Optralis agent installer for Linux (amd64, arm64).
        #   curl -fsSL <server>/install.sh | sudo sh          (asks for the install token)
        #   OPTRALIS_INSTALL_TOKEN=... sh install.sh           (unattended; under sudo: sudo --preserve-env=OPTRALIS_INSTALL_TOKEN)
        set -eu

        SERVER=${OPTRALIS_SERVER:-@SERVER@}
        TOKEN=${OPTRALIS_INSTALL_TOKEN:-@TOKEN@}
        ARCH=@ARCH@
        CA_PEM=@CA_PEM@
        PREFIX=${OPTRALIS_PREFIX:-}

        fail() { code=$1; shift; echo "optralis installer: $*" >&2; exit "$code"; }

        if [ $# -gt 0 ]; then
            echo "optralis installer: a token on the command line shows in ps and shell history; use OPTRALIS_INSTALL_TOKEN or the prompt" >&2
            [ -n "${OPTRALIS_INSTALL_TOKEN:-}" ] || TOKEN=$1
        fi
        if [ -z "$TOKEN" ] && (: </dev/tty) 2>/dev/null; then
            printf 'Install token (Optralis: Machines, Add a machine): ' >/dev/tty
            stty -echo </dev/tty 2>/dev/null || true
            IFS= read -r TOKEN </dev/tty || true
            stty echo </dev/tty 2>/dev/null || true
            printf '\n' >/dev/tty
        fi
        [ -n "$TOKEN" ] || fail 64 "no install token: set OPTRALIS_INSTALL_TOKEN or run from a terminal (create one in Optralis: Machines, Add a machine)"
        [ -n "$PREFIX" ] || [ "$(id -u)" = 0 ] || fail 77 "run as root (curl -fsSL $SERVER/install.sh | sudo sh)"
        command -v curl >/dev/null 2>&1 || fail 69 "curl is required"
        command -v sha256sum >/dev/null 2>&1 || fail 69 "sha256sum is required (coreutils)"
        if [ -z "$ARCH" ]; then
            case "$(uname -m)" in
                x86_64|amd64) ARCH=amd64 ;;
                aarch64|arm64) ARCH=arm64 ;;
                *) fail 78 "unsupported architecture $(uname -m) (amd64 and arm64 are)" ;;
            esac
        fi

        meta=$(curl -fsS "$SERVER/api/public/latest-version?channel=stable&platform=linux&architecture=$ARCH" | sed 's#\\/#/#g') \
            || fail 69 "no agent published for linux/$ARCH on $SERVER"
        url=$(printf '%s' "$meta" | sed -n 's/.*"download_url" *: *"\([^"]*\)".*/\1/p')
        sum=$(printf '%s' "$meta" | sed -n 's/.*"checksum_sha256" *: *"\([0-9a-f]\{64\}\)".*/\1/p')
        version=$(printf '%s' "$meta" | sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p')
        [ -n "$url" ] && [ -n "$sum" ] || fail 69 "unexpected answer from $SERVER: $meta"

        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        echo "Downloading optralis-agent $version for linux/$ARCH"
        curl -fsSL -o "$tmp/optralis-agent" "$url" || fail 69 "download failed: $url"
        echo "$sum  $tmp/optralis-agent" | sha256sum -c - >/dev/null 2>&1 || fail 65 "checksum mismatch for $url: not installed"

        install -d -m 0755 "$PREFIX/usr/local/bin"
        install -d -m 0700 "$PREFIX/etc/optralis"
        install -m 0755 "$tmp/optralis-agent" "$PREFIX/usr/local/bin/optralis-agent"
        if [ -n "$CA_PEM" ]; then
            (umask 077 && printf '%s\n' "$CA_PEM" > "$PREFIX/etc/optralis/ca.crt")
        fi
        echo "Installed $PREFIX/usr/local/bin/optralis-agent; enrolling this machine"
        OPTRALIS_INSTALL_TOKEN=$TOKEN
        export OPTRALIS_INSTALL_TOKEN
        exec "$PREFIX/usr/local/bin/optralis-agent" install --server "$SERVER" --config-dir "$PREFIX/etc/optralis"

        """#
}

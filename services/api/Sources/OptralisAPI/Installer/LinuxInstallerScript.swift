/// The Linux installer (`GET /install.sh`, `GET /api/installer/linux/:arch`): finds the newest
/// stable agent for the machine's architecture (`GET /api/public/latest-version`), downloads it,
/// refuses it unless its SHA-256 matches, installs it as `/usr/local/bin/optralis-agent` and runs
/// `optralis-agent install`, which enrols the machine with the token (`POST
/// /api/public/bootstrap`) and starts the systemd unit.
///
/// The generic script takes the token as its first argument; a downloaded one carries its token,
/// architecture and the agents' CA. `OPTRALIS_PREFIX` installs under another root (tests,
/// packaging), without needing root; `OPTRALIS_SERVER` replaces the server's public URL (a machine
/// that reaches it by another name).
enum LinuxInstallerScript {
    static func render(server: String, token: String = "", architecture: String = "", caCertificate: String = "") -> String {
        template
            .replacingOccurrences(of: "@SERVER@", with: quoted(server))
            .replacingOccurrences(of: "@TOKEN@", with: quoted(token))
            .replacingOccurrences(of: "@ARCH@", with: quoted(architecture))
            .replacingOccurrences(of: "@CA_PEM@", with: quoted(caCertificate))
    }

    /// A POSIX shell single-quoted word.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private static let template = #"""
        #!/bin/sh
        # Optralis agent installer for Linux (amd64, arm64).
        #   curl -fsSL <server>/install.sh | sudo bash -s -- <install token>
        set -eu

        SERVER=${OPTRALIS_SERVER:-@SERVER@}
        TOKEN=${1:-@TOKEN@}
        ARCH=@ARCH@
        CA_PEM=@CA_PEM@
        PREFIX=${OPTRALIS_PREFIX:-}

        fail() { code=$1; shift; echo "optralis installer: $*" >&2; exit "$code"; }

        [ -n "$TOKEN" ] || fail 64 "usage: install.sh <install token> (create one in Optralis: Machines, Add a machine)"
        [ -n "$PREFIX" ] || [ "$(id -u)" = 0 ] || fail 77 "run as root (sudo bash -s -- <token>)"
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
        exec "$PREFIX/usr/local/bin/optralis-agent" install --token "$TOKEN" --server "$SERVER" --config-dir "$PREFIX/etc/optralis"

        """#
}

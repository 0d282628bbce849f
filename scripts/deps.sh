#!/usr/bin/env bash
# Installs what Optralis needs to build, run and test on Debian: system packages
# (only when missing), the aiosmtpd test SMTP server from PyPI, and checks that the
# Swift toolchain is present. Silent when everything is already there.
# Usage: scripts/deps.sh
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

die() { echo "deps.sh: $*" >&2; exit 1; }

# Debian packages the suite needs. pkg-config lets SwiftPM find the system libraries; chromium
# renders the AI reports headless in their test; prometheus brings promtool, which lints every
# service's /metrics in the fuzz suite; caddy runs deploy/Caddyfile in scripts/check-deploy.py;
# chromium-driver lets selenium drive chromium in the dashboard's browser tests; libqrencode draws
# the MFA set-up's QR code, and its qrencode tool checks ours; libhpdf (libharu) writes the
# executive reports' PDF, and poppler-utils (pdftotext, pdfinfo) reads them back in the tests.
# valgrind (callgrind) counts the instructions the api spends per agent request in make bench.
packages=(
  libpq-dev libhiredis-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libnghttp2-dev libqrencode-dev qrencode libhpdf-dev poppler-utils
  redis-server postgresql docker-compose smartmontools pkg-config wrk valgrind
  chromium chromium-driver prometheus caddy
)

# MariaDB for the agent's databases collector test: in CI (elsewhere the test runs when a server
# is installed, and is skipped otherwise).
if [ "${CI:-}" = "true" ]; then packages+=(mariadb-server mariadb-client); fi

# Root runs apt directly; anybody else goes through sudo.
if [ "$(id -u)" -eq 0 ]; then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
else
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is missing: run this script as root"
  as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
fi

# dpkg-query prints one short line: `dpkg -s` printed the whole description, and with pipefail the
# SIGPIPE it got when grep -q stopped reading made a long one (prometheus) look missing every run.
is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# pip for the python3 on PATH (which may be a pyenv one, with its own pip).
has_pip() { command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; }
command -v python3 >/dev/null 2>&1 || packages+=(python3)
has_pip || packages+=(python3-pip python3-venv)

missing=()
for p in "${packages[@]}"; do
  is_installed "$p" || missing+=("$p")
done

apt_updated=0
apt_install() {
  local log
  log=$(mktemp)
  if [ "$apt_updated" -eq 0 ]; then
    if ! "${as_root[@]}" apt-get update -qq >"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"; die "apt-get update failed"
    fi
    apt_updated=1
  fi
  if ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; die "apt-get install $* failed"
  fi
  rm -f "$log"
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH after installing it"

if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  if ! has_pip; then
    python3 -m ensurepip --upgrade >/dev/null 2>&1 || true
    has_pip || die "python3 ($(command -v python3)) has no pip; install pip for it"
  fi
  echo "deps.sh: installing aiosmtpd for $(command -v python3)" >&2
  log=$(mktemp)
  if ! python3 -m pip install --quiet --disable-pip-version-check aiosmtpd >"$log" 2>&1; then
    if grep -q 'externally-managed-environment' "$log"; then
      # Debian's own python3 refuses pip installs (PEP 668): use Debian's package instead.
      apt_install python3-aiosmtpd
    elif [ "$(id -u)" -ne 0 ] && python3 -m pip install --quiet --disable-pip-version-check --user aiosmtpd >"$log" 2>&1; then
      :
    else
      cat "$log" >&2; rm -f "$log"; die "pip install aiosmtpd failed"
    fi
  fi
  rm -f "$log"
  python3 -c 'import aiosmtpd' >/dev/null 2>&1 || die "aiosmtpd installed but python3 cannot import it"
fi

# schemathesis (pinned) for the fuzz suite (scripts/fuzz.sh): into the python3 on PATH, or, where
# that python refuses pip installs (Debian's, PEP 668), into the project's venv .local/venv,
# which scripts/fuzz.sh puts first on PATH.
schemathesis_version=4.32.5
venv="$(cd "$(dirname "$0")/.." && pwd)/.local/venv"
if ! { command -v schemathesis >/dev/null 2>&1 && schemathesis --version 2>/dev/null | grep -q " $schemathesis_version\$"; } \
   && ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q " $schemathesis_version\$"; then
  echo "deps.sh: installing schemathesis $schemathesis_version" >&2
  log=$(mktemp)
  if ! python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" >"$log" 2>&1; then
    if grep -q 'externally-managed-environment' "$log"; then
      python3 -m venv "$venv" >"$log" 2>&1 || { apt_install python3-venv; python3 -m venv "$venv" >"$log" 2>&1; } \
        || { cat "$log" >&2; rm -f "$log"; die "python3 -m venv $venv failed"; }
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" >"$log" 2>&1 \
        || { cat "$log" >&2; rm -f "$log"; die "pip install schemathesis into $venv failed"; }
    else
      cat "$log" >&2; rm -f "$log"; die "pip install schemathesis failed"
    fi
  fi
  rm -f "$log"
fi

# selenium (pinned) for the dashboard's browser tests (scripts/browser/dashboard.py): the same
# way, into the python3 on PATH or .local/venv.
selenium_version=4.27.1
has_selenium() { "$1" -c "import selenium, sys; sys.exit(selenium.__version__ != '$selenium_version')" >/dev/null 2>&1; }
if ! has_selenium python3 && ! has_selenium "$venv/bin/python"; then
  echo "deps.sh: installing selenium $selenium_version" >&2
  log=$(mktemp)
  if ! python3 -m pip install --quiet --disable-pip-version-check "selenium==$selenium_version" >"$log" 2>&1; then
    if grep -q 'externally-managed-environment' "$log"; then
      [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "python3 -m venv $venv failed"; }
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium==$selenium_version" >"$log" 2>&1 \
        || { cat "$log" >&2; rm -f "$log"; die "pip install selenium into $venv failed"; }
    else
      cat "$log" >&2; rm -f "$log"; die "pip install selenium failed"
    fi
  fi
  rm -f "$log"
fi

# The deployment's static checks (scripts/check-kubernetes.py): checkov and kubernetes-validate,
# pinned, each in its own virtual environment under .local/ (checkov's dependencies, boto3 among
# them, would otherwise replace versions other tools on this machine rely on).
python_tool() {  # python_tool NAME VERSION COMMAND
  local dir="$(cd "$(dirname "$0")/.." && pwd)/.local/venv-$1"
  "$dir/bin/$3" --version 2>/dev/null | grep -q "$2" && return 0
  echo "deps.sh: installing $1 $2 into $dir" >&2
  local log; log=$(mktemp)
  { [ -x "$dir/bin/python" ] || python3 -m venv "$dir" >"$log" 2>&1 || { apt_install python3-venv; python3 -m venv "$dir" >"$log" 2>&1; }; } \
    || { cat "$log" >&2; rm -f "$log"; die "python3 -m venv $dir failed"; }
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$1==$2" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; die "pip install $1 into $dir failed"; }
  rm -f "$log"
}
python_tool checkov 3.3.30 checkov
python_tool kubernetes-validate 1.37.0 kubernetes-validate

# The APM tests' OTLP sender (scripts/tests/otlp_send.py, also scripts/bench): the OpenTelemetry
# SDK and its OTLP/HTTP exporter, pinned, in their own virtual environment (its protobuf runtime
# must not meet another tool's).
otel_version=1.45.2
otel_dir="$(cd "$(dirname "$0")/.." && pwd)/.local/venv-otel"
if ! "$otel_dir/bin/python" -c "from importlib.metadata import version as v; import opentelemetry.exporter.otlp.proto.http.trace_exporter
assert v('opentelemetry-sdk') == v('opentelemetry-exporter-otlp-proto-http') == '$otel_version'" 2>/dev/null; then
  echo "deps.sh: installing opentelemetry-sdk $otel_version into $otel_dir" >&2
  log=$(mktemp)
  { [ -x "$otel_dir/bin/python" ] || python3 -m venv "$otel_dir" >"$log" 2>&1 || { apt_install python3-venv; python3 -m venv "$otel_dir" >"$log" 2>&1; }; } \
    || { cat "$log" >&2; rm -f "$log"; die "python3 -m venv $otel_dir failed"; }
  "$otel_dir/bin/python" -m pip install --quiet --disable-pip-version-check \
    "opentelemetry-sdk==$otel_version" "opentelemetry-exporter-otlp-proto-http==$otel_version" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; die "pip install opentelemetry-sdk into $otel_dir failed"; }
  rm -f "$log"
fi

if ! command -v swift >/dev/null 2>&1; then
  die "the Swift toolchain is missing: 'swift' is not on PATH (install Swift 6.x from swift.org, e.g. under /opt/swift, and add its usr/bin to PATH)"
fi
if ! swift --version >/dev/null 2>&1; then
  die "'swift --version' fails ($(command -v swift)): the Swift toolchain is broken"
fi

"""What scripts/check-deploy.py and scripts/deploy/compose_boot.py share: deploy/ resolved the way
compose and Caddy resolve it, free ports, plain HTTP calls and a Caddy run on a rewritten
deploy/Caddyfile.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ports:
    """Test ports: consecutive from `base` when given (a range reserved for the run), else any
    free loopback port."""

    def __init__(self, base: int | None = None):
        self.next = base

    def take(self) -> int:
        if self.next is None:
            return free_port()
        while True:
            port, self.next = self.next, self.next + 1
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                    return port
                except OSError:
                    continue


class Report:
    """A test's failures (each printed as it happens) and its phases, timed from the start."""

    def __init__(self):
        self.failures: list[str] = []
        self.started = time.time()

    def check(self, condition, message: str) -> bool:
        if not condition:
            self.failures.append(message)
            print(f"  FAIL {message}", flush=True)
        return bool(condition)

    def phase(self, name: str) -> None:
        print(f"==> [{time.time() - self.started:5.1f} s] {name}", flush=True)


def compose_config(variables: dict[str, str], files: list[pathlib.Path] | None = None, extra: list[str] | None = None):
    """`docker-compose config` of deploy/ with exactly `variables` as the .env: the caller's
    environment and any deploy/.env stay out of it. Returns the CompletedProcess."""
    with tempfile.NamedTemporaryFile("w", suffix=".env") as empty:
        command = ["docker-compose", "--env-file", empty.name]
        for path in files or [COMPOSE_FILE]:
            command += ["-f", str(path)]
        command += ["config"] + (extra or [])
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **variables}
        return subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)


def resolved_services(variables: dict[str, str], files: list[pathlib.Path] | None = None) -> dict:
    """The `services` of the resolved compose file; exits naming compose's complaint."""
    result = compose_config(variables, files)
    if result.returncode != 0:
        raise SystemExit(f"docker-compose config failed: {result.stderr.strip()}")
    return yaml.safe_load(result.stdout)["services"]


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 10,
         context=None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request; never raises on an HTTP status."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_http(url: str, seconds: float, alive=lambda: True, status: int = 200) -> int | None:
    """Polls `url` until it answers `status` (answers it) or the time runs out or `alive()` turns
    false (answers the last status seen, None when nothing answered)."""
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline and alive():
        try:
            last, _, _ = http("GET", url, timeout=2)
            if last == status:
                return last
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.15)
    return last


def caddyfile_for_test(upstreams: dict[str, str]) -> str:
    """deploy/Caddyfile with each `reverse_proxy <name>` upstream replaced (e.g. {"api:3000":
    "127.0.0.1:41234"}) and Caddy's admin endpoint off (a fixed port, localhost:2019, that two
    runs at once would fight over). The site address comes from $DOMAIN as in compose."""
    text = CADDYFILE.read_text()
    for upstream, local in upstreams.items():
        if f"reverse_proxy {upstream}" not in text:
            raise SystemExit(f"deploy/Caddyfile no longer proxies to {upstream}; update the deploy tests")
        text = text.replace(f"reverse_proxy {upstream}", f"reverse_proxy {local}")
    if text.lstrip().startswith("{"):
        return text.replace("{", "{\n\tadmin off\n", 1)
    return "{\n\tadmin off\n}\n\n" + text


@contextlib.contextmanager
def caddy(upstreams: dict[str, str], port: int, work: pathlib.Path):
    """Runs Debian's caddy on the rewritten deploy/Caddyfile, serving http://127.0.0.1:<port>;
    yields a function answering its output so far. Stops it on exit."""
    binary = shutil.which("caddy")
    if binary is None:
        raise SystemExit("caddy is not installed (scripts/deps.sh installs it)")
    work.mkdir(parents=True, exist_ok=True)
    caddyfile = work / "Caddyfile"
    caddyfile.write_text(caddyfile_for_test(upstreams))
    log = work / "caddy.log"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOMAIN": f"http://127.0.0.1:{port}",
           "HOME": str(work), "XDG_DATA_HOME": str(work), "XDG_CONFIG_HOME": str(work)}
    with open(log, "wb") as output:
        process = subprocess.Popen([binary, "run", "--config", str(caddyfile), "--adapter", "caddyfile"], env=env,
                                   stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        yield lambda: log.read_text(errors="replace")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def url_parts(url: str) -> dict:
    """scheme, user, password, host, port, path of a URL such as compose writes them."""
    match = re.match(r"^(?P<scheme>[a-z]+)://(?:(?P<user>[^:@/]*)(?::(?P<password>[^@/]*))?@)?(?P<host>[^:/]+)(?::(?P<port>\d+))?(?P<path>/.*)?$", url)
    if not match:
        raise ValueError(f"not a URL: {url}")
    return match.groupdict()

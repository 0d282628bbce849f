#!/usr/bin/env python3
"""The fuzz suite (scripts/fuzz.sh runs it): every Optralis service against docs/openapi.yaml.

Starts ca, api (HTTP and the agents' mTLS port), ai, notifier, scheduler and an enrolled agent
on free loopback ports against the given database and Redis; bootstraps a super_admin, a
tenant with an admin and an observer (passwords changed, MFA off) and a machine enrolled with
`optralis-agent install`; then runs schemathesis per service on the operations whose
`x-optralis-services` names it:

  api-agents         /agent/* on the mTLS port with the machine's client certificate
  ai-tenant          the ai's routes with the tenant's X-Client-ID and machine (X-Internal-Token)
  ai, ca             their internal routes with X-Internal-Token, ids generated
  api-public         the api's public routes, no credentials
  api-admin          /api/* as the tenant's admin (machine_id: a second machine of the tenant)
  api-observer       /api/* as the tenant's observer
  api-super_admin    /api/* as the super_admin (its own token); last, as it changes licences
  notifier, scheduler, agent   /health and /metrics

Checks: not_a_server_error, status_code_conformance, response_schema_conformance,
content_type_conformance; fixed seed, bounded examples, no stateful phase. Afterwards every
service must still answer /health (a dead one fails the suite with its log's tail) and its
/metrics must pass `promtool check metrics` without a complaint. Exits 1 on any finding.

Environment: FUZZ_DATABASE_URL, FUZZ_REDIS_URL, OPTRALIS_BIN_DIR (required);
FUZZ_OUT (where logs and reports go), FUZZ_SEED (default 20250611), FUZZ_MAX_EXAMPLES
(default 10), FUZZ_WORKERS (default 1), FUZZ_PASSES (comma-separated subset of the passes),
FUZZ_PASS_TIMEOUT (seconds per pass, default 300), FUZZ_CONTINUE=1 (report every failure of an
operation, not only the first: slower, for investigating), FUZZ_HOLD=1 (keep the stack up after
the passes, its ports and tokens in FUZZ_OUT/stack.json, until FUZZ_OUT/stop exists).
"""
from __future__ import annotations

import copy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exclusions import EXCLUDED, is_excluded  # noqa: E402
import boundaries  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SPEC = Path(os.environ.get("FUZZ_SPEC", ROOT / "docs" / "openapi.yaml"))
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SERVICES = ["ca", "api", "ai", "notifier", "scheduler"]
# What the Swift runtime writes to a service's log when the process crashes.
CRASH_MARKERS = ("*** Program crashed", "Fatal error:", "Segmentation fault")

BIN = Path(os.environ["OPTRALIS_BIN_DIR"])
OUT = Path(os.environ.get("FUZZ_OUT", ROOT / ".local" / "fuzz"))
SEED = os.environ.get("FUZZ_SEED", "20250611")
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "10")
# One worker: schemathesis' threads hit CPython 3.11's "AST constructor recursion depth mismatch"
# (a runtime error of the tool, not a finding) when two of them parse at once.
WORKERS = os.environ.get("FUZZ_WORKERS", "1")
PASS_TIMEOUT = int(os.environ.get("FUZZ_PASS_TIMEOUT", "300"))
# The whole run's budget (CI allows the suite 8 minutes): a pass gets what is left of it, and one
# cut short is a finding, not a silent pass.
BUDGET_SECONDS = int(os.environ.get("FUZZ_BUDGET_SECONDS", "480"))
DEADLINE = time.time() + BUDGET_SECONDS
CONTINUE = os.environ.get("FUZZ_CONTINUE") == "1"  # every failure of an operation, not only its first


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body=None, token: str | None = None, headers: dict | None = None, timeout: float = 10):
    """(status, parsed JSON or text) of one request; never raises on an HTTP status."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


# endoflife.date's feed format, served locally to POST /api/admin/windows-builds/refresh.
WINDOWS_FEEDS = {
    "/windows.json": [
        {"cycle": "11-24h2-w", "releaseLabel": "11 24H2 (W)", "releaseDate": "2024-10-01", "eol": "2026-10-13",
         "latest": "10.0.26100", "lts": False, "support": "2026-10-13"},
        {"cycle": "10-22h2", "releaseLabel": "10 22H2", "releaseDate": "2022-10-18", "eol": "2025-10-14",
         "latest": "10.0.19045", "lts": False, "support": "2025-10-14"},
    ],
    "/windows-server.json": [
        {"cycle": "2022", "releaseLabel": "2022 (LTSC)", "releaseDate": "2021-08-18", "eol": "2031-10-14",
         "latest": "10.0.20348", "lts": True, "support": "2026-10-13"},
    ],
}


def serve_feeds() -> int:
    """A loopback HTTP server answering WINDOWS_FEEDS; its port."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps(WINDOWS_FEEDS.get(self.path, [])).encode()
            self.send_response(200 if self.path in WINDOWS_FEEDS else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


class Stack:
    """The running services: their processes, ports and logs."""

    def __init__(self, out: Path):
        self.out = out
        self.logs = out / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in SERVICES + ["agent"]}
        self.tls_port = free_port()
        self.secret = secrets.token_hex(32)
        self.admin_email = "fuzz.root@fuzz.optralis.test"
        self.admin_password = "Fz-" + secrets.token_hex(8) + "aA1!"
        closed = free_port()  # nothing listens there: outbound calls fail fast and offline
        feeds = serve_feeds()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "DATABASE_URL": os.environ["FUZZ_DATABASE_URL"],
            "REDIS_URL": os.environ["FUZZ_REDIS_URL"],
            "JWT_SECRET": secrets.token_hex(32),
            "DATABASE_CREDENTIALS_KEY": secrets.token_hex(32),
            "INTERNAL_SERVICE_TOKEN": self.secret,
            "OPTRALIS_ENV": "development",
            "BIND_ADDRESS": "127.0.0.1",
            "LOG_LEVEL": "info",
            "PORT": str(self.ports["api"]),
            "AI_PORT": str(self.ports["ai"]),
            "NOTIFIER_PORT": str(self.ports["notifier"]),
            "SCHEDULER_PORT": str(self.ports["scheduler"]),
            "CA_PORT": str(self.ports["ca"]),
            "AI_SERVICE_URL": f"http://127.0.0.1:{self.ports['ai']}",
            "CA_SERVICE_URL": f"http://127.0.0.1:{self.ports['ca']}",
            "API_SERVICE_URL": f"http://127.0.0.1:{self.ports['api']}",
            "PUBLIC_URL": f"http://127.0.0.1:{self.ports['api']}",
            "CA_DIR": str(out / "ca"),
            "AGENT_TLS_PORT": str(self.tls_port),
            "AGENT_TLS_CERT_FILE": str(out / "agent-tls" / "server.crt"),
            "AGENT_TLS_KEY_FILE": str(out / "agent-tls" / "server.key"),
            "AGENT_TLS_CA_FILE": str(out / "agent-tls" / "ca.crt"),
            "AGENT_DOWNLOADS_DIR": str(out / "downloads"),
            "CONTACT_EMAIL": self.admin_email,
            "DEFAULT_ADMIN_EMAIL": self.admin_email,
            "DEFAULT_ADMIN_PASSWORD": self.admin_password,
            "OPTRALIS_OPENAPI_PATH": str(SPEC),
            "OPTRALIS_MIGRATIONS_DIR": str(ROOT / "shared" / "Migrations"),
            # The fuzzer reaches the handlers instead of the rate limits (429 stays documented).
            "AUTH_RATE_LIMIT": "10000",
            "AI_RATE_LIMIT_PER_MINUTE": "0",
            # No call leaves the machine: the Windows feeds are served locally, Claude and SMTP
            # point at a closed local port.
            "WINDOWS_BUILDS_URLS": f"http://127.0.0.1:{feeds}/windows.json,http://127.0.0.1:{feeds}/windows-server.json",
            "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{closed}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(closed),
            "SMTP_SECURITY": "none",
            "NOTIFIER_RETRY_BASE_MS": "100",
        }
        (out / "downloads").mkdir(parents=True, exist_ok=True)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, service: str, arguments: list[str] | None = None, env: dict | None = None) -> None:
        logfile = open(self.logs / f"{service}.log", "ab")
        binary = BIN / f"optralis-{service}"
        self.processes[service] = subprocess.Popen(
            [str(binary)] + (arguments or []), env=env or self.env, stdout=logfile, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=self.out, start_new_session=True)

    def alive(self, service: str) -> bool:
        process = self.processes.get(service)
        return process is not None and process.poll() is None

    def wait_healthy(self, service: str, seconds: float = 60) -> bool:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if not self.alive(service):
                return False
            try:
                status, _ = http("GET", self.url(service) + "/health", timeout=2)
                if status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def tail(self, service: str, lines: int = 40) -> str:
        """The log's last lines, or, when the service crashed, the lines around its last crash
        report (whose end is only the list of loaded libraries)."""
        path = self.logs / f"{service}.log"
        if not path.exists():
            return "(no log)"
        text = path.read_text(errors="replace").splitlines()
        crashes = [i for i, line in enumerate(text) if any(marker in line for marker in CRASH_MARKERS)]
        if crashes:
            return "\n".join(text[max(0, crashes[-1] - 10):crashes[-1] + 30])
        return "\n".join(text[-lines:])

    def stop_all(self) -> None:
        for service, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for service, process in self.processes.items():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_checked(arguments: list[str], env: dict, what: str) -> str:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"fuzz: {what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def session(stack: Stack, email: str, password: str, new_password: str) -> str:
    """Logs in, changes the password when required, and answers a usable access token."""
    api = stack.url("api")
    status, body = http("POST", api + "/auth/login", {"email": email, "password": password})
    if status != 200 or "access_token" not in body:
        raise SystemExit(f"fuzz: login of {email} failed: {status} {body}")
    token = body["access_token"]
    if body["user"].get("must_change_password"):
        status, body = http("POST", api + "/api/change-password",
                            {"current_password": password, "new_password": new_password}, token=token)
        if status != 200:
            raise SystemExit(f"fuzz: password change of {email} failed: {status} {body}")
        token = body["access_token"]
    status, me = http("GET", api + "/api/me", token=token)
    if status != 200:
        raise SystemExit(f"fuzz: GET /api/me as {email} failed: {status} {me}")
    return token


def bootstrap(stack: Stack) -> dict:
    api = stack.url("api")
    password = lambda: "Fz-" + secrets.token_hex(8) + "aA1!"  # noqa: E731
    root = session(stack, stack.admin_email, stack.admin_password, password())

    admin_email, admin_password = "fuzz.admin@fuzz.optralis.test", password()
    status, created = http("POST", api + "/api/admin/clients", {
        "name": "Fuzz tenant", "license_type": "enterprise", "language": "en",
        "admin": {"email": admin_email, "first_name": "Fuzz", "last_name": "Admin", "password": admin_password}},
        token=root)
    if status != 201:
        raise SystemExit(f"fuzz: creating the tenant failed: {status} {created}")
    client_id = created["client"]["id"]
    admin = session(stack, admin_email, admin_password, password())

    observer_email, observer_password = "fuzz.observer@fuzz.optralis.test", password()
    status, body = http("POST", api + "/api/users", {
        "email": observer_email, "role": "observer", "first_name": "Fuzz", "last_name": "Observer",
        "password": observer_password}, token=admin)
    if status != 201:
        raise SystemExit(f"fuzz: creating the observer failed: {status} {body}")
    observer = session(stack, observer_email, observer_password, password())

    # The machine: an install token of the tenant, enrolled by the agent's own install command.
    status, body = http("POST", api + "/api/install-tokens", {"name": "fuzz", "max_usage": 1, "platform": "linux"},
                        token=admin)
    if status != 200:
        raise SystemExit(f"fuzz: creating an install token failed: {status} {body}")
    install_token = body["token"]["token"]
    etc, state = stack.out / "agent" / "etc", stack.out / "agent" / "state"
    agent_env = {"PATH": stack.env["PATH"], "HOME": stack.env["HOME"], "LANG": "C.UTF-8",
                 "AGENT_STATUS_PORT": str(stack.ports["agent"]), "LOG_LEVEL": "info",
                 "GNUTLS_NO_IMPLICIT_INIT": "1", "MALLOC_ARENA_MAX": "1",
                 "OPTRALIS_CONFIG_DIR": str(etc), "OPTRALIS_STATE_DIR": str(state)}
    run_checked([str(BIN / "optralis-agent"), "install", "--server", api,
                 "--config-dir", str(etc), "--state-dir", str(state), "--no-service"],
                {**agent_env, "OPTRALIS_INSTALL_TOKEN": install_token}, "optralis-agent install")
    enrolment = json.loads((etc / "agent.json").read_text())
    stack.start("agent", ["run", "--config-dir", str(etc), "--state-dir", str(state)], env=agent_env)
    if not stack.wait_healthy("agent"):
        raise SystemExit("fuzz: the agent does not answer /health:\n" + stack.tail("agent"))
    # A second machine, enrolled through the api alone, for the api's AI routes (an analysis of a
    # machine puts that machine on cooldown for 30 minutes).
    status, body = http("POST", api + "/api/install-tokens", {"name": "fuzz-2", "max_usage": 1}, token=admin)
    if status != 200:
        raise SystemExit(f"fuzz: creating an install token failed: {status} {body}")
    status, second = http("POST", api + "/api/public/bootstrap", {
        "token": body["token"]["token"], "arch": "amd64", "hostname": "fuzz-second", "hardware_id": "FUZZ-SECOND",
        "os": "Debian 12"})
    if status != 200:
        raise SystemExit(f"fuzz: enrolling the second machine failed: {status} {second}")
    return {"root": root, "admin": admin, "observer": observer, "client_id": client_id,
            "second_machine_id": second["machine_id"].lower(),
            "machine_id": str(enrolment.get("machine_id", "")).lower(), "cert": str(etc / "agent.crt"), "key": str(etc / "agent.key"),
            "ca": str(etc / "ca.crt")}


# --- the operations of each pass -------------------------------------------------------------

def api_group(path: str) -> str:
    if path.startswith("/api/admin/"):
        return "admin"
    if path.startswith(("/api/auth/", "/api/public/", "/api/installer/")) or not path.startswith("/api/"):
        return "public"
    return "tenant"


def filtered_spec(document: dict, service: str, keep=lambda path: True, drop_params=()) -> tuple[dict, int, list[str]]:
    """A copy of the document with only the service's operations; their count without the
    exclusions, and the names (`METHOD /path`) of the excluded ones."""
    spec = copy.deepcopy(document)
    paths = {}
    count = 0
    excluded: list[str] = []
    for path, item in document["paths"].items():
        if service not in (item.get("x-optralis-services") or []) or not keep(path):
            continue
        item = copy.deepcopy(item)
        # Excluded operations stay declared (else the coverage phase would send their method as an
        # undeclared one); schemathesis' --exclude-name keeps every request off them.
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            if is_excluded(method, path):
                excluded.append(f"{method.upper()} {path}")
                continue
            count += 1
            if drop_params:
                operation["parameters"] = [p for p in operation.get("parameters", [])
                                           if p.get("$ref", "").rsplit("/", 1)[-1] not in drop_params]
        if any(method in item for method in METHODS):
            paths[path] = item
    spec["paths"] = paths
    return spec, count, excluded


def passes(stack: Stack, ids: dict) -> list[dict]:
    internal = {"X-Internal-Token": stack.secret}
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    api_user = lambda path: api_group(path) in ("tenant", "admin")  # noqa: E731
    # In this order: the passes that need the tenant and its machines intact first; the
    # super_admin, who can change licence types and quotas, last of the api's.
    return [
        {"name": "api-agents", "service": "api-agents", "url": f"https://127.0.0.1:{stack.tls_port}",
         "tls": (ids["cert"], ids["key"], ids["ca"])},
        # The ai's routes with the tenant's client and machine, so that the analyses, quota and
        # reports run on real data; then again with generated X-Client-ID and machine ids.
        {"name": "ai-tenant", "service": "ai", "url": stack.url("ai"), "headers": internal, "drop": ("InternalToken",),
         "parameters": {"header.X-Client-ID": ids["client_id"], "body.machine_id": ids["machine_id"]}},
        {"name": "ai", "service": "ai", "url": stack.url("ai"), "headers": internal, "drop": ("InternalToken",)},
        {"name": "ca", "service": "ca", "url": stack.url("ca"), "headers": internal, "drop": ("InternalToken",)},
        {"name": "api-public", "service": "api", "url": stack.url("api"), "keep": lambda p: api_group(p) == "public"},
        {"name": "api-admin", "service": "api", "url": stack.url("api"), "keep": api_user, "headers": bearer(ids["admin"]),
         "parameters": {"body.machine_id": ids["second_machine_id"]}},
        {"name": "api-observer", "service": "api", "url": stack.url("api"), "keep": api_user, "headers": bearer(ids["observer"])},
        {"name": "api-super_admin", "service": "api", "url": stack.url("api"), "keep": api_user, "headers": bearer(ids["root"])},
        {"name": "notifier", "service": "notifier", "url": stack.url("notifier")},
        {"name": "scheduler", "service": "scheduler", "url": stack.url("scheduler")},
        {"name": "agent", "service": "agent", "url": f"http://127.0.0.1:{stack.ports['agent']}"},
    ]


def run_pass(document: dict, spec_pass: dict, out: Path) -> dict:
    name = spec_pass["name"]
    spec, count, excluded = filtered_spec(document, spec_pass["service"], spec_pass.get("keep", lambda p: True),
                                          spec_pass.get("drop", ()))
    spec["servers"] = [{"url": spec_pass["url"]}]
    spec_path = out / "specs" / f"{name}.yaml"
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    junit = out / "reports" / f"{name}.junit.xml"
    junit.parent.mkdir(parents=True, exist_ok=True)
    command = ["schemathesis"]
    if spec_pass.get("parameters"):
        # Values schemathesis sends as they are instead of generating them (its config file).
        config = out / "specs" / f"{name}.toml"
        config.write_text("[parameters]\n" + "".join(
            f"{json.dumps(key)} = {json.dumps(value)}\n" for key, value in spec_pass["parameters"].items()))
        command += ["--config-file", str(config)]
    command += ["run", str(spec_path), "--url", spec_pass["url"], "--checks", CHECKS,
               "--seed", SEED, "--max-examples", MAX_EXAMPLES, "--phases", "examples,coverage,fuzzing",
               "--workers", WORKERS, "--generation-database", "none", "--request-timeout", "30",
               "--suppress-health-check", "all", "--no-color", "--report", "junit",
               "--report-junit-path", str(junit), "--report-dir", str(out / "reports")]
    if CONTINUE:
        command.append("--continue-on-failure")
    for label in excluded:
        command += ["--exclude-name", label]
    for header, value in spec_pass.get("headers", {}).items():
        command += ["-H", f"{header}: {value}"]
    if "tls" in spec_pass:
        cert, key, ca = spec_pass["tls"]
        command += ["--request-cert", cert, "--request-cert-key", key, "--tls-verify", ca]
    log(f"\n==> fuzz pass {name}: {count} operations on {spec_pass['url']}")
    started = time.time()
    output_path = out / "reports" / f"{name}.log"
    env = dict(os.environ, SCHEMATHESIS_HOOKS="", PYTHONUNBUFFERED="1")
    with open(output_path, "w") as output:
        try:
            result = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT,
                                    timeout=max(1, min(PASS_TIMEOUT, DEADLINE - time.time())),
                                    cwd=out, env=env)
            status = result.returncode
        except subprocess.TimeoutExpired:
            status = "timeout"
    text = output_path.read_text(errors="replace")
    # schemathesis' own report: the failures section and its summary, without the progress lines.
    marker = text.find("FAILURES")
    report = text[marker:] if marker >= 0 else "\n".join(text.splitlines()[-15:])
    log(redact(report, spec_pass))
    findings = junit_findings(junit)
    log(f"--> {name}: exit {status}, {len(findings)} failing operations, {time.time() - started:.0f} s")
    if status not in (0, 1) and not findings:
        findings = [(name, f"schemathesis did not complete (exit {status}); see {output_path}")]
    return {"name": name, "findings": findings, "status": status}


def run_boundaries(document: dict, spec_pass: dict, stack: Stack) -> dict:
    """The boundary probe (boundaries.py) on the operations of a pass, with its credentials."""
    name = spec_pass["name"] + "-boundaries"
    spec, _, _ = filtered_spec(document, spec_pass["service"], spec_pass.get("keep", lambda p: True), spec_pass.get("drop", ()))
    operations = [(path, method, item[method]) for path, item in spec["paths"].items() for method in METHODS
                  if method in item and not is_excluded(method, path)]
    started = time.time()
    def revive() -> str:
        # A crashing Swift process writes its backtrace before it exits: wait for the exit (then
        # restart it) or for /health to answer again (no crash, a lost connection).
        service = spec_pass["service"]
        deadline = time.time() + 30
        while time.time() < deadline:
            if not stack.alive(service):
                log(f"!!! {service} died during {name}; last lines of its log:\n" + stack.tail(service, 12))
                stack.start(service)
                stack.wait_healthy(service)
                return f"; {service} died and was restarted"
            try:
                if http("GET", stack.url(service) + "/health", timeout=1)[0] == 200:
                    return ""
            except OSError:
                pass
            time.sleep(0.5)
        return f"; {service} neither answered nor exited within 30 s"

    findings = boundaries.probe(document, operations, spec_pass["url"], spec_pass.get("headers", {}), {}, http, revive)
    for operation, problem in findings:
        log(f"    [{name}] {operation}: {problem}")
    log(f"--> {name}: {len(operations)} operations, {len(findings)} findings, {time.time() - started:.0f} s")
    return {"name": name, "findings": findings, "status": 1 if findings else 0}


def redact(text: str, spec_pass: dict) -> str:
    for value in spec_pass.get("headers", {}).values():
        text = text.replace(value, "<redacted>")
    return text


def junit_findings(path: Path) -> list[tuple[str, str]]:
    # A pass stopped at its time limit leaves the report empty or cut: its exit status says so.
    try:
        root = ET.parse(path).getroot()
    except (FileNotFoundError, ET.ParseError):
        return []
    findings = []
    for case in root.iter("testcase"):
        for problem in list(case.findall("failure")) + list(case.findall("error")):
            message = (problem.text or problem.get("message") or "").strip()
            # The checks that failed: "- ST103 Undocumented status code" lines, each with what came back.
            kinds, lines = [], message.splitlines()
            for index, line in enumerate(lines):
                if line.startswith("- "):
                    detail = next((l.strip() for l in lines[index + 1:index + 4] if l.strip()), "")
                    kinds.append(f"{line[2:].strip()} ({detail})" if detail else line[2:].strip())
            summary = "; ".join(dict.fromkeys(kinds)) if kinds else (lines[0] if lines else problem.tag)
            findings.append((case.get("name"), summary[:300]))
    return findings


def promtool(url: str) -> str | None:
    """None when /metrics passes `promtool check metrics`, else the complaint."""
    try:
        status, body = http("GET", url + "/metrics", timeout=10)
    except OSError as error:
        return f"GET /metrics failed: {error}"
    if status != 200:
        return f"GET /metrics answered {status}"
    result = subprocess.run(["promtool", "check", "metrics"], input=body if isinstance(body, str) else json.dumps(body),
                            capture_output=True, text=True, timeout=30)
    complaint = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or complaint:
        return complaint or f"promtool exit {result.returncode}"
    return None


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a document with one is refused."""


def _unique_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise SystemExit(f"fuzz: {SPEC} has the key {key!r} twice ({key_node.start_mark})")
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_spec(path: Path) -> dict:
    return yaml.load(path.read_text(), Loader=_UniqueKeyLoader)


def main() -> int:
    started = time.time()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    document = load_spec(SPEC)
    stack = Stack(OUT)
    failures: list[str] = []
    results = []
    log("==> fuzz: exclusions (left out on purpose)")
    for method, path, reason in EXCLUDED:
        log(f"    {method:6} {path}: {reason}")
    try:
        run_checked([str(BIN / "optralis-ca"), "server-cert", "--name", "127.0.0.1", "--name", "localhost",
                     "--out", str(OUT / "agent-tls")], stack.env, "optralis-ca server-cert")
        for service in SERVICES:
            stack.start(service)
            if service == "ca" and not stack.wait_healthy("ca"):
                raise SystemExit("fuzz: ca did not start:\n" + stack.tail("ca"))
        for service in SERVICES:
            if not stack.wait_healthy(service):
                raise SystemExit(f"fuzz: {service} did not start:\n" + stack.tail(service))
        ids = bootstrap(stack)
        log(f"==> fuzz: services up, tenant {ids['client_id']}, machine {ids['machine_id']} "
            f"({time.time() - started:.0f} s)")

        selected = [p.strip() for p in os.environ.get("FUZZ_PASSES", "").split(",") if p.strip()]
        for spec_pass in passes(stack, ids):
            if selected and spec_pass["name"] not in selected:
                continue
            result = run_pass(document, spec_pass, OUT)
            results.append(result)
            if spec_pass["service"] in ("api", "ai", "ca") and "tls" not in spec_pass and spec_pass["name"] != "ai-tenant":
                results.append(run_boundaries(document, spec_pass, stack))
            # A service that died during the pass is a finding; it is restarted for the next pass.
            for service in SERVICES + ["agent"]:
                if service in stack.processes and not stack.alive(service):
                    code = stack.processes[service].returncode
                    failures.append(f"{service} died during pass {result['name']} (exit {code})")
                    log(f"!!! {service} died during {result['name']} (exit {code}); last lines of its log:\n"
                        + stack.tail(service))
                    if service != "agent":
                        stack.start(service)
                        stack.wait_healthy(service)

        if os.environ.get("FUZZ_HOLD") == "1":
            # For reproducing findings by hand: the stack stays up until OUT/stop exists.
            (OUT / "stack.json").write_text(json.dumps({
                "ports": stack.ports, "tls_port": stack.tls_port, "internal_token": stack.secret,
                **{key: value for key, value in ids.items()}}, indent=1))
            log(f"==> fuzz: holding the stack (see {OUT / 'stack.json'}); touch {OUT / 'stop'} to end")
            while not (OUT / "stop").exists():
                time.sleep(1)

        log("\n==> fuzz: health and metrics after the run")
        for service in SERVICES + ["agent"]:
            url = stack.url(service)
            healthy = False
            try:
                status, body = http("GET", url + "/health", timeout=5)
                healthy = status == 200
            except OSError as error:
                status, body = "no answer", str(error)
            if not healthy:
                failures.append(f"{service}: /health answered {status} after the run")
                log(f"!!! {service}: /health {status} {body}\n" + stack.tail(service))
            complaint = promtool(url)
            if complaint:
                failures.append(f"{service}: promtool check metrics: " + complaint.replace("\n", " | "))
            log(f"    {service:10} /health {status}   promtool {'ok' if not complaint else 'FAILED'}")
            if complaint:
                log("      " + complaint.replace("\n", "\n      "))
        # The fuzzing sessions and the machine must have survived (else an exclusion is missing).
        for role in ("root", "admin", "observer"):
            status, body = http("GET", stack.url("api") + "/api/me", token=ids[role])
            if status != 200:
                failures.append(f"the {role} session no longer works after the run (GET /api/me {status} {body})")
    finally:
        stack.stop_all()
    # A crash the service survived (a restarted process) or that happened in the last moments:
    # the Swift runtime's crash report in a log, or a stop that was not clean.
    for service, process in stack.processes.items():
        if process.returncode not in (0, None):
            failures.append(f"{service} did not stop cleanly on SIGTERM (exit {process.returncode})")
        log_path = stack.logs / f"{service}.log"
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        crash = next((line for line in text.splitlines() if any(marker in line for marker in CRASH_MARKERS)), None)
        if crash:
            failures.append(f"{service} crashed: {crash.strip()} (see {log_path})")
            log(f"!!! {service} crashed; its log around the crash:\n" + stack.tail(service))

    findings = [(r["name"], operation, summary) for r in results for operation, summary in r["findings"]]
    log("\n==> fuzz: findings")
    for name, operation, summary in findings:
        log(f"  [{name}] {operation}: {summary}")
    for failure in failures:
        log(f"  {failure}")
    total = len(findings) + len(failures)
    log(f"fuzz: {total} findings ({len(findings)} failing operations in {len(results)} passes, "
        f"{len(failures)} service problems); took {time.time() - started:.0f} s; logs in {OUT}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())

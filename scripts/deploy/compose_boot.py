#!/usr/bin/env python3
"""deploy/docker-compose.yml booted without Docker (issue 23, item 1): every Swift service started
from the built binaries with exactly the environment compose and the image give it.

1. `docker-compose config` resolves the file with deploy/.env.example filled in (fresh secrets;
   the test PostgreSQL's superuser and the test Redis's password stand for the containers'
   POSTGRES_PASSWORD and REDIS_PASSWORD; POSTGRES_DB is a fresh database; SMTP_HOST/PORT a local
   aiosmtpd).
2. Each service's environment is its image's (deploy/Dockerfile's ENV of its target, inherited
   from `runtime`) overlaid by compose's. Only what a container has and a process here cannot is
   rewritten, and the table of rewrites is printed: the compose host names (postgres, redis, api,
   ai, ca, web) become 127.0.0.1 with a test port, each service's own port a test port, the
   container paths the repository's files the Dockerfile copies or a temporary directory per
   named volume. The Redis database index becomes a dedicated one, emptied first.
3. Services start in compose's dependency order (depends_on): the one-shot `migrate` and
   `agent-tls` run their `command:` to completion, then ca, api, web, ai, scheduler and the
   notifier scaled to 3 (distinct HOSTNAME and port, as `--scale notifier=3`); each must pass its
   compose healthcheck (its /health) in time, then report `ok` with its dependencies up. A
   service that exits (a variable compose does not give it: exit 78 naming it) fails the test
   with its log's tail.
4. Debian's caddy runs deploy/Caddyfile (upstreams and site address rewritten) in front of the
   real api and web: /api/* and /install.sh reach the api, /login the dashboard, /metrics is
   404; the first super_admin signs in to the dashboard through it. A machine enrols through Caddy (POST /api/public/bootstrap: api -> ca); its certificate
   verifies against agent-tls's CA file; the agents' mTLS port answers /agent/ping with it and
   refuses a client without one.
5. 60 contact-form posts through the api queue 60 emails; the 3 notifiers deliver each exactly
   once (one message per nonce at the SMTP server), more than one replica took a share
   (/metrics), and the queues end empty.
6. SIGTERM: every service exits 0.

Environment: OPTRALIS_BIN_DIR, OPTRALIS_TEST_DATABASE_URL, OPTRALIS_TEST_REDIS_URL (required);
OPTRALIS_DEPLOY_PORT_BASE (take test ports from there instead of any free port);
OPTRALIS_DEPLOY_OUT (logs; default .local/deploy-boot). Exits 1 naming each failure.
"""
from __future__ import annotations

import base64
import email
import hashlib
import http.client as http_client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error as urllib_error
import urllib.parse as urllib_parse
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deploylib  # noqa: E402
from deploylib import ROOT, http  # noqa: E402

BIN = Path(os.environ["OPTRALIS_BIN_DIR"])
OUT = Path(os.environ.get("OPTRALIS_DEPLOY_OUT", ROOT / ".local" / "deploy-boot"))
PORTS = deploylib.Ports(int(os.environ["OPTRALIS_DEPLOY_PORT_BASE"]) if os.environ.get("OPTRALIS_DEPLOY_PORT_BASE") else None)
PG = deploylib.url_parts(os.environ["OPTRALIS_TEST_DATABASE_URL"])
REDIS = deploylib.url_parts(os.environ["OPTRALIS_TEST_REDIS_URL"])
REDIS_DB = "13"  # this test's Redis database, emptied first
NOTIFIER_REPLICAS = 3
EMAILS = 60
HEALTH_SECONDS = 30  # compose's start_period
SMTP_FIXTURE = ROOT / "shared" / "Tests" / "OptralisTestSupport" / "Fixtures" / "smtp_server.py"
# The variables naming a service's own port, and whose port it is (compose host names).
PORT_VARIABLES = {"PORT": "api", "WEB_PORT": "web", "AI_PORT": "ai", "NOTIFIER_PORT": "notifier",
                  "SCHEDULER_PORT": "scheduler", "CA_PORT": "ca", "AGENT_TLS_PORT": "api-agents"}
CONTAINER_PATH = re.compile(r"(?<![\w/.])(/app|/var/lib/optralis)(/[\w.\-/]*)?")

REPORT = deploylib.Report()
check, phase, failures, started = REPORT.check, REPORT.phase, REPORT.failures, REPORT.started


# --- the image: deploy/Dockerfile's stages ------------------------------------------------------

def dockerfile_stages() -> dict[str, dict]:
    """Per stage: its ENV, WORKDIR, ENTRYPOINT and the repository files it COPYs (dest -> src),
    inherited from the stage it is built FROM."""
    text = re.sub(r"\\\n", " ", deploylib.DOCKERFILE.read_text())
    stages: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = rest.split()
            base = stages.get(words[0], {"env": {}, "copies": {}, "built": {}, "workdir": "/", "entrypoint": []})
            current = {"env": dict(base["env"]), "copies": dict(base["copies"]), "built": dict(base["built"]),
                       "workdir": base["workdir"], "entrypoint": list(base["entrypoint"])}
            if len(words) >= 3 and words[1].upper() == "AS":
                stages[words[2]] = current
        elif current is None:
            continue
        elif instruction == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                current["env"][name] = value
        elif instruction == "WORKDIR":
            current["workdir"] = rest.strip()
        elif instruction == "ENTRYPOINT":
            current["entrypoint"] = json.loads(rest)
        elif instruction == "COPY":
            words = [w for w in shlex.split(rest) if not w.startswith("--") or w.startswith("--from=")]
            source_stage = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
            words = [w for w in words if not w.startswith("--from=")]
            source, destination = words[0], words[-1]
            if source_stage:
                current["built"][destination] = source  # a build output (/out/optralis-api)
            else:
                current["copies"][destination] = ROOT / source
    return stages


def toolchain_backtracer() -> Path | None:
    swift = shutil.which("swift")
    if swift is None:
        return None
    candidate = Path(os.path.realpath(swift)).parent.parent / "libexec" / "swift" / "linux" / "swift-backtrace-static"
    return candidate if candidate.exists() else None


# --- compose ----------------------------------------------------------------------------------

def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / "deploy" / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


class Boot:
    def __init__(self):
        shutil.rmtree(OUT, ignore_errors=True)
        (OUT / "logs").mkdir(parents=True)
        self.database = f"t_compose_{os.getpid()}"
        self.smtp_port = PORTS.take()
        self.tls_port = PORTS.take()
        self.secrets = {name: secrets.token_hex(32) for name in
                        ("DATABASE_APP_PASSWORD", "JWT_SECRET", "DATABASE_CREDENTIALS_KEY", "INTERNAL_SERVICE_TOKEN", "CA_SERVICE_TOKEN")}
        self.secrets["DEFAULT_ADMIN_PASSWORD"] = "Ad-" + secrets.token_hex(8) + "aA1!"
        # The operator's .env: the example, with what an operator fills in.
        self.variables = dict(env_example(), **self.secrets, **{
            "POSTGRES_USER": PG["user"], "POSTGRES_PASSWORD": PG["password"], "POSTGRES_DB": self.database,
            "REDIS_PASSWORD": REDIS["password"], "DOMAIN": "localhost", "DEFAULT_ADMIN_EMAIL": "admin@example.com",
            "AGENT_MTLS_PORT": str(self.tls_port), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp_port),
            "SMTP_FROM": "Optralis <alerts@example.com>", "CONTACT_EMAIL": "team@example.com",
        })
        self.masks = {value: f"<{name}>" for name, value in self.secrets.items()}
        self.masks.update({PG["password"]: "<POSTGRES_PASSWORD>", REDIS["password"]: "<REDIS_PASSWORD>"})
        self.services = deploylib.resolved_services(self.variables)
        self.stages = dockerfile_stages()
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.envs: dict[str, dict] = {}
        self.rewrites: list[tuple[str, str, str, str]] = []
        self.backtracer = toolchain_backtracer()
        # The containers' WORKDIR: empty directories outside the repository, so that no service
        # finds the repository's files from its working directory instead of its settings.
        self.workdirs = Path(tempfile.mkdtemp(prefix="optralis-compose-boot-"))

    def binary(self, name: str) -> Path:
        """The binary, linked outside the repository: a binary run from .build/ would find the
        repository's files (migrations, templates) from its own location, and hide a path the
        compose file fails to give it."""
        linked = self.workdirs / "bin" / name
        if not linked.exists():
            linked.parent.mkdir(exist_ok=True)
            try:
                os.link(BIN / name, linked)
            except OSError:
                shutil.copy2(BIN / name, linked)
        return linked

    def mask(self, text: str) -> str:
        for value, name in self.masks.items():
            text = text.replace(value, name)
        return text

    # Instances: compose's services, the notifier scaled as `--scale notifier=3` would.
    def instances(self, service: str) -> list[str]:
        return [f"{service}-{i}" for i in range(1, NOTIFIER_REPLICAS + 1)] if service == "notifier" else [service]

    def container_port(self, service: str) -> int | None:
        exposed = self.services.get(service, {}).get("expose") or []
        return int(str(exposed[0])) if exposed else None

    def test_port(self, target: str, instance: str) -> int:
        """The test port standing for `target`'s container port, as seen from `instance`."""
        if target == "notifier" and instance.startswith("notifier-"):
            target = instance
        elif target == "notifier":
            target = "notifier-1"
        if target == "api-agents":
            return self.tls_port
        if target not in self.ports:
            self.ports[target] = PORTS.take()
        return self.ports[target]

    def rewrite_url(self, value: str, instance: str, variable: str) -> str:
        def host(match: re.Match) -> str:
            name, port = match.group("host"), match.group("port")
            if name == "postgres":
                check(port == "5432", f"{instance}: {variable} names postgres on port {port}")
                return f"{match.group('prefix')}127.0.0.1:{PG['port']}"
            if name == "redis":
                check(port == "6379", f"{instance}: {variable} names redis on port {port}")
                return f"{match.group('prefix')}127.0.0.1:{REDIS['port']}"
            check(port is not None and int(port) == self.container_port(name),
                  f"{instance}: {variable} names {name} on port {port}, but {name} exposes {self.container_port(name)}")
            return f"{match.group('prefix')}127.0.0.1:{self.test_port(name, instance)}"
        hosts = "|".join(sorted(set(self.services) - {"caddy"}, key=len, reverse=True))
        value = re.sub(rf"(?P<prefix>[a-z]+://(?:[^@/\s]*@)?)(?P<host>{hosts})(?::(?P<port>\d+))?(?=[/\s]|$)", host, value)
        if value.startswith("redis://"):
            value = re.sub(rf"(@127\.0\.0\.1:{REDIS['port']})/\d+$", rf"\1/{REDIS_DB}", value)
        return value

    def path_map(self, service: str, stage: dict) -> dict[str, Path | None]:
        """Container path -> local path: the service's named volumes, then the image's files."""
        mapping: dict[str, Path | None] = {}
        for volume in self.services[service].get("volumes") or []:
            source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) else volume.split(":")[:2]
            if source.startswith((".", "/")):
                continue
            mapping[target] = OUT / "volumes" / source
        for destination, source in stage["copies"].items():
            mapping.setdefault(destination.rstrip("/"), source)
        for destination, source in stage["built"].items():
            name = Path(source).name
            if name.startswith("optralis-"):
                mapping[destination] = self.binary(name)
            elif name == "swift-backtrace-static":
                mapping[destination] = self.backtracer
        return mapping

    def rewrite_paths(self, value: str, mapping: dict, instance: str, variable: str) -> str | None:
        def path(match: re.Match) -> str:
            whole = match.group(0)
            for prefix in sorted(mapping, key=len, reverse=True):
                if whole == prefix or whole.startswith(prefix.rstrip("/") + "/"):
                    local = mapping[prefix]
                    if local is None:
                        raise LookupError(prefix)
                    return str(local) + whole[len(prefix.rstrip("/")):]
            check(False, f"{instance}: {variable} names {whole}, which is neither in its image nor in one of its volumes")
            return whole
        try:
            return CONTAINER_PATH.sub(path, value)
        except LookupError:
            return None  # a file this machine lacks (the static backtracer): the variable is left out

    def environment(self, service: str, instance: str) -> dict[str, str]:
        spec = self.services[service]
        stage = self.stages[spec["build"]["target"]]
        mapping = self.path_map(service, stage)
        container = dict(stage["env"])
        container.update({k: "" if v is None else str(v) for k, v in (spec.get("environment") or {}).items()})
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(OUT / "home" / instance), "HOSTNAME": instance}
        for name, value in container.items():
            new = value
            if name in PORT_VARIABLES:
                target = PORT_VARIABLES[name]
                claimed = self.container_port(target) if target != "api-agents" else self.agent_container_port()
                check(value == str(claimed), f"{instance}: {name}={value} but compose gives {target} port {claimed}")
                new = str(self.test_port(target, instance))
            else:
                new = self.rewrite_url(new, instance, name)
                new = self.rewrite_paths(new, mapping, instance, name)
            if new is None:
                self.rewrites.append((instance, name, self.mask(value), "(left out: not on this machine)"))
                continue
            if new != value:
                self.rewrites.append((instance, name, self.mask(value), self.mask(new)))
            env[name] = new
        return env

    def agent_container_port(self) -> int | None:
        """The api's published port's container side; the published side must be AGENT_MTLS_PORT."""
        for mapping in self.services["api"].get("ports") or []:
            if isinstance(mapping, dict):
                published, target = mapping.get("published"), mapping.get("target")
            else:
                published, _, target = str(mapping).rpartition(":")
            check(str(published).split(":")[-1] == str(self.tls_port), f"the api publishes {mapping}, not AGENT_MTLS_PORT")
            return int(str(target).split("/")[0])
        check(False, "the api publishes no port for the agents")
        return None

    def command(self, service: str, instance: str) -> list[str]:
        spec = self.services[service]
        stage = self.stages[spec["build"]["target"]]
        mapping = self.path_map(service, stage)
        arguments = stage["entrypoint"] + [str(a) for a in spec.get("command") or []]
        local = [self.rewrite_paths(a, mapping, instance, "command") or a for a in arguments]
        for before, after in zip(arguments[1:], local[1:]):
            if before != after:
                self.rewrites.append((instance, "command", before, after))
        return local

    # --- processes ----------------------------------------------------------------------------
    def start(self, service: str, instance: str) -> None:
        env = self.envs[instance] = self.environment(service, instance)
        command = self.command(service, instance)
        for directory in [env["HOME"], self.workdirs / instance]:
            Path(directory).mkdir(parents=True, exist_ok=True)
        log = open(OUT / "logs" / f"{instance}.log", "ab")
        self.processes[instance] = subprocess.Popen(command, env=env, cwd=self.workdirs / instance, stdout=log,
                                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def tail(self, instance: str, lines: int = 15) -> str:
        path = OUT / "logs" / f"{instance}.log"
        text = path.read_text(errors="replace").splitlines() if path.exists() else ["(no log)"]
        return "\n".join("      " + self.mask(line)[:300] for line in text[-lines:])

    def health_url(self, service: str, instance: str) -> str:
        test = self.services[service]["healthcheck"]["test"]
        url = next(word for word in test if word.startswith("http"))
        parts = deploylib.url_parts(url)
        check(int(parts["port"]) == self.container_port(service), f"{service}: healthcheck port {parts['port']} is not its exposed port")
        return f"http://127.0.0.1:{self.test_port(service, instance)}{parts['path']}"

    def run_one_shot(self, service: str) -> bool:
        self.start(service, service)
        process = self.processes[service]
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            code = "timeout"
        return check(code == 0, f"one-shot {service} exited {code}:\n{self.tail(service)}")

    def start_and_wait(self, service: str) -> bool:
        instances = self.instances(service)
        for instance in instances:
            self.start(service, instance)
        ok = True
        for instance in instances:
            process = self.processes[instance]
            status = deploylib.wait_http(self.health_url(service, instance), HEALTH_SECONDS, alive=lambda: process.poll() is None)
            if process.poll() is not None:
                ok = check(False, f"{instance} exited {process.returncode} before it was healthy:\n{self.tail(instance)}") and ok
            else:
                ok = check(status == 200, f"{instance}: /health answered {status} after {HEALTH_SECONDS} s:\n{self.tail(instance)}") and ok
        return ok

    def boot(self) -> bool:
        """Compose's order: a service starts once what it depends on is healthy or completed."""
        pending = [s for s, spec in self.services.items() if "build" in spec]
        external = {s for s, spec in self.services.items() if "build" not in spec}  # postgres, redis (the test's), caddy
        done: set[str] = set()
        while pending:
            ready = [s for s in pending if all(d in done or (d in external and d != "caddy") for d in self.depends_on(s))]
            if not ready:
                return check(False, f"compose's depends_on cannot be satisfied for {pending}")
            service = ready[0]
            one_shot = self.services[service].get("restart") == "no"
            t0 = time.time()
            ok = self.run_one_shot(service) if one_shot else self.start_and_wait(service)
            count = f" x{NOTIFIER_REPLICAS}" if service == "notifier" else ""
            print(f"  {service}{count}: {'completed' if one_shot else 'healthy'} in {time.time() - t0:.1f} s" if ok else f"  {service}: FAILED", flush=True)
            if not ok:
                return False
            done.add(service)
            pending.remove(service)
        return True

    def depends_on(self, service: str) -> list[str]:
        depends = self.services[service].get("depends_on") or []
        return list(depends) if isinstance(depends, (dict, list)) else []

    def stop_all(self) -> dict[str, int | None]:
        """SIGTERM to every running instance; their exit codes (None: killed after 15 s)."""
        running = {i: p for i, p in self.processes.items() if p.poll() is None}
        for process in running.values():
            process.send_signal(signal.SIGTERM)
        codes = {}
        for instance, process in running.items():
            try:
                codes[instance] = process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                codes[instance] = None
        return codes

    def print_rewrites(self) -> None:
        """One line per distinct rewrite, naming the instances it applies to."""
        grouped: dict[tuple[str, str, str], list[str]] = {}
        for instance, name, before, after in self.rewrites:
            grouped.setdefault((name, before, after), [])
            if instance not in grouped[(name, before, after)]:
                grouped[(name, before, after)].append(instance)
        print("  rewrites (container -> this machine):")
        for (name, before, after), instances in grouped.items():
            print(f"    {name:<24} {before}  ->  {after}   [{', '.join(instances)}]")
        print(f"    {'HOSTNAME':<24} the container's  ->  the instance's name; working directory: an empty one per instance")


# --- the checks after the boot ---------------------------------------------------------------

def psql(url: str, sql: str) -> str:
    result = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise SystemExit(f"psql failed: {result.stderr}")
    return result.stdout.strip()


def dependencies(boot: Boot) -> None:
    """/health 200 is not enough: the api answers 200 `degraded` without Redis. Every instance
    must report `ok`, with every dependency it checks up (or disabled: Claude without a key)."""
    phase("each service's /health report")
    for instance, process in boot.processes.items():
        if instance in ("migrate", "agent-tls"):
            continue
        service = instance.split("-")[0]
        status, _, body = http("GET", boot.health_url(service, instance))
        try:
            report = json.loads(body)
        except ValueError:
            check(False, f"{instance}: /health is not JSON: {body[:200]!r}")
            continue
        checks = {name: value.get("status") for name, value in (report.get("checks") or {}).items()}
        print(f"  {instance:<11} {report.get('status')}: " + ", ".join(f"{n} {s}" for n, s in sorted(checks.items())))
        check(status == 200 and report.get("status") == "ok", f"{instance}: /health is {status} {report.get('status')}: {checks}")
        down = {n: report["checks"][n].get("error") for n, s in checks.items() if s == "down"}
        check(not down, f"{instance}: dependencies down: {down}")
        warnings = {n: v["warning"] for n, v in (report.get("checks") or {}).items() if v.get("warning")}
        check(not warnings, f"{instance}: dependency warnings: {warnings}")


def through_caddy(boot: Boot) -> None:
    phase("Caddy (deploy/Caddyfile) in front of the api and web")
    port = PORTS.take()
    upstreams = {"api:3000": f"127.0.0.1:{boot.ports['api']}", "web:3001": f"127.0.0.1:{boot.ports['web']}"}
    with deploylib.caddy(upstreams, port, OUT / "caddy") as output:
        base = f"http://127.0.0.1:{port}"
        if not check(deploylib.wait_http(base + "/login", 20) == 200, "caddy did not serve /login within 20 s"):
            print(output()[-2000:])
            return
        status, headers, body = http("GET", base + "/api/me")
        check(status == 401 and headers.get("Content-Type", "").startswith("application/json") and b'"code"' in body,
              f"/api/me through Caddy: expected the api's 401 JSON, got {status} {headers.get('Content-Type')} {body[:120]!r}")
        status, headers, body = http("GET", base + "/install.sh")
        check(status == 200 and body.startswith(b"#!"), f"/install.sh through Caddy: {status} {body[:80]!r}")
        status, headers, body = http("GET", base + "/openapi.yaml")
        check(status == 200 and b"openapi:" in body[:200], f"/openapi.yaml through Caddy (the image's /app/openapi.yaml): {status} {body[:80]!r}")
        status, headers, body = http("GET", base + "/login")
        check(status == 200 and "text/html" in headers.get("Content-Type", "") and b"<form" in body,
              f"/login through Caddy: expected the dashboard's HTML form, got {status} {headers.get('Content-Type')}")
        status, headers, body = http("GET", base + "/")
        check(status == 200 and "text/html" in headers.get("Content-Type", ""), f"/ through Caddy: {status} {headers.get('Content-Type')}")
        for path in ("/metrics", "/METRICS"):
            status, _, body = http("GET", base + path)
            check(status == 404 and b"# TYPE" not in body, f"{path} through Caddy answered {status}")
        dashboard_login(boot, port)
        enrol(boot, base)


def dashboard_login(boot: Boot, port: int) -> None:
    """The first super_admin (DEFAULT_ADMIN_* from the .env) signs in to the dashboard through
    Caddy: web -> api (/auth/login) -> a session in Redis, read back on the next page."""
    def request(method: str, path: str, body: str | None = None, cookies: dict | None = None):
        connection = http_client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        jar = SimpleCookie()
        for value in reply.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        result = reply.status, reply.headers.get("Location", ""), {k: m.value for k, m in jar.items()}, reply.read()
        connection.close()
        return result

    status, _, cookies, page = request("GET", "/login")
    token = re.search(rb'name="_csrf" value="([^"]+)"', page)
    if not check(status == 200 and token and "optralis_login_csrf" in cookies, f"the login page has no CSRF token ({status})"):
        return
    form = urllib_parse.urlencode({"_csrf": token.group(1).decode(), "email": boot.variables["DEFAULT_ADMIN_EMAIL"],
                                   "password": boot.variables["DEFAULT_ADMIN_PASSWORD"]})
    status, location, session, page = request("POST", "/login", form, cookies)
    if not check(status in (302, 303) and location == "/settings/password" and session,
                 f"the super_admin's dashboard login through Caddy: {status} -> {location!r} {page[:200]!r}\n{boot.tail('web')}"):
        return
    status, _, _, page = request("GET", "/settings/password", cookies={**cookies, **session})
    check(status == 200 and b"<form" in page, f"the dashboard page after login: {status}")
    print("  dashboard: the first super_admin signed in through Caddy (web -> api -> session in Redis)")


def enrol(boot: Boot, base: str) -> None:
    """A machine enrols through Caddy (api -> ca) with an install token made as `make run` does;
    then the agents' mTLS port, with and without its certificate."""
    owner = boot.envs["migrate"]["DATABASE_URL"]
    client = psql(owner, "INSERT INTO clients (name) VALUES ('Compose boot') RETURNING id").splitlines()[0]
    token = secrets.token_urlsafe(32)
    psql(owner, f"INSERT INTO install_tokens (client_id, token_hash, name, platform, max_usage) VALUES "
                f"('{client}', '{hashlib.sha256(token.encode()).hexdigest()}', 'compose boot', 'linux', 1)")
    body = json.dumps({"token": token, "arch": "amd64", "hostname": "compose-boot", "hardware_id": "COMPOSE-BOOT", "os": "Debian 12"}).encode()
    status, _, reply = http("POST", base + "/api/public/bootstrap", body, {"Content-Type": "application/json"}, timeout=30)
    if not check(status == 200, f"enrolment through Caddy: {status} {reply[:300]!r}\n{boot.tail('api')}\n{boot.tail('ca')}"):
        return
    enrolled = json.loads(reply)
    check(enrolled["agent_api_url"] == f"https://localhost:{boot.tls_port}",
          f"agents are told to connect to {enrolled['agent_api_url']}, not the published AGENT_MTLS_PORT (https://localhost:{boot.tls_port})")
    agent_tls = OUT / "volumes" / "agent-tls"
    machine = OUT / "machine"
    machine.mkdir()
    (machine / "agent.crt").write_text(enrolled["certificate"])
    (machine / "agent.key").write_text(enrolled["private_key"])
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(agent_tls / "ca.crt"), str(machine / "agent.crt")], capture_output=True, text=True)
    check(verify.returncode == 0, f"the ca's certificate does not verify against agent-tls's CA file: {verify.stdout}{verify.stderr}")

    phase("the agents' mTLS port")
    url = f"https://localhost:{boot.tls_port}/agent/ping"
    # The server certificate must name DOMAIN (localhost) and chain to agent-tls's CA file.
    named = ssl.create_default_context(cafile=str(agent_tls / "ca.crt"))
    named.load_cert_chain(str(machine / "agent.crt"), str(machine / "agent.key"))
    try:
        status, _, body = http("GET", url, context=named, timeout=10)
        check(status == 200, f"/agent/ping with the machine's certificate: {status} {body[:200]!r}")
    except OSError as error:
        check(False, f"/agent/ping with the machine's certificate failed: {error}")
        return
    anonymous = ssl.create_default_context(cafile=str(agent_tls / "ca.crt"))
    try:
        status, _, _ = http("GET", url, context=anonymous, timeout=5)
        check(False, f"the agents' port answered {status} to a client without a certificate")
    except ConnectionRefusedError as error:
        check(False, f"the agents' port is closed: {error}")
    except (ssl.SSLError, ConnectionResetError, http_client.RemoteDisconnected, urllib_error.URLError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, ConnectionRefusedError):
            check(False, f"the agents' port is closed: {reason}")
        else:
            print(f"  without a client certificate: refused in the TLS handshake ({str(reason)[:90]})")


def notifier_scaled(boot: Boot, smtp_dir: Path) -> None:
    phase(f"{EMAILS} emails through the api's queue, {NOTIFIER_REPLICAS} notifiers")
    api = f"http://127.0.0.1:{boot.ports['api']}"
    nonces = [secrets.token_hex(6) for _ in range(EMAILS)]
    for i, nonce in enumerate(nonces):
        # Each post stands for a visitor behind Caddy (compose sets TRUST_PROXY_HEADERS): the
        # contact form's limit is per address.
        body = json.dumps({"name": f"Visitor {i}", "email": f"visitor{i}@example.net", "subject": "demo",
                           "message": f"compose boot nonce {nonce}", "language": "en"}).encode()
        status, _, reply = http("POST", api + "/api/public/contact", body,
                                {"Content-Type": "application/json", "X-Real-IP": f"198.51.100.{i + 1}"})
        if not check(status == 200, f"contact form post {i}: {status} {reply[:200]!r}"):
            return
    deadline = time.time() + 30
    while time.time() < deadline and len(list(smtp_dir.glob("*.json"))) < EMAILS:
        time.sleep(0.2)
    time.sleep(1.5)  # a duplicate would arrive now
    seen: dict[str, int] = {}
    message_ids = []
    for path in smtp_dir.glob("*.json"):
        record = json.loads(path.read_text())
        message = email.message_from_bytes(base64.b64decode(record["data_base64"]))
        message_ids.append(message.get("Message-ID"))
        text = "".join(part.get_payload(decode=True).decode("utf-8", "replace") for part in message.walk()
                       if part.get_content_type() == "text/plain")
        for nonce in re.findall(r"compose boot nonce ([0-9a-f]{12})", text):
            seen[nonce] = seen.get(nonce, 0) + 1
    delivered = len(message_ids)
    check(delivered == EMAILS, f"the SMTP server received {delivered} messages for {EMAILS} jobs")
    check(sorted(seen) == sorted(nonces), f"{len(set(nonces) - set(seen))} jobs were never delivered")
    twice = {n: c for n, c in seen.items() if c > 1}
    check(not twice, f"jobs delivered more than once: {twice}")
    check(len(set(message_ids)) == len(message_ids), "two messages share a Message-ID")
    shares = {}
    for i in range(1, NOTIFIER_REPLICAS + 1):
        _, _, metrics = http("GET", f"http://127.0.0.1:{boot.ports[f'notifier-{i}']}/metrics")
        shares[f"notifier-{i}"] = sum(float(v) for v in re.findall(
            rb'^notifier_jobs_total\{[^}]*queue="email:queue"[^}]*outcome="(?:delivered|sent)"[^}]*\} ([0-9.e+]+)$', metrics, re.M))
    print(f"  delivered {delivered} messages, {len(seen)} distinct jobs; per replica: {shares}")
    check(sum(shares.values()) == EMAILS, f"the replicas' /metrics count {sum(shares.values())} deliveries, not {EMAILS}")
    check(sum(1 for v in shares.values() if v > 0) >= 2, f"only one replica took jobs: {shares}")
    redis = ["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", REDIS["port"], "-n", REDIS_DB]
    keys = subprocess.run(redis + ["--scan", "--pattern", "email:*"], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "REDISCLI_AUTH": REDIS["password"]}).stdout.split()
    left = [k for k in keys if k in ("email:queue", "email:dead", "email:delayed") or k.startswith("email:processing:")]
    lengths = {}
    for key in left:
        kind = subprocess.run(redis + ["type", key], capture_output=True, text=True, env={"PATH": os.environ["PATH"], "REDISCLI_AUTH": REDIS["password"]}).stdout.strip()
        count = subprocess.run(redis + ["llen" if kind == "list" else "zcard", key], capture_output=True, text=True,
                               env={"PATH": os.environ["PATH"], "REDISCLI_AUTH": REDIS["password"]}).stdout.strip()
        if count not in ("", "0"):
            lengths[key] = count
    check(not lengths, f"email jobs left in Redis: {lengths}")


def main() -> int:
    for tool in ("docker-compose", "caddy", "psql", "openssl", "redis-cli"):
        if shutil.which(tool) is None:
            raise SystemExit(f"compose boot: {tool} is missing (scripts/deps.sh installs it)")
    phase("docker-compose config (deploy/.env.example filled in)")
    boot = Boot()
    admin_url = f"postgres://{PG['user']}:{PG['password']}@127.0.0.1:{PG['port']}/{PG['path'].lstrip('/') or 'postgres'}"
    psql(admin_url, f'CREATE DATABASE "{boot.database}"')
    redis_env = {"PATH": os.environ["PATH"], "REDISCLI_AUTH": REDIS["password"]}
    subprocess.run(["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", REDIS["port"], "-n", REDIS_DB, "flushdb"],
                   env=redis_env, capture_output=True, check=True)
    smtp_dir = OUT / "smtp"
    smtp_dir.mkdir()
    smtp = subprocess.Popen([sys.executable, str(SMTP_FIXTURE), str(boot.smtp_port), str(smtp_dir)],
                            stdout=subprocess.PIPE, stderr=open(OUT / "logs" / "smtp.log", "wb"), text=True)
    try:
        if smtp.stdout.readline().strip() != "READY":
            raise SystemExit("compose boot: the SMTP fixture did not start (aiosmtpd: scripts/deps.sh)")
        phase("compose's services in depends_on order")
        booted = boot.boot()
        boot.print_rewrites()
        if booted:
            dependencies(boot)
            through_caddy(boot)
            notifier_scaled(boot, smtp_dir)
        phase("SIGTERM")
        codes = boot.stop_all()
        check(all(c == 0 for c in codes.values()), f"services did not exit 0 on SIGTERM: {codes}")
        for instance in boot.processes:
            log = (OUT / "logs" / f"{instance}.log").read_text(errors="replace").splitlines()
            errors = [line for line in log if re.search(r"level=(error|critical)\b|Fatal error:|Program crashed", line)]
            check(not errors, f"{instance} logged errors:\n" + "\n".join("      " + boot.mask(e)[:300] for e in errors[:5]))
    finally:
        for process in boot.processes.values():
            if process.poll() is None:
                process.kill()
        smtp.kill()
        shutil.rmtree(boot.workdirs, ignore_errors=True)
        subprocess.run(["psql", "-X", "-q", admin_url, "-c", f'DROP DATABASE IF EXISTS "{boot.database}" WITH (FORCE)'], capture_output=True)
        subprocess.run(["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", REDIS["port"], "-n", REDIS_DB, "flushdb"],
                       env=redis_env, capture_output=True)
    took = time.time() - started
    if failures:
        print(f"compose boot: {len(failures)} failures, took {took:.1f} s (logs: {OUT}/logs)")
        return 1
    print(f"compose boot: every service healthy with compose's environment, Caddy routes, mTLS, "
          f"{EMAILS} emails once each across {NOTIFIER_REPLICAS} notifiers; took {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

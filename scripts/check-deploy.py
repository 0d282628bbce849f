#!/usr/bin/env python3
"""Checks deploy/ as compose and Caddy resolve it (issue 17, items 4, 7 and 10).

1. `docker-compose config` with placeholder secrets (and nothing else: the caller's environment and
   any deploy/.env stay out): every required variable is named, and the
   resolved file gives each service only the secrets it uses, runs Redis with a password and
   noeviction, and every Swift service in production mode.
2. deploy/Caddyfile run by the real caddy, in front of stand-in api and web services on 127.0.0.1
   (only the upstream and site addresses are rewritten): /metrics is refused, the api's paths
   reach the api and the rest the dashboard.

Exits non-zero naming each failed check.
"""
import http.server
import pathlib
import sys
import tempfile
import threading

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "deploy"))
import deploylib  # noqa: E402

root = deploylib.ROOT
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


# --- compose --------------------------------------------------------------------------------
secrets = {
    "POSTGRES_PASSWORD": "pg-owner-secret",
    "DATABASE_APP_PASSWORD": "pg-app-secret",
    "REDIS_PASSWORD": "redis-secret",
    "JWT_SECRET": "jwt-secret-jwt-secret-jwt-secret-jwt",
    "DATABASE_CREDENTIALS_KEY": "d" * 64,
    "INTERNAL_SERVICE_TOKEN": "internal-token-internal-token-internal",
    "CA_SERVICE_TOKEN": "ca-token-ca-token-ca-token-ca-token-ca",
    "SMTP_PASS": "smtp-secret",
    "ANTHROPIC_API_KEY": "anthropic-secret",
}
for name in ["POSTGRES_PASSWORD", "DATABASE_APP_PASSWORD", "REDIS_PASSWORD", "JWT_SECRET", "DATABASE_CREDENTIALS_KEY", "INTERNAL_SERVICE_TOKEN", "CA_SERVICE_TOKEN"]:
    result = deploylib.compose_config({k: v for k, v in secrets.items() if k != name}, extra=["-q"])
    check(result.returncode != 0 and name in result.stderr, f"compose starts without {name}: {result.stderr.strip()[:200]}")

services = deploylib.resolved_services(secrets)
swift_services = ["api", "ai", "notifier", "scheduler", "ca"]

# Which services may see each secret (by its value, wherever it appears in the environment).
allowed = {
    "JWT_SECRET": {"api"},
    "DATABASE_CREDENTIALS_KEY": {"api"},
    "INTERNAL_SERVICE_TOKEN": {"api", "ai", "scheduler"},
    "CA_SERVICE_TOKEN": {"api", "ca"},
    "POSTGRES_PASSWORD": {"postgres", "migrate"},
    "DATABASE_APP_PASSWORD": {"migrate", "api", "ai", "notifier", "scheduler", "ca"},
    "REDIS_PASSWORD": {"redis", "api", "web", "ai", "notifier", "scheduler"},
    "SMTP_PASS": {"notifier"},
    "ANTHROPIC_API_KEY": {"ai"},
}
for name, value in secrets.items():
    holders = {service for service, spec in services.items() if any(value in str(v) for v in (spec.get("environment") or {}).values())}
    check(holders == allowed[name], f"{name} reaches {sorted(holders)}, expected {sorted(allowed[name])}")
    for service, spec in services.items():
        check(value not in " ".join(map(str, spec.get("command") or [])), f"{name} appears on {service}'s command line")

for service in swift_services + ["web"]:
    check(services[service]["environment"].get("OPTRALIS_ENV") == "production", f"{service} does not run with OPTRALIS_ENV=production")
for service in swift_services:
    check(services[service]["environment"].get("DATABASE_URL", "").startswith("postgres://optralis_app:"), f"{service} does not connect as the application role")
check("DATABASE_URL" not in services["web"]["environment"], "the web service reads the api, not the database")
check(services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://optralis:"), "migrate does not run as the schema's owner")
check("REDIS_URL" not in services["ca"]["environment"], "the ca gets REDIS_URL though it does not use Redis")

# The Docker socket is root on the host: only the opt-in override mounts it (docs/security.md).
for service, spec in services.items():
    mounts = " ".join(str(v.get("source", "") if isinstance(v, dict) else v) for v in spec.get("volumes") or [])
    check("docker.sock" not in mounts and "DOCKER_SOCKET" not in (spec.get("environment") or {}), f"{service} gets the Docker socket by default")
override = deploylib.compose_config(dict(secrets, DOCKER_GID="998"), files=[deploylib.COMPOSE_FILE, root / "deploy/docker-compose.docker-admin.yml"])
if override.returncode != 0:
    failures.append(f"docker-compose.docker-admin.yml does not merge: {override.stderr.strip()[:300]}")
else:
    opted = yaml.safe_load(override.stdout)["services"]
    check(opted["api"]["environment"].get("DOCKER_SOCKET") == "/var/run/docker.sock", "the docker-admin override does not set DOCKER_SOCKET")
    check([s for s, spec in opted.items() if "docker.sock" in str(spec.get("volumes"))] == ["api"], "the docker-admin override mounts the socket elsewhere than the api")

redis = services["redis"]
command = " ".join(redis["command"])
check("--maxmemory-policy noeviction" in command, f"Redis may evict keys: {command}")
check("requirepass" in command and "$REDIS_PASSWORD" in command.replace("$$", "$"), "Redis runs without a password")
check(secrets["REDIS_PASSWORD"] not in command, "the Redis password is on redis-server's command line")

# --- Caddy ----------------------------------------------------------------------------------
class StandIn(http.server.BaseHTTPRequestHandler):
    name = b"api"

    def do_GET(self):
        body = b'{"stand_in":"' + self.name + b'"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class WebStandIn(StandIn):
    name = b"web"


upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
web_upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebStandIn)
for server in (upstream, web_upstream):
    threading.Thread(target=server.serve_forever, daemon=True).start()
port = deploylib.free_port()
with tempfile.TemporaryDirectory() as work:
    upstreams = {"api:3000": f"127.0.0.1:{upstream.server_address[1]}", "web:3001": f"127.0.0.1:{web_upstream.server_address[1]}"}
    with deploylib.caddy(upstreams, port, pathlib.Path(work)) as output:
        def get(path):
            status, _, body = deploylib.http("GET", f"http://127.0.0.1:{port}{path}", timeout=5)
            return status, body

        status = deploylib.wait_http(f"http://127.0.0.1:{port}/health", 20)
        check(status == 200, f"caddy did not answer /health (status {status})")
        for path in ["/metrics", "/metrics/", "/METRICS", "/%6Detrics", "/metrics?format=text", "//metrics"]:
            status, body = get(path)
            check(status == 404 and b"stand_in" not in body, f"{path} reaches a service through Caddy ({status})")
        for path, target in [("/api/machines", b"api"), ("/auth/login", b"api"), ("/agent/ping", b"api"), ("/install.sh", b"api"), ("/install.ps1", b"api"), ("/status/external", b"api"),
                             ("/", b"web"), ("/machines/x", b"web"), ("/login", b"web"), ("/status", b"web")]:
            status, body = get(path)
            check(status == 200 and b'"stand_in":"' + target + b'"' in body, f"{path} does not reach the {target.decode()} ({status} {body[:80]!r})")
        if failures:
            print(output()[-2000:], file=sys.stderr)
upstream.shutdown()
web_upstream.shutdown()

if failures:
    for failure in failures:
        print(f"check-deploy: FAIL {failure}", file=sys.stderr)
    sys.exit(1)
print("check-deploy: compose least privilege, Redis settings and Caddy routes OK")

#!/usr/bin/env python3
"""Checks deploy/ as compose and Caddy resolve it (issue 17, items 4, 7 and 10).

1. `docker-compose config` with placeholder secrets: every required variable is named, and the
   resolved file gives each service only the secrets it uses, runs Redis with a password and
   noeviction, and every Swift service in production mode.
2. deploy/Caddyfile run by the real caddy, in front of stand-in api and web services on 127.0.0.1
   (only the upstream and site addresses are rewritten): /metrics is refused, the api's paths
   reach the api and the rest the dashboard.

Exits non-zero naming each failed check.
"""
import http.server
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
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
    "INTERNAL_SERVICE_TOKEN": "internal-token-internal-token-internal",
    "CA_SERVICE_TOKEN": "ca-token-ca-token-ca-token-ca-token-ca",
    "SMTP_PASS": "smtp-secret",
    "ANTHROPIC_API_KEY": "anthropic-secret",
}
base_env = {k: v for k, v in os.environ.items() if k not in secrets and not k.startswith(("POSTGRES_", "DATABASE_", "REDIS_"))}
compose = ["docker-compose", "-f", str(root / "deploy/docker-compose.yml"), "config"]

for name in ["POSTGRES_PASSWORD", "DATABASE_APP_PASSWORD", "REDIS_PASSWORD", "JWT_SECRET", "INTERNAL_SERVICE_TOKEN", "CA_SERVICE_TOKEN"]:
    env = dict(base_env, **{k: v for k, v in secrets.items() if k != name})
    result = subprocess.run(compose + ["-q"], env=env, capture_output=True, text=True)
    check(result.returncode != 0 and name in result.stderr, f"compose starts without {name}: {result.stderr.strip()[:200]}")

result = subprocess.run(compose, env=dict(base_env, **secrets), capture_output=True, text=True)
if result.returncode != 0:
    sys.exit(f"check-deploy: docker-compose config failed: {result.stderr}")
services = yaml.safe_load(result.stdout)["services"]
swift_services = ["api", "ai", "notifier", "scheduler", "ca"]

# Which services may see each secret (by its value, wherever it appears in the environment).
allowed = {
    "JWT_SECRET": {"api"},
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
override = subprocess.run(compose[:3] + ["-f", str(root / "deploy/docker-compose.docker-admin.yml"), "config"], env=dict(base_env, **secrets, DOCKER_GID="998"), capture_output=True, text=True)
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
caddy = shutil.which("caddy")
if caddy is None:
    failures.append("caddy is not installed (scripts/deps.sh installs it)")
else:
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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as work:
        text = (root / "deploy/Caddyfile").read_text()
        check("reverse_proxy api:3000" in text and "reverse_proxy web:3001" in text, "the Caddyfile no longer proxies to api:3000 and web:3001; update this check")
        text = text.replace("reverse_proxy api:3000", f"reverse_proxy 127.0.0.1:{upstream.server_address[1]}")
        text = text.replace("reverse_proxy web:3001", f"reverse_proxy 127.0.0.1:{web_upstream.server_address[1]}")
        caddyfile = pathlib.Path(work) / "Caddyfile"
        caddyfile.write_text(text)
        env = dict(os.environ, DOMAIN=f"http://127.0.0.1:{port}", HOME=work, XDG_DATA_HOME=work, XDG_CONFIG_HOME=work)
        process = subprocess.Popen([caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            def get(path):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as reply:
                        return reply.status, reply.read()
                except urllib.error.HTTPError as error:
                    return error.code, error.read()

            deadline = time.time() + 20
            status = None
            while time.time() < deadline:
                try:
                    status, _ = get("/health")
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            check(status == 200, f"caddy did not answer /health (status {status})")
            for path in ["/metrics", "/metrics/", "/METRICS", "/%6Detrics", "/metrics?format=text", "//metrics"]:
                status, body = get(path)
                check(status == 404 and b"stand_in" not in body, f"{path} reaches a service through Caddy ({status})")
            for path, target in [("/api/machines", b"api"), ("/auth/login", b"api"), ("/agent/ping", b"api"), ("/install.sh", b"api"), ("/install.ps1", b"api"), ("/status/external", b"api"),
                                 ("/", b"web"), ("/machines/x", b"web"), ("/login", b"web"), ("/status", b"web")]:
                status, body = get(path)
                check(status == 200 and b'"stand_in":"' + target + b'"' in body, f"{path} does not reach the {target.decode()} ({status} {body[:80]!r})")
        finally:
            process.terminate()
            try:
                output, _ = process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            if failures:
                print(output[-2000:], file=sys.stderr)
    upstream.shutdown()
    web_upstream.shutdown()

if failures:
    for failure in failures:
        print(f"check-deploy: FAIL {failure}", file=sys.stderr)
    sys.exit(1)
print("check-deploy: compose least privilege, Redis settings and Caddy routes OK")

#!/usr/bin/env python3
"""`make backup` / `make restore` round trip (issue 23, item 4), with the real ca and PostgreSQL.

1. A migrated database with a client and two machines; the real optralis-ca (its own CA_DIR)
   issues each machine's certificate through its internal route, as at enrolment.
2. scripts/backup.sh backup: a dump, ca.tar.gz and a manifest.
3. A copy of the backup with one byte of its dump changed is refused before anything is touched.
4. scripts/backup.sh restore into a fresh database and a fresh CA_DIR: the machines and their
   certificate rows are there, each certificate still verifies against the restored CA
   (openssl verify -CAfile), the key kept mode 0600; `optralis-api migrate` with an application
   role then passes on the restored schema, and the ca started on the restored database and
   directory issues a new certificate that verifies against the same CA.
5. A second restore into the now non-empty database is refused without --force, and replaces it
   with --force (the old CA directory moved aside, not deleted).

Environment: OPTRALIS_BIN_DIR, OPTRALIS_TEST_DATABASE_URL (required); OPTRALIS_DEPLOY_PORT_BASE;
OPTRALIS_BACKUP_OUT (default .local/backup-roundtrip). Exits 1 naming each failure.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deploylib  # noqa: E402
from deploylib import ROOT, http  # noqa: E402

BIN = Path(os.environ["OPTRALIS_BIN_DIR"])
OUT = Path(os.environ.get("OPTRALIS_BACKUP_OUT", ROOT / ".local" / "backup-roundtrip"))
PORTS = deploylib.Ports(int(os.environ["OPTRALIS_DEPLOY_PORT_BASE"]) + 50 if os.environ.get("OPTRALIS_DEPLOY_PORT_BASE") else None)
PG = deploylib.url_parts(os.environ["OPTRALIS_TEST_DATABASE_URL"])
TOKEN = secrets.token_hex(32)
REPORT = deploylib.Report()
check, phase, failures, started = REPORT.check, REPORT.phase, REPORT.failures, REPORT.started


def url(database: str) -> str:
    return f"postgres://{PG['user']}:{PG['password']}@127.0.0.1:{PG['port']}/{database}"


def psql(database: str, sql: str) -> str:
    result = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url(database), "-c", sql], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise SystemExit(f"backup round trip: psql failed: {result.stderr}")
    return result.stdout.strip()


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(command, env=dict(base, **env), capture_output=True, text=True, timeout=120)


class CA:
    """optralis-ca serving one database and CA_DIR on a test port."""

    def __init__(self, name: str, database: str, directory: Path):
        self.port = PORTS.take()
        self.log = OUT / f"{name}.log"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(OUT), "DATABASE_URL": url(database),
               "CA_DIR": str(directory), "CA_PORT": str(self.port), "BIND_ADDRESS": "127.0.0.1", "CA_SERVICE_TOKEN": TOKEN,
               "INTERNAL_SERVICE_TOKEN": TOKEN}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([str(BIN / "optralis-ca")], env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=OUT, start_new_session=True)
        status = deploylib.wait_http(f"http://127.0.0.1:{self.port}/health", 30, alive=lambda: self.process.poll() is None)
        if status != 200:
            self.stop()
            raise SystemExit(f"backup round trip: the ca ({name}) did not become healthy:\n{self.log.read_text()[-2000:]}")

    def issue(self, client: str, machine: str) -> dict:
        body = json.dumps({"client_id": client, "machine_id": machine}).encode()
        status, _, reply = http("POST", f"http://127.0.0.1:{self.port}/internal/certificates", body,
                                {"Content-Type": "application/json", "X-Internal-Token": TOKEN})
        if status != 201:
            raise SystemExit(f"backup round trip: the ca refused to issue: {status} {reply[:300]!r}")
        return json.loads(reply)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def verify(certificate: Path, ca_file: Path) -> bool:
    result = subprocess.run(["openssl", "verify", "-CAfile", str(ca_file), str(certificate)], capture_output=True, text=True)
    return result.returncode == 0


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    pid = os.getpid()
    source, target = f"t_backup_{pid}", f"t_restore_{pid}"
    role = f"t_backup_app_{pid}"
    admin = PG["path"].lstrip("/") or "postgres"
    for database in (source, target):
        psql(admin, f'CREATE DATABASE "{database}"')
    cas: list[CA] = []
    try:
        phase("a migrated database, two machines, their certificates from the real ca")
        migrated = run([str(BIN / "optralis-api"), "migrate"], {"DATABASE_URL": url(source), "LOG_LEVEL": "warning",
                                                              "OPTRALIS_MIGRATIONS_DIR": str(ROOT / "shared" / "Migrations")})
        if migrated.returncode != 0:
            raise SystemExit(f"backup round trip: migrate failed: {migrated.stdout}{migrated.stderr}")
        client = psql(source, "INSERT INTO clients (name) VALUES ('Backup round trip') RETURNING id").splitlines()[0]
        machines = {}
        for hostname in ("db-primary", "web-front"):
            machines[hostname] = psql(source, f"INSERT INTO machines (client_id, hostname, os, architecture) VALUES "
                                              f"('{client}', '{hostname}', 'Debian 12', 'amd64') RETURNING id").splitlines()[0]
        ca_dir = OUT / "ca"
        ca = CA("ca-source", source, ca_dir)
        cas.append(ca)
        issued = {}
        for hostname, machine in machines.items():
            bundle = ca.issue(client, machine)
            path = OUT / f"{hostname}.crt"
            path.write_text(bundle["certificate"])
            issued[hostname] = (bundle["serial"], path)
            check(verify(path, ca_dir / "ca.crt"), f"{hostname}'s certificate does not verify against the source CA")
        ca.stop()

        phase("scripts/backup.sh backup")
        backup = OUT / "backup"
        env = {"DATABASE_URL": url(source), "CA_DIR": str(ca_dir)}
        t0 = time.time()
        result = run([str(ROOT / "scripts" / "backup.sh"), "backup", str(backup)], env)
        if not check(result.returncode == 0, f"backup failed: {result.stdout}{result.stderr}"):
            return 1
        print(f"  backup took {time.time() - t0:.1f} s: {sorted(p.name for p in backup.iterdir())}")
        manifest = dict(line.split("=", 1) for line in (backup / "manifest.txt").read_text().splitlines())
        check(manifest["dump"].startswith("optralis-") and manifest["dump"].endswith(".dump"), f"unexpected dump name {manifest['dump']}")
        check(subprocess.run(["pg_restore", "--list", str(backup / manifest["dump"])], capture_output=True).returncode == 0,
              "the dump is not in pg_dump's custom format")
        result = run([str(ROOT / "scripts" / "backup.sh"), "backup", str(backup)], env)
        check(result.returncode != 0 and "not empty" in result.stderr, "a second backup into the same directory was not refused")

        phase("a corrupted backup is refused before anything is restored")
        corrupt = OUT / "corrupt"
        shutil.copytree(backup, corrupt)
        dump = corrupt / manifest["dump"]
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))
        restored_ca = OUT / "restored-ca"
        restore_env = {"DATABASE_URL": url(target), "CA_DIR": str(restored_ca)}
        result = run([str(ROOT / "scripts" / "backup.sh"), "restore", str(corrupt)], restore_env)
        check(result.returncode != 0 and "checksum" in result.stderr, f"a corrupted dump was not refused: {result.stdout}{result.stderr}")
        check(psql(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0" and not restored_ca.exists(),
              "the refused restore touched the target")

        phase("scripts/backup.sh restore into a fresh database and CA_DIR")
        t0 = time.time()
        result = run([str(ROOT / "scripts" / "backup.sh"), "restore", str(backup)], restore_env)
        if not check(result.returncode == 0, f"restore failed: {result.stdout}{result.stderr}"):
            return 1
        print(f"  restore took {time.time() - t0:.1f} s")
        rows = psql(target, f"SELECT hostname || '=' || id FROM machines WHERE client_id = '{client}' ORDER BY hostname").splitlines()
        check(rows == [f"{h}={m}" for h, m in sorted(machines.items())], f"machines after restore: {rows}")
        for hostname, (serial, path) in issued.items():
            found = psql(target, f"SELECT machine_id FROM client_certificates WHERE serial = '{serial}' AND revoked_at IS NULL")
            check(found == machines[hostname], f"{hostname}'s certificate row {serial} after restore: {found!r}")
            check(verify(path, restored_ca / "ca.crt"), f"{hostname}'s certificate does not verify against the restored CA")
        mode = (restored_ca / "ca.key").stat().st_mode & 0o777
        check(mode == 0o600, f"the restored CA key has mode {oct(mode)}")
        app_password = secrets.token_hex(16)
        # The services' role gets its grants back from migrate, as compose's migrate service does on `up`.
        migrated = run([str(BIN / "optralis-api"), "migrate"], {
            "DATABASE_URL": url(target), "LOG_LEVEL": "warning", "OPTRALIS_MIGRATIONS_DIR": str(ROOT / "shared" / "Migrations"),
            "DATABASE_APP_USER": role, "DATABASE_APP_PASSWORD": app_password})
        check(migrated.returncode == 0, f"migrate on the restored database failed: {migrated.stdout}{migrated.stderr}")
        app_url = f"postgres://{role}:{app_password}@127.0.0.1:{PG['port']}/{target}"
        seen = subprocess.run(["psql", "-X", "-q", "-At", app_url, "-c", "SELECT count(*) FROM machines"], capture_output=True, text=True)
        check(seen.stdout.strip() == str(len(machines)), f"the services' role cannot read the restored machines: {seen.stdout}{seen.stderr}")
        ca = CA("ca-restored", target, restored_ca)
        cas.append(ca)
        bundle = ca.issue(client, machines["db-primary"])
        renewed = OUT / "db-primary-after-restore.crt"
        renewed.write_text(bundle["certificate"])
        check(verify(renewed, restored_ca / "ca.crt") and verify(renewed, ca_dir / "ca.crt"),
              "the restored ca issues certificates from another CA")
        ca.stop()

        phase("restoring over a non-empty database needs --force")
        result = run([str(ROOT / "scripts" / "backup.sh"), "restore", str(backup)], restore_env)
        check(result.returncode != 0 and "--force" in result.stderr, f"a restore over a non-empty database was not refused: {result.stdout}{result.stderr}")
        result = run([str(ROOT / "scripts" / "backup.sh"), "restore", str(backup), "--force"], restore_env)
        check(result.returncode == 0, f"restore --force failed: {result.stdout}{result.stderr}")
        certificates = psql(target, "SELECT count(*) FROM client_certificates")
        check(certificates == str(len(issued)), f"after restore --force the database has {certificates} certificates, not the backup's {len(issued)}")
        aside = [p for p in OUT.iterdir() if p.name.startswith("restored-ca.before-restore-")]
        check(len(aside) == 1 and (aside[0] / "ca.key").exists(), "restore --force did not keep the replaced CA directory aside")
    finally:
        for ca in cas:
            ca.stop()
        for database in (source, target):
            subprocess.run(["psql", "-X", "-q", url(admin), "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], capture_output=True)
        subprocess.run(["psql", "-X", "-q", url(admin), "-c", f'DROP ROLE IF EXISTS "{role}"'], capture_output=True)
    took = time.time() - started
    if failures:
        print(f"backup round trip: {len(failures)} failures, took {took:.1f} s (files: {OUT})")
        return 1
    print(f"backup round trip: machines, certificates and the CA restored, certificates verify; took {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The local mailbox of `make run` (scripts/mailcatcher.py): what a notifier sends over plain SMTP
is kept as one .eml file per message, listed and read back by `make mail`."""
import email
import email.policy
import pathlib
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage

root = pathlib.Path(__file__).resolve().parents[2]
script = root / "scripts/mailcatcher.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*arguments, check=True):
    return subprocess.run([sys.executable, str(script), *arguments], capture_output=True, text=True, check=check)


def main():
    with tempfile.TemporaryDirectory() as temporary:
        box = pathlib.Path(temporary) / "mail"
        port = free_port()
        server = subprocess.Popen([sys.executable, str(script), "serve", str(port), str(box)], stdout=subprocess.PIPE, text=True)
        try:
            assert "listening" in server.stdout.readline()
            assert "no message" in run("list", str(box)).stdout

            welcome = EmailMessage()
            welcome["From"], welcome["To"], welcome["Subject"] = "Optralis <noreply@optralis.local>", "ana@example.com", "Bienvenue sur Optralis"
            welcome.set_content("Votre compte est prêt.")
            report = EmailMessage()
            report["From"], report["To"], report["Subject"] = "Optralis <noreply@optralis.local>", "ops@example.com", "Weekly report"
            report.set_content("Attached.")
            report.add_attachment(b"%PDF-1.4\n", maintype="application", subtype="pdf", filename="weekly.pdf")
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                smtp.send_message(welcome)
                time.sleep(1.1)  # distinct receive times: the list is in arrival order
                smtp.send_message(report, to_addrs=["ops@example.com", "cto@example.com"])

            files = sorted(box.glob("*.eml"))
            assert len(files) == 2, files
            assert not list(box.glob("*.tmp")), "a half-written message was left"
            kept = email.message_from_bytes(files[1].read_bytes(), policy=email.policy.default)
            assert kept["X-Optralis-Envelope-To"] == "ops@example.com, cto@example.com", kept["X-Optralis-Envelope-To"]
            assert kept["Subject"] == "Weekly report"

            listing = run("list", str(box)).stdout.splitlines()
            assert "Bienvenue sur Optralis" in listing[0] and "ana@example.com" in listing[0], listing
            assert "Weekly report" in listing[1], listing
            assert "2 message(s)" in listing[-1], listing

            newest = run("show", str(box)).stdout
            assert "Subject: Weekly report" in newest and "[attachment: weekly.pdf (application/pdf)]" in newest, newest
            first = run("show", str(box), "1").stdout
            assert "Votre compte est prêt." in first, first
            missing = run("show", str(box), "3", check=False)
            assert missing.returncode != 0 and "there are 2" in missing.stderr, missing
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("mailcatcher: 2 messages kept, listed and read back")


if __name__ == "__main__":
    main()

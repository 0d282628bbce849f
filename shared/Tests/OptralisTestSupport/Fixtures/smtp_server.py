"""A real SMTP server for the tests (aiosmtpd), recording each message it accepts.

Usage: smtp_server.py PORT OUTDIR [--tls-cert C --tls-key K] [--user U --password P]
With a certificate it offers STARTTLS and requires it; with a user it requires AUTH
(PLAIN or LOGIN, only after STARTTLS). Each accepted message becomes OUTDIR/<n>.json with
the envelope, the raw DATA bytes (base64), whether TLS was on and who authenticated.
Prints READY once listening; runs until killed.
"""
import argparse
import base64
import json
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Recorder:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data_base64": base64.b64encode(envelope.original_content).decode(),
            "tls": session.ssl is not None,
            "authenticated_as": session.auth_data.decode() if isinstance(session.auth_data, bytes) else session.auth_data,
        }
        path = os.path.join(self.outdir, f"{number}.json")
        with open(path + ".tmp", "w") as handle:
            json.dump(record, handle)
        os.rename(path + ".tmp", path)
        return "250 OK message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    controller = Controller(
        Recorder(args.outdir),
        hostname="127.0.0.1",
        port=args.port,
        tls_context=tls_context,
        require_starttls=tls_context is not None,
        authenticator=authenticator if args.user else None,
        auth_required=args.user is not None,
        auth_require_tls=True,
    )
    controller.start()
    print("READY", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())

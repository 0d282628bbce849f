#!/usr/bin/env python3
"""The local stack's mailbox: an SMTP server on loopback that keeps every message as a file.

`make run` starts it when SMTP_HOST is not set, and points the notifier at it, so the emails the
local stack sends (welcome emails, password resets, reminders, alerts, reports) can be read instead
of ending in the dead-letter list.

    mailcatcher.py serve PORT DIR    listen on 127.0.0.1:PORT; each message becomes DIR/<time>-<n>.eml
    mailcatcher.py list DIR          one line per message, newest last: file, date, to, subject
    mailcatcher.py show DIR [N]      print message N of the list (default: the newest), decoded

An .eml file opens in any mail client (Thunderbird, Evolution, `mutt -f`).
"""
import datetime
import email
import email.policy
import os
import pathlib
import sys
import threading


def serve(port, directory):
    from aiosmtpd.controller import Controller

    directory.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}
    lock = threading.Lock()

    class Keeper:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                counter["n"] += 1
                number = counter["n"]
            stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            path = directory / f"{stamp}-{os.getpid()}-{number:04d}.eml"
            header = f"X-Optralis-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(header + envelope.original_content)
            temporary.rename(path)
            return "250 OK kept in " + path.name

    controller = Controller(Keeper(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mailcatcher: listening on 127.0.0.1:{port}, writing to {directory}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def messages(directory):
    return sorted(directory.glob("*.eml")) if directory.is_dir() else []


def parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def list_messages(directory):
    files = messages(directory)
    if not files:
        print(f"no message in {directory}")
        return
    for number, path in enumerate(files, 1):
        message = parse(path)
        to = message.get("X-Optralis-Envelope-To") or message.get("To", "")
        received = datetime.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{number:4d}  {received}  {to[:40]:40}  {message.get('Subject', '')}")
    print(f"\n{len(files)} message(s) in {directory}; read one with: make mail N=<number>")


def show(directory, number):
    files = messages(directory)
    if not files:
        sys.exit(f"no message in {directory}")
    if not 1 <= number <= len(files):
        sys.exit(f"no message {number}: there are {len(files)}")
    message = parse(files[number - 1])
    for name in ("Date", "From", "To", "X-Optralis-Envelope-To", "Subject"):
        print(f"{name}: {message.get(name, '')}")
    print(f"File: {files[number - 1]}\n")
    body = message.get_body(preferencelist=("plain", "html"))
    print(body.get_content() if body else "(no text part)")
    for part in message.iter_attachments():
        print(f"[attachment: {part.get_filename()} ({part.get_content_type()})]")


def main(arguments):
    if len(arguments) >= 3 and arguments[0] == "serve":
        serve(int(arguments[1]), pathlib.Path(arguments[2]))
    elif len(arguments) == 2 and arguments[0] == "list":
        list_messages(pathlib.Path(arguments[1]))
    elif len(arguments) in (2, 3) and arguments[0] == "show":
        files = messages(pathlib.Path(arguments[1]))
        show(pathlib.Path(arguments[1]), int(arguments[2]) if len(arguments) == 3 else len(files))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Local mail: mail "sent" through moto's SES, kept and readable back (`contacthub outbox`).

`serve` calls ``start_local_outbox`` once moto is up (via ``cli.SERVE_HOOKS``): it verifies the sender
identity in moto, so sends succeed as they would from a verified SES identity, and mirrors every message
moto's SES backend records into a JSON-lines file of that server's own (one per port: a second server, or the
test suite's servers on random ports, never touch it). `contacthub outbox [--port N]` reads that file, so it
works from another terminal while the server runs; within one process, ``sent_messages()`` reads moto directly.
Local only: nothing here is imported by the Lambda code.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cli import SERVE_HOOKS, subcommand

ACCOUNT_ID = "123456789012"  # moto's default account, the one `serve` uses


DEFAULT_PORT = 3000  # serve's


def outbox_path(port: int | None = DEFAULT_PORT) -> Path:
    """Where the server on ``port`` mirrors sent mail: $CONTACTHUB_OUTBOX, else a file of that user and port in
    the temp directory (a server on port 0, which picks a free one, gets a file of its process)."""
    configured = os.environ.get("CONTACTHUB_OUTBOX")
    if configured:
        return Path(configured)
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    instance = f"port{port}" if port else f"pid{os.getpid()}"
    return Path(tempfile.gettempdir()) / f"contacthub-outbox-{user}-{instance}.jsonl"


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _backend():
    from moto.ses.models import ses_backends  # sesv2 sends land in the v1 backend too

    return ses_backends[ACCOUNT_ID][_region()]


def describe(message: Any) -> dict:
    """A moto SES message as plain data (simple messages; raw ones keep their MIME text)."""
    data = {"messageId": message.id, "from": message.source}
    if hasattr(message, "subject"):
        data.update(to=[a for addresses in (message.destinations or {}).values() for a in addresses],
                    subject=message.subject, body=message.body)
    else:
        data.update(to=list(getattr(message, "destinations", []) or []), raw=getattr(message, "raw_data", None))
    return data


def sent_messages() -> list[dict]:
    """Mail sent so far in this process's moto (oldest first)."""
    return [describe(m) for m in _backend().sent_messages]


class _Mirror(list):
    """moto's list of sent messages, also appending each new one to the outbox file as it is sent."""

    def __init__(self, existing: list, path: Path):
        super().__init__(existing)
        self.path = path
        self.lock = threading.Lock()

    def append(self, message: Any) -> None:
        super().append(message)
        record = {"sentAt": datetime.now(UTC).isoformat(timespec="seconds"), **describe(message)}
        with self.lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def verify_sender() -> str | None:
    """Verify SENDER_ADDRESS in moto's SES, as an operator verifies the identity in a real account."""
    import boto3

    sender = os.environ.get("SENDER_ADDRESS", "").strip()
    if sender:
        boto3.client("sesv2", region_name=_region()).create_email_identity(EmailIdentity=sender)
    return sender or None


def start_local_outbox(path: Path | None = None, port: int | None = DEFAULT_PORT) -> Path:
    """For `serve`: a verified sender and a fresh outbox file (this server's) mirroring what moto's SES sends."""
    path = path or outbox_path(port)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")  # moto starts empty; so does the outbox
    verify_sender()
    backend = _backend()
    backend.sent_messages = _Mirror(backend.sent_messages, path)
    return path


def read_outbox(path: Path | None = None) -> list[dict]:
    path = path or outbox_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def format_message(message: dict) -> str:
    to = ", ".join(message.get("to") or [])
    lines = [f"{message.get('sentAt', '')}  {message['from']} -> {to}".strip(),
             f"  Message-Id: {message['messageId']}"]
    if "subject" in message:
        lines.append(f"  Subject: {message['subject']}")
        text = message.get("body") or ""
    else:
        text = message.get("raw") or ""
    lines += ["", *(f"  {line}" if line else "" for line in text.splitlines())]
    return "\n".join(lines)


# -------------------------------------------------------------------- CLI
def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per message")
    parser.add_argument("--last", type=int, metavar="N", help="only the N most recent messages")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"the server's port (default {DEFAULT_PORT}): each server keeps its own outbox")
    parser.add_argument("--file", type=Path, help=f"outbox file (default: $CONTACTHUB_OUTBOX or {outbox_path()})")


@subcommand("outbox", "Show the mail `contacthub serve` has sent (moto SES; nothing leaves the machine).", _configure)
def outbox(args: argparse.Namespace) -> int:
    path = args.file or outbox_path(args.port)
    messages = read_outbox(path)
    if args.last:
        messages = messages[-args.last:]
    if args.json:
        for message in messages:
            print(json.dumps(message, ensure_ascii=False))
        return 0
    if not messages:
        print(f"no mail sent yet ({path})", file=sys.stderr)
        return 0
    print("\n\n".join(format_message(m) for m in messages))
    print(f"\n{len(messages)} message(s) in {path}", file=sys.stderr)
    return 0


def serve_hook(args: argparse.Namespace) -> Path:
    return start_local_outbox(port=args.port)


SERVE_HOOKS.append(serve_hook)

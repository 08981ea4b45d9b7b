"""POSTs a Standard Webhooks message (webhook-id, webhook-timestamp, webhook-signature) to a checked address.

The connection goes to the address the guard checked, with the URL's host in Host and in TLS SNI (the
certificate is verified against the name), so a second DNS answer can never redirect it.
"""
from __future__ import annotations

import http.client
import socket
import ssl
from datetime import datetime, timezone
from urllib.parse import urlsplit

USER_AGENT = "contacthub-webhooks/1"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def signature(secrets: list[str], message_id: str, moment: datetime, body: str) -> str:
    """``v1,<sig>`` per secret, space-separated: receivers accept any one (rotation overlap)."""
    from standardwebhooks.webhooks import Webhook

    return " ".join(Webhook(secret).sign(message_id, moment, body) for secret in secrets)


class HttpWebhookSender:
    def send(self, url: str, address: str, message_id: str, body: str, secrets: list[str],
             timeout: float) -> tuple[int | None, str | None]:
        parts = urlsplit(url)
        moment = datetime.now(timezone.utc).replace(microsecond=0)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "webhook-id": message_id,
                   "webhook-timestamp": str(int(moment.timestamp())),
                   "webhook-signature": signature(secrets, message_id, moment, body)}
        kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = kind(parts.hostname or "", parts.port, address, timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", target, body=body.encode("utf-8"), headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)  # the answer's body is not kept; read a little so the server is not cut off
            return response.status, None
        except (OSError, http.client.HTTPException) as error:
            return None, f"{type(error).__name__}: {error}"[:300]
        finally:
            connection.close()

"""Where webhooks may go: no SSRF. Checked when a subscription is saved and again before each delivery (the
name may resolve elsewhere by then), and the delivery connects to the very address that was checked."""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from ..domain.errors import ValidationFailed

# Cloud metadata endpoints that are not link-local (AWS's IPv6 one, Alibaba's).
METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
METADATA_NAMES = {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed.one("url", message, "forbidden_target")


class TargetGuard:
    """``allow_loopback`` is for the local server: loopback targets, over plain http too. Link-local and
    metadata addresses are refused everywhere; elsewhere only https to public addresses is allowed."""

    def __init__(self, allow_loopback: bool = False, resolver: Resolver = resolve):
        self.allow_loopback = allow_loopback
        self._resolve = resolver

    def check(self, url: str) -> str:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if host in METADATA_NAMES:
            raise _refuse("This host is a cloud metadata endpoint.")
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self._resolve(host, port)]
            except (OSError, UnicodeError, ValueError):
                raise _refuse(f"The host {host!r} cannot be resolved.") from None
        if not addresses:
            raise _refuse(f"The host {host!r} cannot be resolved.")
        loopback = all(self._plain(a).is_loopback for a in addresses)
        for address in map(self._plain, addresses):
            if address.is_link_local or address in METADATA:
                raise _refuse("Link-local and cloud metadata addresses are never webhook targets.")
            if address.is_loopback and self.allow_loopback:
                continue
            if not address.is_global or address.is_multicast:
                raise _refuse("The URL resolves to a loopback, private or reserved address.")
        if parts.scheme != "https" and not (loopback and self.allow_loopback):
            raise _refuse("Webhook URLs must use https.")
        return str(addresses[0])

    @staticmethod
    def _plain(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it is."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return address.ipv4_mapped
        return address

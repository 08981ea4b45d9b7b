"""No SSRF: which webhook targets are refused, in production and on the local server."""
from __future__ import annotations

import pytest

from contacthub.domain.errors import ValidationFailed
from contacthub.webhooks.targets import TargetGuard


def _resolving(*addresses):
    return lambda host, port: list(addresses)


def _refused(guard: TargetGuard, url: str) -> bool:
    try:
        guard.check(url)
    except ValidationFailed as error:
        assert error.violations[0].path == "url"
        return True
    return False


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                     "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "0.0.0.0",
                                     "100.64.0.1"])
def test_production_refuses_names_resolving_to_internal_addresses(address):
    assert _refused(TargetGuard(resolver=_resolving(address)), "https://hooks.example.com/in")


def test_production_refuses_when_any_resolved_address_is_internal():
    assert _refused(TargetGuard(resolver=_resolving("93.184.216.34", "10.0.0.1")), "https://hooks.example.com/in")


def test_production_accepts_https_to_a_public_address_and_answers_the_address_to_connect_to():
    guard = TargetGuard(resolver=_resolving("93.184.216.34"))
    assert guard.check("https://hooks.example.com/in") == "93.184.216.34"


def test_production_requires_https():
    assert _refused(TargetGuard(resolver=_resolving("93.184.216.34")), "http://hooks.example.com/in")


def test_literal_addresses_and_metadata_names_are_checked_without_dns():
    def no_dns(host, port):
        raise AssertionError("no lookup expected")

    guard = TargetGuard(resolver=no_dns)
    assert _refused(guard, "https://169.254.169.254/latest/meta-data")
    assert _refused(guard, "https://[::1]:8443/")
    assert _refused(guard, "https://metadata.google.internal/computeMetadata/v1/")


def test_unresolvable_hosts_are_refused():
    def fails(host, port):
        raise OSError("Name or service not known")

    assert _refused(TargetGuard(resolver=fails), "https://nowhere.invalid/")


def test_local_server_allows_loopback_over_http_but_never_link_local_or_private():
    local = TargetGuard(allow_loopback=True, resolver=_resolving("127.0.0.1"))
    assert local.check("http://127.0.0.1:8099/hook") == "127.0.0.1"
    assert local.check("http://localhost:8099/hook") == "127.0.0.1"
    assert _refused(local, "http://169.254.169.254/latest/meta-data")
    assert _refused(TargetGuard(allow_loopback=True, resolver=_resolving("10.0.0.5")), "https://intranet.example/")
    # plain http stays refused for anything but loopback
    assert _refused(TargetGuard(allow_loopback=True, resolver=_resolving("93.184.216.34")), "http://hooks.example.com/")

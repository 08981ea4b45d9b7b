"""ETags and conditional requests (RFC 9110 section 13) for versioned resources (contacts, tasks), every dialect.

The entity tag is the stored version, so a client's If-Match becomes the expected version the service writes
with: the check is the conditional write itself, never a read-then-compare in the route.
"""
from __future__ import annotations

import re

from aws_lambda_powertools.event_handler import Response

# Where ETags are served, for the API reference: versioned resources (GET, and PATCH/PUT/DELETE with If-Match)
# and the creates that answer one.
VERSIONED_PATHS = frozenset({"/api/contacts/{id}", "/api/contacts/{id}/pipeline-state", "/api/contact_tasks/{id}",
                             "/api/connect/contacts/{id}", "/v1/contacts/{contactId}", "/hub/v1/contacts/{id}"})
TAGGED_CREATES = frozenset({"/api/contacts", "/api/contacts/confirm", "/api/contact_tasks",
                            "/api/connect/contacts", "/v1/contacts", "/hub/v1/contacts"})

_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
_VERSION = re.compile(r"v(\d{1,18})")


def etag(version: int | None) -> str:
    """A strong entity tag for a stored version (a resource not yet versioned reads as version 0)."""
    return f'"v{version or 0}"'


def _parse(value: str) -> list[tuple[bool, int | None]] | None:
    """(weak, version) per listed tag, version None for a tag that is not one of ours; None for `*`."""
    if value.strip() == "*":
        return None
    tags = []
    for weak, opaque in _TAG.findall(value):
        match = _VERSION.fullmatch(opaque)
        tags.append((bool(weak), int(match.group(1)) if match else None))
    return tags


def _header(router, name: str) -> str | None:
    value = router.current_event.headers.get(name)  # case-insensitive
    return value if value and value.strip() else None


def if_match(router) -> frozenset[int] | None:
    """The versions an If-Match accepts (strong comparison: weak tags never match); None when the request has
    no precondition (no header, or `*`, which any existing resource meets). An empty set can never match."""
    value = _header(router, "If-Match")
    if value is None:
        return None
    tags = _parse(value)
    if tags is None:
        return None
    return frozenset(version for weak, version in tags if not weak and version is not None)


def not_modified(router, version: int | None) -> bool:
    """If-None-Match names the current version (weak comparison) or is `*`."""
    value = _header(router, "If-None-Match")
    if value is None:
        return False
    tags = _parse(value)
    return tags is None or any(tag == (version or 0) for _weak, tag in tags)


def tagged(response: Response, version: int | None) -> Response:
    """The response carrying the resource's ETag."""
    response.headers["ETag"] = etag(version)
    return response


def read(router, version: int | None, respond) -> Response:
    """A GET of a versioned resource: 304 with no body when the client's copy is current, else respond()."""
    if not_modified(router, version):
        return Response(304, None, "", headers={"ETag": etag(version)})
    return tagged(respond(), version)

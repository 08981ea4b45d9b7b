"""What every letsligo resource answers with: JSON-LD responses, Hydra collections, dates, IRIs (request models:
.models)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response

from .errors import LETSLIGO


def json_response(body: dict, status: int = 200) -> Response:
    return Response(status, LETSLIGO.content_type, json.dumps(body, ensure_ascii=False))


def iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def collection(resource: str, context: str, members: list[dict], total: int, page: int, page_size: int,
               query: dict[str, str], next_cursor: str | None = None, keyset: bool = False) -> dict[str, Any]:
    """A Hydra collection with a PartialCollectionView (first/previous/next/last) keeping the filters.

    ``keyset``: the listing answers keyset cursors, and ``next_cursor`` (None at the end) rides on the next link:
    a client following it gets the next page even when contacts were added or removed meanwhile. Whether a next
    page exists is then the listing's answer, not page arithmetic on a total that may have moved."""
    last = max(1, -(-total // page_size))

    def page_url(n: int) -> str:
        return f"{resource}?{urlencode({**query, 'page': n})}"

    body: dict[str, Any] = {
        "@context": f"/api/contexts/{context}",
        "@id": resource,
        "@type": "hydra:Collection",
        "hydra:member": members,
        "hydra:totalItems": total,
    }
    if total > page_size or page > 1 or next_cursor:
        view = {"@id": page_url(page), "@type": "hydra:PartialCollectionView",
                "hydra:first": page_url(1), "hydra:last": page_url(last)}
        if page > 1:
            view["hydra:previous"] = page_url(min(page - 1, last))
        if keyset and next_cursor:
            view["hydra:next"] = f"{page_url(page + 1)}&{urlencode({'cursor': next_cursor})}"
        elif not keyset and page < last:
            view["hydra:next"] = page_url(page + 1)
        body["hydra:view"] = view
    return body


def id_from_iri(value: str, resource: str) -> str:
    """Accept either a bare id or an IRI such as /api/pipeline_states/<uuid>."""
    prefix = resource.rstrip("/") + "/"
    return value[len(prefix):] if value.startswith(prefix) else value

"""Reading the API key from request headers: shared by the REST dialects and GraphQL (no powertools import)."""
from __future__ import annotations

from collections.abc import Mapping

from ..domain.errors import Unauthorized


def api_key(headers: Mapping[str, str], key_headers: tuple[str, ...] = ("x-api-key",)) -> str:
    """The key from `Authorization: Bearer KEY`, else from the first key header present.

    ``headers`` must be looked up case-insensitively (lower-cased names or a case-insensitive mapping).
    """
    authorization = (headers.get("authorization") or "").strip()
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Malformed Authorization header; expected 'Bearer <API key>'")
        return token.strip()
    # Surrounding whitespace is tolerated as it is after "Bearer": keys never contain any.
    key = next((value.strip() for h in key_headers if (value := headers.get(h) or "").strip()), None)
    if not key:
        raise Unauthorized("Missing API key")
    return key

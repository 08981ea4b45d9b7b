"""Reading the API key from request headers: shared by the REST dialects and GraphQL (no powertools import)."""
from __future__ import annotations

from collections.abc import Mapping

from ..domain.errors import Unauthorized


def api_key(headers: Mapping[str, str], key_headers: tuple[str, ...] = ("x-api-key",)) -> str:
    """The key from `Authorization: Bearer KEY`, else from the first key header present.

    ``headers`` must be looked up case-insensitively (lower-cased names or a case-insensitive mapping).
    """
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Malformed Authorization header; expected 'Bearer <API key>'")
        return token.strip()
    key = next((headers.get(h) for h in key_headers if headers.get(h)), None)
    if not key:
        raise Unauthorized("Missing API key")
    return key

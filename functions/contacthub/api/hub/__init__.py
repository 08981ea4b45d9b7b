"""contacthub's own REST API, ``/hub/v1``: what goes beyond the three vendor APIs (change feed, webhooks,
contacts with their canonical field names, batch writes).

- JSON; auth by ``Authorization: Bearer <key>`` or ``X-Api-Key``.
- Errors are RFC 9457 ``application/problem+json``: ``{"type", "title", "status", "detail"}``, plus
  ``errors: [{"field", "message", "code"}]`` when the input is invalid (400, nothing is written).
- Lists are cursor pages: ``?limit=`` (1..100) and ``?after=<cursor>``, answered as
  ``{"data": [...], "next": "<cursor>" | null}``. Cursors are opaque and belong to the workspace and the listing
  that gave them; any other is a 400.
- Versioned resources (contacts) answer an ``ETag``; ``If-None-Match`` on GET, ``If-Match`` on PATCH and DELETE.
  Every POST and PATCH honours ``Idempotency-Key`` (see contacthub.api.idempotency).
"""

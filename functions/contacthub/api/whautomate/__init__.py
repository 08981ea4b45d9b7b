"""whautomate "v1" dialect: plain JSON, UUID string ids, `page` + `limit` lists, `x-api-key` auth.

Conventions (the vendor doc shows no error shape and leaves a few choices open; these are ours):

Errors are JSON, ``Content-Type: application/json``::

    {"error": "ValidationError", "message": "phoneNumber: This value should not be blank.",
     "field": "phoneNumber", "details": [{"field": "phoneNumber", "message": "This value should not be blank."}]}

``error`` is a stable code (ValidationError, BadRequest, Unauthorized, NotFound, Conflict, PayloadTooLarge,
UnsupportedMediaType, InternalServerError, ServiceUnavailable); ``message`` is for humans; ``field`` (the
first invalid field, in wire names) and ``details`` (every invalid field) appear on validation errors only.
Every invalid input, in the body, the query string or the JSON syntax itself, is a 400.

Contacts::

    {"id": "<uuid>", "name": "...", "phoneNumber": "<primary phone as typed>" | null,
     "location": {"id": "...", "title": "..."} | null, "stage": "Lead" | null, "notes": "..." | null,
     "customFields": {...}, "tags": [...], "channel": "whatsapp" | null}

- No ``email``: the vendor contact has none. Emails set through the other dialects are kept untouched, and
  ``searchText`` still finds a contact by email prefix (free-text search covers name, phone and email).
- ``POST /v1/contacts`` ignores a client-sent ``id`` (the vendor example echoes one): the server always
  assigns a new UUID, returned in the answer, so a client id can never select or overwrite a contact.
- ``PUT /v1/contacts/{contactId}`` replaces what the vendor documents for that body: ``name`` and
  ``phoneNumber`` (required), ``stage``, ``notes``, ``customFields``, ``tags``, ``location`` are cleared when
  omitted. Fields whautomate does not show (emails, company, further phones, pipeline state...) are kept;
  ``phoneNumber`` replaces the primary phone only. ``channel`` is not in the vendor's write body (it is
  the messaging channel the contact came from), so it is kept when omitted and changed when sent. An ``id``
  in the body must equal ``contactId`` (clients echo the contact they read); a different one is a 400.
- ``GET /v1/contacts`` answers a plain array, newest first, with the total in ``X-Total-Count``. ``tags`` is
  comma-separated and a contact must carry every listed tag (AND, case-insensitive); all filters combine
  with AND. ``page`` is 1-based, ``limit`` 1..100 (default 20), and any page is reachable; the ``Link``
  header's ``rel="next"`` URL carries a keyset ``cursor``, the cheap way to go deep.
"""

"""skarbe "connect" dialect: integer ids, plain JSON arrays, `{"error": "…"}` errors, X-Api-Key auth.

Wire decisions (the vendor doc is silent or loose on these):
- `id` is the contact's per-workspace integer `number`; lead status ids are the states' integer numbers.
- Responses always carry every documented attribute: absent values are null, `phoneNumbers` is always an
  array of strings as the user typed them (a lone string is accepted on create as one number).
- POST /api/connect/contacts answers 200 (the doc lists 200 as the only success status) with the same
  contact shape GET answers, `leadStatus` included; `twitterUrl` is accepted and stored but, not being a
  documented attribute, never answered.
- GET /api/connect/contacts returns at most `limit` (default and maximum 100) contacts: with `query`, those
  whose first name, last name or email starts with it (case and accents ignored, every word must match),
  newest first; without it, the most recently active.
- GET /api/connect/contacts/{id} (not in the vendor doc) reads one contact back; 404 `Contact not found`.
- Errors: the doc's three messages verbatim; other invalid fields `<wire field>: <message>`; unknown
  properties are refused (400), never silently dropped; timestamps are UTC `YYYY-MM-DDTHH:MM:SSZ`.
"""

"""Sample API Gateway events for every template route, for `sam local invoke -e` and the event tests.

One file per route event: ``infra/events/<dialect>/<EventName>.json``, the dialect being the function's
logical id without ``Function`` (LetsligoFunction -> letsligo). Files are written once and may be edited by
hand; ``contacthub events --write`` only adds the missing ones (``--force`` rewrites all), and with ``--key KEY``
puts that key in every event (edits kept), so they pass authentication where that key exists (DynamoDB Local).
"""
from __future__ import annotations

import json
from pathlib import Path

from .events import api_gateway_event
from .template import PROJECT_ROOT, Route, routes, stage_name

EVENTS_DIR = PROJECT_ROOT / "infra" / "events"
SAMPLE_API_KEY = "chk_sample_key_for_local_invoke_0000000000"
# Fixed like sam's own samples, so regenerating an event changes nothing.
SAMPLE_REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
SAMPLE_TIME_EPOCH_MS = 1428582896000
SAMPLE_HOST = "1234567890.execute-api.us-east-1.amazonaws.com"
SAMPLE_UUID = "123e4567-e89b-12d3-a456-426614174000"
SAMPLE_SESSION_ID = "223e4567-e89b-12d3-a456-426614174000"  # an email session from .../emails/prepare

# Path parameter values per dialect (letsligo ids are UUIDs, skarbe's integers).
PATH_PARAMETERS: dict[str, dict[str, str]] = {"skarbe": {"id": "1"}}
# Request bodies, from the vendors' own examples where they give one; other writes send {}.
BODIES: dict[tuple[str, str], object] = {
    ("letsligo", "CreateContact"): {"name": "Marie Dubois", "emails": ["marie.dubois@example.com"],
                                    "company": "Acme Corp"},
    ("letsligo", "UpdateContact"): {"company": "Acme Corp", "position": "Directrice",
                                    "phones": ["+33 6 00 00 00 00", "+33 1 00 00 00 00"]},
    ("letsligo", "ExtendContact"): {"text": "Met at the Paris trade show; wants a demo.", "field": "meetingContext"},
    ("letsligo", "UpdateContactPipelineState"): {"stateId": None},
    ("letsligo", "CreateContactTask"): {"contact": f"/api/contacts/{SAMPLE_UUID}", "title": "Appeler pour suivi",
                                        "type": "call", "description": "Relance après meeting salon",
                                        "dueDate": "2025-03-20T10:00:00+00:00"},
    ("letsligo", "UpdateContactTask"): {"completed": True},
    ("skarbe", "CreateContact"): {"email": "jane@example.com", "firstName": "Jane", "lastName": "Smith",
                                  "jobTitle": "Marketing Manager", "companyName": "Tech Solutions Inc",
                                  "leadStatus": 1},
    ("whautomate", "AddContact"): {"name": "Marie Dubois", "phoneNumber": "+33 6 12 34 56 78", "stage": "Lead",
                                   "notes": "Met at the Paris trade show", "customFields": {"source": "fair"},
                                   "tags": ["VIP"]},
    ("whautomate", "UpdateContact"): {"name": "Marie Dubois", "phoneNumber": "+33 6 12 34 56 78",
                                      "stage": "Customer", "tags": ["VIP", "Paris"]},
    ("whautomate", "AddContactTags"): {"tags": ["VIP"]},
    ("whautomate", "RemoveContactTags"): {"tags": ["VIP"]},
    ("hub", "CreateWebhook"): {"url": "https://hooks.example.com/contacthub",
                               "events": ["contact.created", "contact.updated"], "description": "CRM sync"},
    ("hub", "UpdateWebhook"): {"enabled": False},
    ("hub", "CreateContact"): {"name": "Marie Dubois", "emails": ["marie.dubois@example.com"],
                               "phones": ["+33 6 12 34 56 78"], "company": "Acme Corp"},
    ("hub", "UpdateContact"): {"position": "Directrice", "tags": ["VIP"]},
    ("hub", "WriteContacts"): {"mode": "upsert", "matchBy": ["email", "phone"], "contacts": [
        {"name": "Marie Dubois", "emails": ["marie.dubois@example.com"], "position": "Directrice"},
        {"name": "Jean Martin", "phones": ["+33 6 98 76 54 32"]}]},
    ("hub", "MergeContacts"): {"from": [SAMPLE_UUID], "prefer": {"company": SAMPLE_UUID}, "dryRun": True},
    ("hub", "CreateImport"): {"format": "csv", "onDuplicate": "update", "dryRun": False, "size": 48213},
    ("hub", "CreateExport"): {"format": "vcard", "filter": {"tags": ["VIP"]}},
}
# Bodies of vendor-documented routes, by METHOD and path, so they apply whatever the template names the event.
DOCUMENTED_BODIES: dict[tuple[str, str], object] = {
    ("POST", "/api/contacts/prepare"): {"text": "Marie Dubois\nDirectrice commerciale, Acme Corp\n"
                                                "marie.dubois@example.com\n+33 6 12 34 56 78"},
    ("POST", "/api/contacts/confirm"): {"confirmationToken": "sample-confirmation-token"},
    ("POST", "/api/contacts/{id}/emails/prepare"): {
        "message": "Rédige un email de relance après notre rencontre au salon"},
    ("POST", "/api/contacts/{id}/emails/refine"): {"instruction": "Raccourcis le paragraphe 2",
                                                   "sessionId": SAMPLE_SESSION_ID},
    ("POST", "/api/contacts/{id}/emails/send"): {"sessionId": SAMPLE_SESSION_ID},
}
# Auth headers per dialect, besides `Authorization: Bearer` which every dialect accepts or ignores.
EXTRA_AUTH_HEADERS: dict[str, str] = {"skarbe": "X-Api-Key", "whautomate": "x-api-key"}
BODY_METHODS = {"POST", "PUT", "PATCH"}


def dialect_of(route: Route) -> str:
    return route.function.removesuffix("Function").lower()


def event_path(route: Route) -> Path:
    return EVENTS_DIR / dialect_of(route) / f"{route.event}.json"


def _sample_path(route: Route) -> tuple[str, dict[str, str]]:
    values = PATH_PARAMETERS.get(dialect_of(route), {})
    params, segments = {}, []
    for segment in route.path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            name = segment.strip("{}+")
            params[name] = values.get(name, SAMPLE_UUID)
            segment = params[name]
        segments.append(segment)
    return "/".join(segments), params


def _sample_body(route: Route) -> object | None:
    dialect = dialect_of(route)
    if (dialect, route.event) in BODIES:
        return BODIES[(dialect, route.event)]
    if (route.method, route.path) in DOCUMENTED_BODIES:
        return DOCUMENTED_BODIES[(route.method, route.path)]
    if route.path.endswith("/graphql"):
        return {"query": "query { __typename }"}
    return {} if route.method in BODY_METHODS else None


def sample_event(route: Route) -> dict:
    path, params = _sample_path(route)
    body = _sample_body(route)
    headers = {"Accept": "application/json", "Authorization": f"Bearer {SAMPLE_API_KEY}"}
    if dialect_of(route) in EXTRA_AUTH_HEADERS:
        headers[EXTRA_AUTH_HEADERS[dialect_of(route)]] = SAMPLE_API_KEY
    if body is not None:
        headers["Content-Type"] = "application/json"
    headers.update({"Host": SAMPLE_HOST, "User-Agent": "Custom User Agent String",
                    "X-Forwarded-For": "127.0.0.1, 127.0.0.2", "X-Forwarded-Port": "443",
                    "X-Forwarded-Proto": "https"})
    return api_gateway_event(route.method, path, route.path, params, headers, None,
                             None if body is None else json.dumps(body, ensure_ascii=False),
                             stage=stage_name(), request_id=SAMPLE_REQUEST_ID,
                             request_time_epoch_ms=SAMPLE_TIME_EPOCH_MS)


def missing_events(all_routes: list[Route] | None = None) -> list[Route]:
    return [r for r in (all_routes if all_routes is not None else routes()) if not event_path(r).exists()]


def write_events(overwrite: bool = False, all_routes: list[Route] | None = None, key: str | None = None) -> list[Path]:
    """Write the event file of each route that has none (every one with ``overwrite``). With ``key``, every
    event sends that key: existing files keep their edits and only change key."""
    written = []
    for route in all_routes if all_routes is not None else routes():
        path = event_path(route)
        if path.exists() and not overwrite:
            if key is None:
                continue
            event = with_key(json.loads(path.read_text(encoding="utf-8")), key)
        else:
            event = sample_event(route) if key is None else with_key(sample_event(route), key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(event, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def load_event(route: Route) -> dict:
    return json.loads(event_path(route).read_text(encoding="utf-8"))


def with_key(event: dict, key: str) -> dict:
    """The event sent with ``key`` in place of whatever key its auth headers carry (Bearer and X-Api-Key)."""
    def replace(name: str, value: str) -> str:
        lower = name.lower()
        if lower == "authorization" and value.lower().startswith("bearer "):
            return f"Bearer {key}"
        return key if lower == "x-api-key" else value

    changed = dict(event)
    changed["headers"] = {name: replace(name, value) for name, value in (event.get("headers") or {}).items()}
    if event.get("multiValueHeaders"):
        changed["multiValueHeaders"] = {name: [replace(name, v) for v in values]
                                        for name, values in event["multiValueHeaders"].items()}
    return changed

"""infra/events/: one sample event per template route, each accepted by its handler on moto.

The events are what `sam local invoke -e` gets, so they must stay valid as the handlers evolve. Path ids in
the files are placeholders; here they are swapped for a real contact or pipeline state, so an event reaches
a real item (a placeholder that stays unresolved may answer 404).
"""
from __future__ import annotations

import importlib
import json

import pytest
from contacthub_local.bootstrap import create_tables
from contacthub_local.bulk_local import create_bulk_resources
from contacthub_local.sample_events import (
    SAMPLE_API_KEY,
    SAMPLE_UUID,
    event_path,
    load_event,
    missing_events,
    sample_event,
)
from contacthub_local.server import LocalApi
from contacthub_local.template import routes
from environment import SETTINGS
from moto import mock_aws

ROUTES = routes()


def test_every_template_route_has_a_sample_event():
    missing = [f"{r.method} {r.path} -> {event_path(r)}" for r in missing_events(ROUTES)]
    assert not missing, "run `contacthub events --write`:\n" + "\n".join(missing)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.function}.{r.event}")
def test_sample_event_matches_its_route(route):
    if not event_path(route).exists():
        pytest.skip("no event file (see test_every_template_route_has_a_sample_event)")
    event = load_event(route)
    assert event["resource"] == route.path and event["httpMethod"] == route.method
    assert event["requestContext"]["resourcePath"] == route.path
    assert set(sample_event(route)) <= set(event), "an API Gateway key is missing from the event"
    assert f"Bearer {SAMPLE_API_KEY}" in event["multiValueHeaders"].get("Authorization", [])


@pytest.fixture(scope="module")
def sample_workspace():
    """One moto store for the module (tables take most of a test's time); each test adds its own items."""
    from contacthub.wiring import services as build

    with mock_aws():
        create_tables(SETTINGS)
        create_bulk_resources(SETTINGS.region, SETTINGS.bulk_bucket, "test-bulk-work")
        build.cache_clear()
        services = build()
        issued = services.workspaces.create_key("Sample workspace", "Sample User", "sample@example.com",
                                                key=SAMPLE_API_KEY)
        yield services, issued
        build.cache_clear()


def _real_items(workspace_id, services):
    """A contact, a pipeline state and a task that exist in the sample workspace."""
    contact = services.contacts.create(workspace_id, {"name": "Marie Dubois", "emails": ["marie@acme.example"],
                                                      "company": "Acme Corp"})
    state = services.pipeline.list(workspace_id)[0]
    task = None
    if getattr(services, "tasks", None) is not None:
        task = services.tasks.create(workspace_id, {"contact_id": contact.id, "title": "Call back",
                                                    "due_date": "2025-03-20T10:00:00+00:00"})
    return contact, state, task


def _real_ids(route, contact, state, task) -> dict[str, str]:
    """Path parameter -> id of an existing item, chosen by the collection the parameter follows."""
    integer = "/connect/" in route.path  # skarbe ids are integers
    ids, previous = {}, ""
    for segment in route.path.strip("/").split("/"):
        name = segment.strip("{}+")
        if segment.startswith("{"):
            if "task" in previous and task is not None:
                ids[name] = task.id
            elif "contact" in previous:
                ids[name] = str(contact.number) if integer else contact.id
            elif "state" in previous or "status" in previous:
                ids[name] = str(state.number) if integer else state.id
        previous = segment
    return ids


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.function}.{r.event}")
def test_handler_accepts_its_sample_event(route, sample_workspace):
    # Given the handler, the sample key in a workspace and the event file
    module = route.handler.rpartition(".")[0]
    try:
        importlib.import_module(module)
    except ImportError as error:
        pytest.skip(f"{module} does not import yet: {error}")
    if not event_path(route).exists():
        pytest.skip("no event file (see test_every_template_route_has_a_sample_event)")
    services, issued = sample_workspace
    event = load_event(route)
    contact, state, task = _real_items(issued.workspace.id, services)
    real = _real_ids(route, contact, state, task)
    params = {name: real.get(name, value) for name, value in (event["pathParameters"] or {}).items()}
    if event["body"] and not event["isBase64Encoded"]:  # a body may point at the sample contact too
        event = {**event, "body": event["body"].replace(SAMPLE_UUID, contact.id)}
    if params:
        path = route.path
        for name, value in params.items():
            path = path.replace(f"{{{name}}}", value).replace(f"{{{name}+}}", value)
        event = {**event, "path": path, "pathParameters": params,
                 "requestContext": {**event["requestContext"], "path": f"/{event['requestContext']['stage']}{path}"}}
    if event.get("body") and SAMPLE_UUID in event["body"]:  # a body naming a contact (a task's contact IRI)
        contact = services.contacts.create(issued.workspace.id, {"name": "Jean Martin"})
        event = {**event, "body": event["body"].replace(SAMPLE_UUID, contact.id)}
    if event.get("body") and "sample-confirmation-token" in event["body"]:  # one-time: prepare a real one
        token = services.capture.prepare(issued.workspace.id, "Marie Dubois\nmarie@acme.example").token
        event = {**event, "body": event["body"].replace("sample-confirmation-token", token)}
    # When it is invoked exactly as API Gateway would
    response = LocalApi(ROUTES, log_requests=False).call(route, event)
    # Then no server error, the sample key was accepted, and a JSON answer (or none at all for 204)
    assert response.status < 500, response.body[:500]
    assert response.status not in (401, 403), response.body[:500]
    if route.method == "GET" and set(params) <= set(real):
        assert response.status != 404, "the event's ids point at existing items"
    if response.status == 204:
        return
    assert "json" in (response.header("Content-Type") or ""), response.headers
    assert json.loads(response.body) is not None

"""The checked-in API reference (docs/api/*.openapi.json) is generated from the code and must not drift."""
import pytest

from contacthub_local import openapi

DIALECTS = openapi.rest_dialects()


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_openapi_document_matches_code(dialect):
    path = openapi.path_for(dialect)
    assert path.exists(), f"{path} is missing: run `.venv/bin/contacthub openapi --write`"
    generated = openapi.render(openapi.document(dialect, DIALECTS[dialect]))
    assert path.read_text(encoding="utf-8") == generated, (
        f"{path.name} drifted from the code: run `.venv/bin/contacthub openapi --write` and commit the result")


def test_every_template_route_is_documented():
    from contacthub_local.template import routes

    for route in routes():
        dialect = route.handler.split(".")[2] if route.handler.startswith("contacthub.api.") else None
        if dialect not in DIALECTS or not openapi.path_for(dialect).exists():
            continue
        paths = openapi.document(dialect, DIALECTS[dialect])["paths"]
        assert route.path in paths and route.method.lower() in paths[route.path], (route.method, route.path)

"""The REST dialects' lean validation answers exactly as powertools' own validation, without pydantic for plain
reads (contacthub/api/validation.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Annotated, Optional

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query as PowertoolsQuery
from pydantic import BaseModel

from contacthub.api.validation import LeanValidationResolver, Query, documented


class Body(BaseModel):
    name: str


router = Router()


def _echo(**values) -> Response:
    return Response(200, "application/json", json.dumps({k: [type(v).__name__, v] for k, v in values.items()}))


@router.get("/things/<id>")
def get_thing(id: str):
    return _echo(id=id)


@router.get("/numbered/<number>")
def get_numbered(number: int):
    return _echo(number=number)


@router.get("/things")
def list_things(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    page: Annotated[int, Query(ge=1)] = 1,
    offset: int = 0,
    name: Annotated[Optional[str], Query(max_length=5)] = None,
    tag: Annotated[str | None, Query(min_length=2, description="A tag")] = None,
    due: Annotated[Optional[str], Query(alias="due[before]", max_length=10)] = None,
):
    return _echo(limit=limit, page=page, offset=offset, name=name, tag=tag, due=due)


@router.get("/required")
def required(q: Annotated[str, Query(max_length=3)]):
    return _echo(q=q)


@router.get("/declared-by-powertools")
def declared_by_powertools(limit: Annotated[int, PowertoolsQuery(ge=1)] = 1):
    return _echo(limit=limit)


@router.post("/things")
def create_thing(body: Body):
    return _echo(name=body.name)


@router.get("/dict")
def as_dict():
    return {"answer": 42}


def _app(resolver):
    app = resolver
    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    def invalid(error: RequestValidationError):
        return Response(422, "application/json", json.dumps(error.errors(), default=str))

    return app


def _event(method: str, path: str, query: dict[str, list[str]] | None = None, body: str | None = None,
           single_only: bool = False) -> dict:
    event = {"httpMethod": method, "path": path, "resource": path, "headers": {"Content-Type": "application/json"},
             "requestContext": {"requestId": "r", "stage": "test"}, "body": body, "isBase64Encoded": False,
             "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
             "multiValueQueryStringParameters": None if single_only or not query else query}
    return event


CASES = [
    ("GET", "/things/abc", None), ("GET", "/things/%20x", None),
    ("GET", "/numbered/12", None), ("GET", "/numbered/012", None), ("GET", "/numbered/x", None),
    ("GET", "/numbered/99999999999999999999999", None),
    ("GET", "/things", None), ("GET", "/things", {"limit": ["5"]}), ("GET", "/things", {"limit": ["0"]}),
    ("GET", "/things", {"limit": ["101"]}), ("GET", "/things", {"limit": ["100"], "page": ["3"]}),
    ("GET", "/things", {"limit": ["07"]}), ("GET", "/things", {"limit": [" 7"]}), ("GET", "/things", {"limit": ["+7"]}),
    ("GET", "/things", {"limit": ["7.0"]}), ("GET", "/things", {"limit": ["1_0"]}), ("GET", "/things", {"limit": [""]}),
    ("GET", "/things", {"limit": ["5", "6"]}), ("GET", "/things", {"offset": ["-1"]}),
    ("GET", "/things", {"name": ["abcde"]}), ("GET", "/things", {"name": ["abcdef"]}), ("GET", "/things", {"name": [""]}),
    ("GET", "/things", {"name": ["a,b"]}), ("GET", "/things", {"tag": ["x"]}), ("GET", "/things", {"tag": ["xy"]}),
    ("GET", "/things", {"due[before]": ["2024-01-01"]}), ("GET", "/things", {"due[before]": ["2024-01-01T00"]}),
    ("GET", "/things", {"unknown": ["1"]}), ("GET", "/required", None), ("GET", "/required", {"q": ["abc"]}),
    ("GET", "/required", {"q": ["abcd"]}), ("GET", "/dict", None),
    ("GET", "/declared-by-powertools", {"limit": ["2"]}), ("GET", "/declared-by-powertools", {"limit": ["0"]}),
]


@pytest.mark.parametrize("single_only", [False, True])
@pytest.mark.parametrize(("method", "path", "query"), CASES)
def test_lean_validation_answers_as_powertools(method, path, query, single_only):
    # Given the same routes behind powertools' validation and behind the lean one
    full = _app(APIGatewayRestResolver(enable_validation=True))
    lean = _app(LeanValidationResolver())
    event = _event(method, path, query, single_only=single_only)
    # When both answer the same request
    expected = full.resolve(dict(event), {})
    answered = lean.resolve(dict(event), {})
    # Then status, headers and body are the same
    assert answered == expected


@pytest.mark.parametrize("body", ['{"name": "x"}', '{"name": 1}', "{}", "[1]", "not json"])
def test_bodies_go_through_powertools(body):
    full = _app(APIGatewayRestResolver(enable_validation=True))
    lean = _app(LeanValidationResolver())
    event = _event("POST", "/things", body=body)
    assert lean.resolve(dict(event), {}) == full.resolve(dict(event), {})


def test_plain_reads_skip_pydantic_validation():
    # Given a lean resolver
    lean = _app(LeanValidationResolver())
    # When it answers valid reads
    for path, query in (("/things/abc", None), ("/numbered/12", None), ("/required", {"q": ["abc"]})):
        assert lean.resolve(_event("GET", path, query), {})["statusCode"] == 200
    # Then powertools' own request validation was never needed
    assert lean._request_validation_middleware._full is None
    # And an invalid one is refused by it
    assert lean.resolve(_event("GET", "/required", {"q": ["abcd"]}), {})["statusCode"] == 422
    assert lean._request_validation_middleware._full is not None


def _documented_both_ways(resolver):
    """One route declaring its responses to powertools directly, one through ``documented``."""
    answers = {200: {"description": "A thing", "content": {"application/json": {"model": Body}}}}
    app = resolver

    @app.get("/declared")
    @documented(lambda: answers)
    def declared(id: str):
        return _echo(id=id)

    @app.get("/declared-to-powertools", responses=answers)
    def declared_to_powertools(id: str):
        return _echo(id=id)

    return app


def test_documented_responses_are_powertools_responses_in_the_reference():
    # Given the same responses declared lazily on one route and directly on another
    lean = _documented_both_ways(LeanValidationResolver())
    # When the reference is built
    paths = lean.get_openapi_schema().paths
    # Then both operations document the same responses (the model among the components)
    assert paths["/declared"].get.responses == paths["/declared-to-powertools"].get.responses
    assert "Body" in lean.get_openapi_json_schema()


@pytest.mark.parametrize("dialect", ["letsligo", "skarbe", "whautomate", "hub"])
def test_importing_a_rest_handler_imports_no_pydantic(dialect):
    # A fresh interpreter: the handler module and its routes, as a cold start imports them
    code = (f"import sys, contacthub.api.{dialect}.handler; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"


def test_the_resolver_documents_validation_like_powertools():
    full = _app(APIGatewayRestResolver(enable_validation=True))
    lean = _app(LeanValidationResolver())
    assert lean.get_openapi_json_schema() == full.get_openapi_json_schema()

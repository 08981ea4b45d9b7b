"""Request validation of the REST dialects without pydantic on the way of a plain read.

powertools' validation (``enable_validation=True``) builds a pydantic field for every parameter of a route and
validates each value through it. That is the right tool for bodies, but a read such as ``GET /contacts/<id>``
(a string from the path) or ``GET /contacts?limit=20`` would import pydantic, build its first models and compile
validators before the first caller gets an answer. Here a route's parameters are read from its signature
without pydantic, once per route: when they are all plain strings or integers from the path or the query, and
the values sent are plainly valid (an integer written in digits within its bounds, a string within its length),
the route gets exactly the values powertools would have given it. Anything else — a body, an unusual type or
constraint, a value that would be refused — goes through powertools' own middleware, which answers as always
(same values, same errors). The OpenAPI documents come from powertools' own analysis of the same routes.

Route modules take ``Query`` from here: it builds powertools' ``Query`` when the annotation is evaluated (for
the OpenAPI document or the full validation), so importing a route module does not import pydantic. Likewise
``documented`` declares a route's OpenAPI responses as a function the resolver calls when the API reference is
built: the response models it names are not imported when a handler starts.
"""
from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares import BaseMiddlewareHandler


def Query(**constraints: Any) -> Any:  # noqa: N802 - stands for powertools' Query in annotations
    """powertools' ``Query`` (``Annotated[int, Query(ge=1)]``), imported when the annotation is evaluated."""
    from aws_lambda_powertools.event_handler.openapi.params import Query as PowertoolsQuery

    return PowertoolsQuery(**constraints)


def documented(responses: Callable[[], dict]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route decorator (under the route's own): powertools' ``responses=`` for this route, built by
    ``responses()`` only when the OpenAPI document is (see ``LeanValidationResolver.get_openapi_schema``)."""

    def mark(route: Callable[..., Any]) -> Callable[..., Any]:
        route.openapi_responses = responses  # type: ignore[attr-defined]
        return route

    return mark


def lazy_module(name: str) -> types.ModuleType:
    """The module ``name``, executed on first attribute access (wire models that only a write needs)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


class LeanValidationResolver(APIGatewayRestResolver):
    """``APIGatewayRestResolver(enable_validation=True)`` whose validation middlewares answer plain reads
    without pydantic and hand everything else to powertools' own."""

    def __init__(self) -> None:
        super().__init__(enable_validation=False)  # powertools' middlewares are made on first need, below
        self._enable_validation = True  # routes and the OpenAPI document read it: validation is on
        # Stand in for powertools' OpenAPI middlewares (same call, same answers; see the classes).
        self._request_validation_middleware = LeanRequestValidation()  # type: ignore[assignment]
        self._response_validation_middleware = LeanResponseValidation()  # type: ignore[assignment]

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """powertools' document, once the routes marked ``documented`` have their responses."""
        for route in self._static_routes + self._dynamic_routes:
            build = getattr(route.func, "openapi_responses", None)
            if build is not None and route.responses is None:
                route.responses = build()
                route._dependant = None  # its response models are part of it: read again with them
        return super().get_openapi_schema(*args, **kwargs)


# Constraints of a Query that a plain read can check; any other (pattern, strict, ...) takes the full path.
_CHECKED = {"ge", "gt", "le", "lt", "min_length", "max_length"}
_OTHERS = {"alias", "description", "title"}
_DIGITS = re.compile(r"0|[1-9][0-9]{0,17}")
_UNDECIDED = object()


class _QuerySpec:
    """What ``Query(...)`` says, read without building powertools' Query."""

    def __init__(self, **constraints: Any):
        self.constraints = constraints


class _Param:
    __slots__ = ("name", "key", "in_path", "kind", "default", "checks")

    def __init__(self, name: str, key: str, in_path: bool, kind: type, default: Any, checks: dict):
        self.name, self.key, self.in_path, self.kind = name, key, in_path, kind  # key: the name sent (alias)
        self.default, self.checks = default, checks

    def accept(self, value: Any) -> Any:
        """The value powertools would pass to the route, or _UNDECIDED when it might refuse it."""
        if not isinstance(value, str):
            return _UNDECIDED
        checks = self.checks
        if self.kind is int:
            if not _DIGITS.fullmatch(value):
                return _UNDECIDED
            number = int(value)
            if ("ge" in checks and number < checks["ge"]) or ("gt" in checks and number <= checks["gt"]) \
                    or ("le" in checks and number > checks["le"]) or ("lt" in checks and number >= checks["lt"]):
                return _UNDECIDED
            return number
        if ("max_length" in checks and len(value) > checks["max_length"]) \
                or ("min_length" in checks and len(value) < checks["min_length"]):
            return _UNDECIDED
        return value


def _plain(annotation: Any) -> tuple[type, bool] | None:
    """(str or int, optional?) for ``str``, ``int``, ``str | None``, ``Optional[int]``; None for anything else."""
    if annotation in (str, int):
        return annotation, False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2 and args[0] in (str, int):
            return args[0], True
    return None


def _plan(route: Any) -> list[_Param] | None:
    """The route's parameters when every one is a plain path or query value; None otherwise."""
    func = route.func
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    if signature.return_annotation is not inspect.Signature.empty:
        return None
    namespace = {name: (_QuerySpec if value is Query else value) for name, value in func.__globals__.items()}
    in_path = set(re.findall(r"{(.*?)}", route.openapi_path))
    plan = []
    for name, parameter in signature.parameters.items():
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            return None
        annotation = parameter.annotation
        try:
            if isinstance(annotation, str):
                annotation = eval(annotation, namespace)  # noqa: S307 - the route's own annotation
        except Exception:  # noqa: BLE001 - whatever the lean reading cannot follow, powertools reads
            return None
        checks: dict[str, Any] = {}
        key = name
        if typing.get_origin(annotation) is typing.Annotated:
            annotation, *extras = typing.get_args(annotation)
            if len(extras) != 1 or not isinstance(extras[0], _QuerySpec) or name in in_path:
                return None
            constraints = extras[0].constraints
            if set(constraints) - _CHECKED - _OTHERS:
                return None
            checks = {k: v for k, v in constraints.items() if k in _CHECKED}
            key = constraints.get("alias") or name
        plain = _plain(annotation)
        if plain is None:
            return None
        kind, optional = plain
        if name in in_path and (optional or parameter.default is not inspect.Parameter.empty):
            return None
        plan.append(_Param(name, key, name in in_path, kind, parameter.default, checks))
    return plan


def _query_value(event: Any, name: str) -> Any:
    """One query parameter as powertools' validation would see it; None when absent."""
    multi = event.get("multiValueQueryStringParameters") or {}
    if name in multi:
        values = multi[name]
        return values[0] if isinstance(values, list) and len(values) == 1 else _UNDECIDED
    single = event.get("queryStringParameters") or {}
    if name in single:
        return single[name] if isinstance(single[name], str) else _UNDECIDED
    return None


def _returns_annotated(func: Callable[..., Any]) -> bool:
    try:
        return inspect.signature(func).return_annotation is not inspect.Signature.empty
    except (TypeError, ValueError):
        return True


class LeanRequestValidation(BaseMiddlewareHandler):
    """powertools' request validation, without pydantic for routes whose parameters are plain and valid."""

    def __init__(self) -> None:
        self._plans: dict[int, list[_Param] | None] = {}
        self._full: Any = None

    def handler(self, app: Any, next_middleware: Any) -> Any:
        values = self._lean(app)
        if values is None:
            return self.full().handler(app, next_middleware)
        app.context["_route_args"] = values
        return next_middleware(app)

    def full(self) -> Any:
        if self._full is None:
            from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
                OpenAPIRequestValidationMiddleware,
            )

            self._full = OpenAPIRequestValidationMiddleware()
        return self._full

    def _lean(self, app: Any) -> dict[str, Any] | None:
        route = app.context["_route"]
        key = id(route)
        if key not in self._plans:
            self._plans[key] = _plan(route)
        plan = self._plans[key]
        if plan is None:
            return None
        event = app.current_event
        if event.get("rawQueryString"):
            return None
        route_args = app.context.get("_route_args") or {}
        values: dict[str, Any] = {}
        for param in plan:
            value = route_args.get(param.key) if param.in_path else _query_value(event, param.key)
            if value is None:
                if param.default is inspect.Parameter.empty:
                    return None  # required and missing: powertools' error
                values[param.name] = param.default
                continue
            accepted = param.accept(value)
            if accepted is _UNDECIDED:
                return None
            values[param.name] = accepted
        return values


class LeanResponseValidation(BaseMiddlewareHandler):
    """powertools' response validation: a route without a return annotation has no model to validate its answer
    against, and a JSON string is already encoded; anything else goes through powertools' own middleware."""

    def __init__(self) -> None:
        self._annotated: dict[int, bool] = {}
        self._full: Any = None

    def handler(self, app: Any, next_middleware: Any) -> Any:
        route = app.context["_route"]
        annotated = self._annotated.get(id(route))
        if annotated is None:
            annotated = self._annotated[id(route)] = _returns_annotated(route.func)
        if annotated:
            return self.full().handler(app, next_middleware)
        response = next_middleware(app)
        if response.is_json() and not isinstance(response.body, str):
            # What powertools does with the answer of a route without a return model.
            from aws_lambda_powertools.event_handler.openapi.encoders import jsonable_encoder

            response.body = jsonable_encoder(response.body, custom_serializer=None)
        return response

    def full(self) -> Any:
        if self._full is None:
            from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
                OpenAPIResponseValidationMiddleware,
            )

            # As APIGatewayRestResolver(enable_validation=True) makes it (no serializer given there).
            self._full = OpenAPIResponseValidationMiddleware(validation_serializer=None,
                                                             has_response_validation_error=False)
        return self._full

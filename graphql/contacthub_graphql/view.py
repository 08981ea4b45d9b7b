"""Strawberry's ASGI view, completed for this API: authentication, request guards and GraphQL over HTTP.

What strawberry 0.341 already does: GET for queries only, POST with application/json, 400 for a body that
is not JSON, `application/json` responses with status 200 even when the document does not parse or validate.
What this view adds (GraphQL over HTTP, https://graphql.github.io/graphql-over-http/draft/):
- a client that accepts `application/graphql-response+json` gets that media type, and 400 when the
  document fails to parse or validate or its variables don't coerce (no execution happened);
  `application/json` clients keep the classic behaviour (200 with `errors`);
- a mutation over GET is 405 with `Allow: POST` (strawberry says 400);
- a body that is not `application/json` is 415, one over 256 KB is 413, one that is not a UTF-8 JSON object
  (or holds variables nested beyond graphql-core's reach) is 400;
- protocol errors are GraphQL-shaped JSON (`{"errors": [...]}`) instead of plain text;
- the API key is checked before the schema runs: 401 with `WWW-Authenticate: Bearer`.
"""
from __future__ import annotations

import logging
import uuid

from cross_web import HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from contacthub.api.body import MalformedBody, decode_json, decode_object, depth
from contacthub.api.credentials import api_key
from contacthub.domain.errors import Unauthorized
from contacthub.wiring import Services, services

from .context import Context
from .settings import Settings

logger = logging.getLogger("contacthub.graphql")

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
_ERROR_CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
                413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 500: "INTERNAL_SERVER_ERROR"}
# graphql-core coerces variables recursively; the domain refuses JSON deeper than 32 levels with a
# ValidationError naming the field, which needs the value to get that far.
MAX_VARIABLES_DEPTH = 500


def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header.

    `application/graphql-response+json` when the client lists it at least as high as JSON; otherwise
    `application/json`, also for a missing header, `*/*` or an Accept we can't satisfy (legacy clients).
    """
    quality = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for part in (accept or "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media == GRAPHQL_RESPONSE:
            quality[GRAPHQL_RESPONSE] = max(quality[GRAPHQL_RESPONSE], q)
        elif media in (JSON, "application/*", "*/*"):
            quality[JSON] = max(quality[JSON], q)
    graphql_q = quality[GRAPHQL_RESPONSE]
    return GRAPHQL_RESPONSE if graphql_q > 0 and graphql_q >= quality[JSON] else JSON


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed: the document did not parse or validate, or the variables did not coerce.

    Field errors always carry a path; these never do.
    """
    return bool(result.errors) and result.data is None and all(e.path is None for e in result.errors)


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema, settings: Settings):
        super().__init__(schema, graphql_ide="graphiql" if settings.introspection else None,
                         allow_queries_via_get=True, subscription_protocols=(),
                         multipart_uploads_enabled=False)
        self.settings = settings

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":  # API Gateway's REST APIs carry no WebSockets
            raise ValueError(f"unsupported ASGI scope {scope['type']!r}")
        request = Request(scope, receive)
        request.state.media_type = negotiate(request.headers.get("accept"))
        try:
            response = await self.answer(request)
        except HTTPException as error:
            response = self.error_response(request, error)
        except Exception:  # e.g. the key lookup failing: masked like resolver errors, never leaked
            logger.exception("Unhandled error before the schema ran (request %s)", request_id(scope))
            response = self.error_response(request, HTTPException(500, "Internal server error"))
        await response(scope, receive, send)

    async def answer(self, request: Request) -> Response:
        if self.should_render_graphql_ide(StarletteRequestAdapter(request)):
            if not self.graphql_ide:
                raise HTTPException(404, "Not Found")
            return await self.render_graphql_ide(request)
        body = await request.body()
        if len(body) > self.settings.max_body_bytes:
            raise HTTPException(413, f"Request body too large (limit {self.settings.max_body_bytes} bytes)")
        if request.method == "POST":
            media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if media != JSON:
                raise HTTPException(415, f'The content-type "{media}" is not supported; send "{JSON}"')
        try:
            request.state.principal = self.services().workspaces.authenticate(api_key(request.headers))
        except Unauthorized as error:
            raise HTTPException(401, str(error)) from None
        check_params(body if request.method == "POST" else None, request.query_params.get("variables"))
        try:
            return await self.run(request)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError) and request.method == "GET":
                raise HTTPException(405, "Mutations are not allowed over GET; use POST") from error
            raise

    def error_response(self, request: Request, error: HTTPException) -> Response:
        logger.info("GraphQL HTTP %s: %s", error.status_code, error.reason)
        body = {"errors": [{"message": error.reason,
                            "extensions": {"code": _ERROR_CODES.get(error.status_code, "BAD_REQUEST")}}]}
        headers = {}
        if error.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        elif error.status_code == 405:
            headers["Allow"] = "POST"
        return Response(self.encode_json(body), status_code=error.status_code, headers=headers,
                        media_type=request.state.media_type)

    @staticmethod
    def services() -> Services:
        return services()

    # ---------------------------------------------------------------- strawberry hooks
    async def get_context(self, request: Request, response: Response) -> Context:
        return Context.create(request.state.principal, self.services(), request_id(request.scope))

    async def get_sub_response(self, request: Request) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = request.state.media_type
        request.state.sub_response = sub_response
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = process_result(result)
        if request.state.media_type == GRAPHQL_RESPONSE and is_request_error(result):
            request.state.sub_response.status_code = 400
            response.pop("data", None)  # nothing ran: the spec wants no `data` entry at all
        return response

    def create_response(self, response_data: GraphQLHTTPResponse, sub_response: Response) -> Response:
        return Response(self.encode_json(response_data), status_code=sub_response.status_code or 200,
                        media_type=sub_response.media_type)


def check_params(body: bytes | None, variables: str | None) -> None:
    """400 for what strawberry would fail on with a 500: a body that is not a UTF-8 JSON object, integer
    literals Python refuses to convert, and variables nested deeper than graphql-core can coerce."""
    try:
        if body is not None:
            variables = decode_object(body).get("variables")
        elif variables:
            variables = decode_json(variables)
    except MalformedBody as error:
        raise HTTPException(400, str(error)) from None
    if variables is not None and not isinstance(variables, dict):
        raise HTTPException(400, "`variables` must be a JSON object")
    if depth(variables) > MAX_VARIABLES_DEPTH:
        raise HTTPException(400, f"`variables` may nest at most {MAX_VARIABLES_DEPTH} levels")


def request_id(scope: dict) -> str:
    """API Gateway's request id (what the REST dialects log as correlation id), from mangum's scope."""
    event = scope.get("aws.event") or {}
    found = (event.get("requestContext") or {}).get("requestId")
    return found or str(uuid.uuid4())

"""Lambda entry point of the GraphQL facade (template.yaml: GraphqlFunction).

Strawberry's ASGI app behind mangum. The schema is built once per container, during Lambda's init phase;
services and DynamoDB clients are created lazily on the first request (contacthub.wiring).
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any

from contacthub.startup import init_phase

_threads = threading.local()


def use_event_loop() -> None:
    """Give this thread an open event loop for mangum: the local server calls handlers from worker threads,
    which have none, and a loop closed by someone else must not break the next request."""
    loop = getattr(_threads, "loop", None)
    if loop is None or loop.is_closed():
        loop = _threads.loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)


with init_phase():  # what is built here (the schema above all) lives as long as the container: contacthub.startup
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
    from mangum import Mangum
    from mangum.adapter import DEFAULT_TEXT_MIME_TYPES

    from contacthub.api.cors import with_cors
    from contacthub.api.observability import observed
    from contacthub.snapstart import on_snapshot, prime_store

    from .schema import build_schema
    from .settings import Settings
    from .view import GRAPHQL_RESPONSE, GraphQLView

    logger = Logger(service="contacthub")
    # The schema and view log through the standard `contacthub.graphql` logger: same JSON format and keys.
    copy_config_to_registered_loggers(source_logger=logger, include={"contacthub.graphql"})

    settings = Settings.from_environment()
    app = GraphQLView(build_schema(settings), settings)
use_event_loop()


def prime() -> None:
    """Before a SnapStart snapshot: the store, and one document through parsing, validation and execution."""
    prime_store()
    app.schema.execute_sync("query Prime { __typename }", operation_name="Prime")


on_snapshot(prime)
# Without its media type listed, mangum would base64-encode graphql-response+json bodies.
_adapter = Mangum(app, lifespan="off", text_mime_types=[*DEFAULT_TEXT_MIME_TYPES, GRAPHQL_RESPONSE])


@observed("graphql")
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
def lambda_handler(event: dict, context: Any) -> dict:
    use_event_loop()
    return with_cors(_adapter(event, context))

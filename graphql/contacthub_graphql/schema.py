"""The schema, its protections, and what happens to unexpected errors."""

import logging
from collections.abc import Callable, Iterator
from datetime import datetime

import strawberry
from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from .cost import MaxQueryCost
from .errors import is_unexpected
from .mutations import Mutation
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .queries import Query
from .scalars import DATE_TIME
from .settings import Settings

logger = logging.getLogger("contacthub.graphql")

MASKED_MESSAGE = "Internal server error"


def _request_id(execution_context: ExecutionContext | None) -> str | None:
    context = getattr(execution_context, "context", None)
    return getattr(context, "request_id", None)


class MaskUnexpectedErrors(MaskErrors):
    """Replace unexpected errors by a fixed message carrying the request id, so a report can be traced."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        request_id = _request_id(self.execution_context)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked


class OperationNameRequired(SchemaExtension):
    """A document with several operations needs `operationName` (GraphQL spec, GetOperation).

    Strawberry 0.341 would silently run the first one. Errors set before validation make strawberry skip
    validation and answer them as a request error (nothing runs).
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # strawberry keeps the client's operationName only in this private field (pinned version; tested)
        named = getattr(context, "_provided_operation_name", None) is not None
        definitions = document.definitions if document else ()
        operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        if not named and len(operations) > 1 and not context.pre_execution_errors:
            context.pre_execution_errors = [
                GraphQLError("Must provide operation name if query contains multiple operations.")]
        yield


class ContactHubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Log before masking (strawberry calls this first): details for bugs, one line for client errors."""
        request_id = _request_id(execution_context)
        for error in errors:
            if is_unexpected(error):
                original = error.original_error
                path = ".".join(map(str, error.path or ()))
                logger.error("Unhandled error in resolver %s (request %s)", path, request_id,
                             exc_info=(type(original), original, original.__traceback__))
            else:
                logger.info("GraphQL request error (request %s): %s", request_id, error.message)


def limits_description(settings: Settings) -> str:
    """The Query type's description: the request limits, as this schema enforces them."""
    return (
        "Reads, scoped to the API key's workspace. Limits of every request, checked before anything runs (a "
        f"request over any of them is refused with an error): a depth of at most {settings.max_depth} nested "
        f"fields, at most {settings.max_aliases} aliases, at most {settings.max_tokens} tokens, an HTTP body of "
        f"at most {settings.max_body_bytes} bytes, and a query cost of at most {settings.max_cost}. The cost "
        "counts every object a field may answer (scalars are free); a field's `first` multiplies what it selects, "
        "and a plain list counts as one item; accepted requests report it in `extensions.cost`. Pages (`first`) "
        f"hold 0 to {MAX_PAGE_SIZE} items ({DEFAULT_PAGE_SIZE} by default) on the contacts and tasks queries, "
        f"1 to {MAX_PAGE_SIZE} on the change feed and delivery logs; every list pages to its end (no cap)."
    )


def query_root(settings: Settings) -> type:
    """Query, described with the limits of these settings (the fields are queries.py's)."""

    @strawberry.type(name="Query", description=limits_description(settings))
    class DescribedQuery(Query):
        pass

    return DescribedQuery


def build_schema(settings: Settings | None = None) -> ContactHubSchema:
    settings = settings or Settings()
    # Factories: strawberry builds fresh extensions per request (they keep per-request state).
    extensions: list[Callable[[], SchemaExtension]] = [
        # Checked while validating, before any resolver runs.
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: MaxQueryCost(settings.max_cost),
        OperationNameRequired,
        MaskUnexpectedErrors,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return ContactHubSchema(query=query_root(settings), mutation=Mutation, extensions=extensions,
                            scalar_overrides={datetime: DATE_TIME})

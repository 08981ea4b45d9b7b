"""Blocking work (boto3 and pynamodb calls) off the event loop, so that independent loads run together.

A request's loads are dispatched in rounds: the root fields, then each level of DataLoader batches. Every
batch of a round runs in this pool at once; DynamoDB answers them in parallel. Context variables set by the
blocking code (tracing, metering) come back to the caller as if the call had run inline, and a DataLoader
hands its batch's to every load it answered (dataloaders/base.py).
"""
from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

# One pool per container; a Lambda serves one request at a time, so this bounds one request's parallelism.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="contacthub-graphql")

Changes = Mapping[contextvars.ContextVar[Any], Any]

# The unit of work a blocking call belongs to: calls of one job run in sequence, jobs of a round in parallel
# (meters count rounds with it).
job: contextvars.ContextVar[object | None] = contextvars.ContextVar("contacthub_graphql_job", default=None)


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the pool, in a copy of the caller's context whose changes the caller then adopts."""
    context = contextvars.copy_context()
    context.run(job.set, object())
    before = dict(context.items())
    result = await asyncio.get_running_loop().run_in_executor(_pool, context.run, fn, *args)
    adopt(changes(before, context))
    return result


def changes(before: Mapping[contextvars.ContextVar[Any], Any], after: contextvars.Context) -> Changes:
    return {var: value for var, value in after.items() if before.get(var, _UNSET) is not value}


def adopt(found: Changes) -> None:
    for var, value in found.items():
        var.set(value)


_UNSET = object()

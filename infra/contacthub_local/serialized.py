"""Make moto's in-process backends safe under threads.

Real DynamoDB applies each call atomically; moto's in-memory backend does not lock, so two threads
running transactions at once can corrupt its state. Serialising whole API calls restores DynamoDB's
per-call atomicity while still letting calls of different requests interleave (which is what the
concurrency tests and the threaded local server need). Only used with moto, never at runtime.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

import botocore.client

_LOCK = threading.RLock()
_original = botocore.client.BaseClient._make_api_call


def _serialized(self, operation_name, api_params):
    with _LOCK:
        return _original(self, operation_name, api_params)


@contextmanager
def serialized_aws_calls():
    previous = botocore.client.BaseClient._make_api_call
    botocore.client.BaseClient._make_api_call = _serialized
    try:
        yield
    finally:
        botocore.client.BaseClient._make_api_call = previous


def serialize_aws_calls_forever() -> None:
    """For the local server process, which lives exactly as long as its moto backend."""
    botocore.client.BaseClient._make_api_call = _serialized

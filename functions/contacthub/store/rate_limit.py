"""Per-workspace request rate limit: a fixed one-second window counted in DynamoDB.

Each request adds 1 to the item ``sk = RATE#<epoch second>`` of its workspace's partition with a condition
that the count is under the limit: one conditional UpdateItem (1 write unit) per request, no read. The item
expires through the table's TTL a minute later. API Gateway usage plans were not used: they count API
Gateway's own keys, while contacthub's keys live in the directory table (and skarbe and whautomate clients send
theirs in the very header API Gateway would read), and AWS documents their throttling as best effort.
"""
from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

from ..domain.errors import TooManyRequests

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 1
KEEP_SECONDS = 60  # TTL; DynamoDB removes expired items within days, and nothing reads old windows


class WorkspaceRateLimiter:
    def __init__(self, table_name: str, limit_per_second: int, client: Any):
        self.table_name = table_name
        self.limit = limit_per_second
        self.client = client

    def hit(self, workspace_id: str, now: float | None = None) -> None:
        """Counts one request; raises TooManyRequests once the workspace used this second's allowance."""
        if self.limit <= 0:
            return
        window = int(now if now is not None else time.time()) // WINDOW_SECONDS * WINDOW_SECONDS
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": f"WS#{workspace_id}"}, "sk": {"S": f"RATE#{window}"}},
                UpdateExpression="ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(self.limit)},
                                           ":expires": {"N": str(window + KEEP_SECONDS)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise TooManyRequests(f"Rate limit of {self.limit} requests per second for this workspace "
                                  "exceeded", retry_after=WINDOW_SECONDS) from None
        except Exception:  # noqa: BLE001 - the limiter protects the store; its own failure must not refuse requests
            logger.warning("Rate limiter unavailable; request let through", exc_info=True)


@lru_cache(maxsize=4)
def _client(region: str, endpoint: str | None) -> Any:
    import boto3
    from botocore.config import Config

    # One attempt, short timeouts: a slow limiter lets the request through rather than delay it.
    return boto3.client("dynamodb", region_name=region, endpoint_url=endpoint,
                        config=Config(connect_timeout=2, read_timeout=2, retries={"total_max_attempts": 1}))


def limiter_for(table_name: str, limit_per_second: int, region: str, endpoint: str | None) -> WorkspaceRateLimiter:
    client = _client(region, endpoint) if limit_per_second > 0 else None
    return WorkspaceRateLimiter(table_name, limit_per_second, client)

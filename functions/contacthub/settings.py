"""Configuration of a function: what template.yaml sets in its environment, read once per container.

The wiring builds one ``Settings`` (``Settings.from_environment()``) and hands each part what it needs; nothing
else reads the environment. The CLI, the tests and the benches build theirs explicitly (``Settings(crm_table=...)``).
A plain dataclass: pydantic-settings cost a cold start more than the rest of the configuration together.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_REGION = "us-east-1"
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    # Field names are the variables' names in lower case (CRM_TABLE -> crm_table).
    crm_table: str = "contacthub-crm"
    directory_table: str = "contacthub-directory"
    # Idempotency-Key records and the email send guard; without it, keyed requests and sends answer 503.
    idempotency_table: str | None = None
    region: str = DEFAULT_REGION  # AWS_REGION, else AWS_DEFAULT_REGION
    # DynamoDB Local or any other endpoint (DYNAMODB_ENDPOINT, which sam local's env.json sets, else
    # AWS_ENDPOINT_URL_DYNAMODB); None is the region's own.
    dynamodb_endpoint: str | None = None

    email_composer: str = "offline"  # offline | bedrock | openai
    bedrock_model_id: str = ""
    openai_model: str = ""
    openai_base_url: str = ""
    openai_api_key: str | None = None
    # Where the key is kept instead: "ssm:/contacthub/openai-key" (SecureString) or "secretsmanager:contacthub/openai".
    openai_api_key_source: str = ""
    sender_address: str = ""
    # Requests per second and workspace (WORKSPACE_RATE_LIMIT; 0 turns the limit off).
    workspace_rate_limit: int = 0
    ses_configuration_set: str | None = None

    # Change feed and webhooks.
    delivery_queue_url: str | None = None
    delivery_dlq_url: str | None = None
    webhook_allow_loopback: bool = False  # the local server only: loopback targets, plain http to them
    webhook_retry_schedule: tuple[int, ...] | None = None  # seconds after each failure; None: the production one

    # Import and export jobs: the bucket of their files and the queue of their work. The local server serves the
    # file links itself (bulk_url_base), signed with bulk_url_secret.
    bulk_bucket: str | None = None
    bulk_queue_url: str | None = None
    bulk_url_base: str | None = None
    bulk_url_secret: str | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None, **chosen: Any) -> Settings:
        """The variables template.yaml sets (unset or empty ones keep the default); ``chosen`` values win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            raw = env.get(_VARIABLES.get(item.name, item.name.upper()), "")
            if item.name in _FALLBACKS:
                raw = raw or env.get(_FALLBACKS[item.name], "")
            if raw.strip():
                values[item.name] = _parse(item.name, raw.strip())
        return cls(**(values | chosen))

    def model_copy(self, update: Mapping[str, Any]) -> Settings:
        """These settings with some values replaced (the pydantic name the callers know)."""
        return dataclasses.replace(self, **update)


_VARIABLES = {"region": "AWS_REGION", "dynamodb_endpoint": "DYNAMODB_ENDPOINT"}
_FALLBACKS = {"region": "AWS_DEFAULT_REGION", "dynamodb_endpoint": "AWS_ENDPOINT_URL_DYNAMODB"}


def _parse(name: str, raw: str) -> Any:
    if name == "workspace_rate_limit":
        return int(raw)
    if name == "webhook_allow_loopback":
        return raw.lower() in _TRUE
    if name == "webhook_retry_schedule":
        return tuple(int(part) for part in raw.split(","))
    return raw

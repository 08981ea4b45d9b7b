"""Configuration of a function: what template.yaml sets in its environment, read once per container.

The wiring builds one ``Settings`` and hands each part what it needs; nothing else reads the environment.
The CLI, the tests and the benches build theirs explicitly (``Settings(crm_table=...)``).
"""
from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_REGION = "us-east-1"


class Settings(BaseSettings):
    # Field names are the variables' names in lower case (CRM_TABLE -> crm_table).
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    crm_table: str = "contacthub-crm"
    directory_table: str = "contacthub-directory"
    # Idempotency-Key records and the email send guard; without it, keyed requests and sends answer 503.
    idempotency_table: str | None = None
    region: str = Field(DEFAULT_REGION, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    # DynamoDB Local or any other endpoint; None is the region's own.
    dynamodb_endpoint: str | None = Field(None, validation_alias="AWS_ENDPOINT_URL_DYNAMODB")

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

"""Email composers: offline templates, Amazon Bedrock, or an OpenAI-compatible endpoint (settings.email_composer)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..domain.errors import ServiceUnavailable
from ..domain.email import EmailDraft, Turn
from ..ports import Composer
from .base import Brief, Composition

if TYPE_CHECKING:
    from ..settings import Settings

logger = logging.getLogger(__name__)

CHOICES = ("offline", "bedrock", "openai")


class UnavailableComposer:
    """Stands in for a misconfigured composer: email requests answer 503 while contacts keep working."""

    name = "unavailable"

    def __init__(self, reason: str):
        self.reason = reason

    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        raise ServiceUnavailable(f"Email writing is not configured: {self.reason}", retry_after=300)

    def refine(self, brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn] = ()) -> Composition:
        raise ServiceUnavailable(f"Email writing is not configured: {self.reason}", retry_after=300)


class LazyComposer:
    """Builds its composer on first use: the offline templates compile dozens of patterns, and a cold start
    that serves no email should not pay for them."""

    def __init__(self, name: str, build: Callable[[], Composer]):
        self.name = name
        self._build = build
        self._composer: Composer | None = None

    @property
    def composer(self) -> Composer:
        if self._composer is None:
            self._composer = self._build()
        return self._composer

    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        return self.composer.write(brief, instruction, history, current)

    def refine(self, brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn] = ()) -> Composition:
        return self.composer.refine(brief, draft, instruction, history)


def composer_from_settings(settings: Settings) -> Composer:
    """The composer settings.email_composer names (EMAIL_COMPOSER; default offline)."""
    choice = (settings.email_composer or "offline").strip().lower()
    try:
        if choice == "offline":
            def offline() -> Composer:
                from .offline import OfflineComposer

                return OfflineComposer()

            return LazyComposer("offline", offline)
        if choice == "bedrock":
            from .bedrock import BedrockComposer

            model = settings.bedrock_model_id.strip()
            if not model:
                raise ValueError("BEDROCK_MODEL_ID is not set")
            return BedrockComposer(model)
        if choice == "openai":
            from .openai_compat import DEFAULT_BASE_URL, OpenAICompatibleComposer

            model = settings.openai_model.strip()
            if not model:
                raise ValueError("OPENAI_MODEL is not set")
            source = settings.openai_api_key_source.strip()
            api_key = secret_reader(source) if source else settings.openai_api_key
            return OpenAICompatibleComposer(model, settings.openai_base_url or DEFAULT_BASE_URL, api_key)
        raise ValueError(f"EMAIL_COMPOSER={choice!r}; expected one of {', '.join(CHOICES)}")
    except ValueError as error:
        logger.error("Email composer misconfigured: %s", error)
        return UnavailableComposer(str(error))


SECRET_MAX_AGE_SECONDS = 300  # a rotated key is picked up within five minutes, without a call per request


def secret_reader(source: str) -> Callable[[], str]:
    """Reads a secret on first use and then from powertools' cache: "ssm:NAME" is an SSM SecureString parameter,
    "secretsmanager:NAME" a Secrets Manager secret (its SecretString)."""
    store, _, name = source.partition(":")
    if store not in ("ssm", "secretsmanager") or not name:
        raise ValueError(f"OPENAI_API_KEY_SOURCE={source!r}; expected ssm:NAME or secretsmanager:NAME")

    def read() -> str:
        try:
            if store == "ssm":
                from aws_lambda_powertools.utilities.parameters import get_parameter

                value = get_parameter(name, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS)
            else:
                from aws_lambda_powertools.utilities.parameters import get_secret

                value = get_secret(name, max_age=SECRET_MAX_AGE_SECONDS)
        except Exception as error:  # noqa: BLE001 - a missing or unreadable secret is a configuration problem
            logger.error("Cannot read the OpenAI API key from %s: %s", source, error)
            raise ServiceUnavailable("Email writing is not configured: the API key cannot be read",
                                     retry_after=60) from None
        return str(value).strip()

    return read

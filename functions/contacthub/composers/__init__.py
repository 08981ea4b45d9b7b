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
            return OpenAICompatibleComposer(model, settings.openai_base_url or DEFAULT_BASE_URL,
                                            settings.openai_api_key)
        raise ValueError(f"EMAIL_COMPOSER={choice!r}; expected one of {', '.join(CHOICES)}")
    except ValueError as error:
        logger.error("Email composer misconfigured: %s", error)
        return UnavailableComposer(str(error))

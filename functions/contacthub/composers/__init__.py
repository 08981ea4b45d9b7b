"""Email composers: offline templates, Amazon Bedrock, or an OpenAI-compatible endpoint (EMAIL_COMPOSER)."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence

from ..domain.errors import ServiceUnavailable
from ..domain.email import EmailDraft, Turn
from .base import Brief, Composer, Composition

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


def composer_from_env(env: Mapping[str, str] | None = None) -> Composer:
    """The composer EMAIL_COMPOSER names (default offline), configured from the environment."""
    env = os.environ if env is None else env
    choice = (env.get("EMAIL_COMPOSER") or "offline").strip().lower()
    try:
        if choice == "offline":
            def offline() -> Composer:
                from .offline import OfflineComposer

                return OfflineComposer()

            return LazyComposer("offline", offline)
        if choice == "bedrock":
            from .bedrock import BedrockComposer

            model = env.get("BEDROCK_MODEL_ID", "").strip()
            if not model:
                raise ValueError("BEDROCK_MODEL_ID is not set")
            return BedrockComposer(model)
        if choice == "openai":
            from .openai_compat import DEFAULT_BASE_URL, OpenAICompatibleComposer

            model = env.get("OPENAI_MODEL", "").strip()
            if not model:
                raise ValueError("OPENAI_MODEL is not set")
            return OpenAICompatibleComposer(model, env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
                                            env.get("OPENAI_API_KEY"))
        raise ValueError(f"EMAIL_COMPOSER={choice!r}; expected one of {', '.join(CHOICES)}")
    except ValueError as error:
        logger.error("Email composer misconfigured: %s", error)
        return UnavailableComposer(str(error))

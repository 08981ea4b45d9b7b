"""Mail transports: Amazon SES (moto's SES backend in local mode and tests)."""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from ..domain.errors import ServiceUnavailable
from ..ports import Mailer
from .base import OutgoingEmail

logger = logging.getLogger(__name__)


class UnconfiguredMailer:
    """No valid SENDER_ADDRESS: sends answer 503 instead of failing every request at start-up."""

    def __init__(self, reason: str):
        self.reason = reason

    def send(self, email: OutgoingEmail) -> str:
        raise ServiceUnavailable(f"Sending email is not configured: {self.reason}", retry_after=300)


def mailer_from_env(env: Mapping[str, str] | None = None) -> Mailer:
    env = os.environ if env is None else env
    from .ses import SesMailer

    try:
        return SesMailer(env.get("SENDER_ADDRESS", "").strip(), configuration_set=env.get("SES_CONFIGURATION_SET"))
    except ValueError as error:
        logger.error("Mailer misconfigured: %s", error)
        return UnconfiguredMailer("SENDER_ADDRESS is missing or invalid")

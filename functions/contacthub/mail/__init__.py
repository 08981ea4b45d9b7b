"""Mail transports: Amazon SES (moto's SES backend in local mode and tests)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..domain.errors import ServiceUnavailable
from ..ports import Mailer
from .base import OutgoingEmail

if TYPE_CHECKING:
    from ..settings import Settings

logger = logging.getLogger(__name__)


class UnconfiguredMailer:
    """No valid SENDER_ADDRESS: sends answer 503 instead of failing every request at start-up."""

    def __init__(self, reason: str):
        self.reason = reason

    def send(self, email: OutgoingEmail) -> str:
        raise ServiceUnavailable(f"Sending email is not configured: {self.reason}", retry_after=300)


def mailer_from_settings(settings: Settings) -> Mailer:
    from .ses import SesMailer

    try:
        return SesMailer(settings.sender_address.strip(), configuration_set=settings.ses_configuration_set)
    except ValueError as error:
        logger.error("Mailer misconfigured: %s", error)
        return UnconfiguredMailer("SENDER_ADDRESS is missing or invalid")

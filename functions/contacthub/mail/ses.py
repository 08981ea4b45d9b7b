"""Amazon SES (v2 SendEmail, Simple content) as the mail transport."""
from __future__ import annotations

import logging
import re
from email.utils import formataddr
from typing import Any

from ..domain.errors import ServiceUnavailable
from ..domain.text import has_control_character, has_line_break
from .base import OutgoingEmail

logger = logging.getLogger(__name__)

# Throttling and SES's own failures: try again soon. Everything else (MessageRejected, an unverified or paused
# sender, a suspended account) needs someone to fix the configuration: try again much later.
TRANSIENT = {"TooManyRequestsException": 10, "LimitExceededException": 30, "ThrottlingException": 10,
             "InternalFailure": 5, "ServiceUnavailable": 5}
CONFIGURATION_RETRY_AFTER = 300
_TAG_VALUE = re.compile(r"[^A-Za-z0-9_-]")


class SesMailer:
    def __init__(self, sender_address: str, client: Any = None, configuration_set: str | None = None):
        if not sender_address or has_line_break(sender_address) or "@" not in sender_address:
            raise ValueError(f"invalid sender address {sender_address!r}")
        self.sender_address = sender_address
        self.configuration_set = configuration_set or None
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            # No SDK retries: a retried SendEmail after a lost answer would be a second email. Throttling
            # surfaces as 503 instead, and the client's retry goes through the idempotency check again.
            self._client = boto3.client("sesv2", config=Config(
                connect_timeout=3, read_timeout=10, retries={"mode": "standard", "total_max_attempts": 1}))
        return self._client

    def request(self, email: OutgoingEmail) -> dict:
        """The SendEmail parameters. Refuses any header value with a line break (checked upstream too)."""
        for value in (email.to, email.subject, email.from_name, email.reply_to):
            if has_line_break(value) or has_control_character(value):
                raise ValueError("line break or control character in an email header value")
        # A non-ASCII display name is RFC 2047-encoded, as SES requires.
        source = formataddr((email.from_name, self.sender_address), charset="utf-8") if email.from_name \
            else self.sender_address
        params: dict[str, Any] = {
            "FromEmailAddress": source,
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Simple": {
                "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": email.body, "Charset": "UTF-8"}},
            }},
        }
        if email.reply_to:
            params["ReplyToAddresses"] = [email.reply_to]
        if email.tags:
            params["EmailTags"] = [{"Name": name, "Value": _TAG_VALUE.sub("_", value)[:256]}
                                   for name, value in email.tags]
        if self.configuration_set:
            params["ConfigurationSetName"] = self.configuration_set
        return params

    def send(self, email: OutgoingEmail) -> str:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
        )

        params = self.request(email)
        try:
            return self.client.send_email(**params)["MessageId"]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "Unknown")
            logger.warning("SES SendEmail failed: %s", code)
            if code in TRANSIENT:
                raise ServiceUnavailable("The mail service is busy; the email was not sent, try again shortly",
                                         retry_after=TRANSIENT[code]) from error
            raise ServiceUnavailable(f"The mail service refused the email ({code}); it was not sent",
                                     retry_after=CONFIGURATION_RETRY_AFTER) from error
        except (ConnectTimeoutError, EndpointConnectionError) as error:  # the request never reached SES
            logger.warning("SES SendEmail failed: %s", type(error).__name__)
            raise ServiceUnavailable("The mail service could not be reached; the email was not sent, try again",
                                     retry_after=5) from error
        except BotoCoreError as error:  # e.g. a read timeout: SES may have accepted the email
            logger.error("SES SendEmail outcome unknown: %s", type(error).__name__)
            raise ServiceUnavailable("The mail service did not confirm the email; it may have been sent",
                                     retry_after=30) from error

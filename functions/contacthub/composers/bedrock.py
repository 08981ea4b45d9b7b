"""Amazon Bedrock through the Converse API (one request, one answer; any model Converse supports)."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..domain.errors import ServiceUnavailable
from ..domain.email import EmailDraft, Turn
from .base import Brief, Composition
from .prompt import SYSTEM, malformed, parse_answer, refine_prompt, write_prompt

logger = logging.getLogger(__name__)

# Errors after which the same request may well succeed: 503 with a short Retry-After.
TRANSIENT = {"ThrottlingException": 10, "ServiceUnavailableException": 5, "ModelNotReadyException": 10,
             "ModelTimeoutException": 5, "InternalServerException": 5, "ModelErrorException": 5,
             "ServiceQuotaExceededException": 30}
# Anything else (AccessDenied, ResourceNotFound, ValidationException...) is configuration: retry much later.
CONFIGURATION_RETRY_AFTER = 60


# API Gateway gives up after 29 s: the worst case, two attempts of (connect + read) plus the standard mode's
# first backoff (at most 1 s), is 2 x (2 + 10) + 1 = 25 s, which leaves time to answer 503 with Retry-After.
CONNECT_TIMEOUT = 2
READ_TIMEOUT = 10
MAX_ATTEMPTS = 2
WORST_CASE_SECONDS = MAX_ATTEMPTS * (CONNECT_TIMEOUT + READ_TIMEOUT) + 1


class BedrockComposer:
    name = "bedrock"

    def __init__(self, model_id: str, client: Any = None, max_tokens: int = 2_000, temperature: float = 0.4):
        self.model_id = model_id
        self._client = client
        self.max_tokens = max_tokens
        self.temperature = temperature

    @property
    def client(self):
        """Created on first use, once per container: a contacts-only request never pays for it."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client("bedrock-runtime", config=Config(
                connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}))
        return self._client

    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        return self._converse(write_prompt(brief, instruction, history, current))

    def refine(self, brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn] = ()) -> Composition:
        return self._converse(refine_prompt(brief, draft, instruction, history))

    def _converse(self, prompt: str) -> Composition:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.converse(
                modelId=self.model_id,
                system=[{"text": SYSTEM}],
                messages=[{"role": "user", "content": [{"text": prompt}]}],
                inferenceConfig={"maxTokens": self.max_tokens, "temperature": self.temperature},
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "Unknown")
            logger.warning("Bedrock converse failed: %s", code, extra={"model_id": self.model_id})
            if code in TRANSIENT:
                raise ServiceUnavailable("The writing model is busy; try again shortly",
                                         retry_after=TRANSIENT[code]) from error
            raise ServiceUnavailable(f"The writing model is not available ({code})",
                                     retry_after=CONFIGURATION_RETRY_AFTER) from error
        except BotoCoreError as error:  # timeouts, connection failures
            logger.warning("Bedrock converse failed: %s", type(error).__name__)
            raise ServiceUnavailable("The writing model did not answer in time; try again", retry_after=5) from error
        if response.get("stopReason") == "max_tokens":
            raise malformed("the answer was cut off")
        blocks = response.get("output", {}).get("message", {}).get("content", [])
        return parse_answer("".join(b.get("text", "") for b in blocks if isinstance(b, dict)))

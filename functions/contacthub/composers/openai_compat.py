"""Any OpenAI-compatible chat completions endpoint (OpenAI, Azure-style gateways, vLLM, Ollama, LiteLLM...).

Plain urllib: one POST, no SDK to package into the Lambda.
"""
from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from ..domain.errors import ServiceUnavailable
from ..domain.email import EmailDraft, Turn
from .base import Brief, Composition
from .prompt import SYSTEM, malformed, parse_answer, refine_prompt, write_prompt

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_ANSWER_BYTES = 1024 * 1024
# Per socket operation, and for the whole answer too (a slowly dripping answer must not outlive API Gateway's
# 29 s): at most connect + TIMEOUT_SECONDS, one attempt.
TIMEOUT_SECONDS = 20


def _read_until(response, deadline: float, limit: int) -> bytes:
    """At most ``limit`` bytes, giving up (TimeoutError) once ``deadline`` has passed."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer took too long")
        chunk = response.read1(min(65536, limit - size))  # read1: what has arrived, not a full buffer
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class OpenAICompatibleComposer:
    name = "openai"

    def __init__(self, model: str, base_url: str = DEFAULT_BASE_URL, api_key: str | Callable[[], str] | None = None,
                 timeout: float = TIMEOUT_SECONDS, max_tokens: int = 2_000, temperature: float = 0.4):
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"OPENAI_BASE_URL must be an http(s) URL, not {base_url!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key or None
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.temperature = temperature

    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        return self._complete(write_prompt(brief, instruction, history, current))

    def refine(self, brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn] = ()) -> Composition:
        return self._complete(refine_prompt(brief, draft, instruction, history))

    def _complete(self, prompt: str) -> Composition:
        payload = {"model": self.model, "temperature": self.temperature, "max_tokens": self.max_tokens,
                   "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        api_key = self.api_key() if callable(self.api_key) else self.api_key  # a secret read (and cached) on use
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        request = urllib.request.Request(self.url, json.dumps(payload).encode("utf-8"), headers, method="POST")
        try:
            deadline = time.monotonic() + self.timeout
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = _read_until(response, deadline, MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            status = error.code
            logger.warning("OpenAI-compatible endpoint answered HTTP %s", status)
            if status == 429 or status >= 500:
                raise ServiceUnavailable("The writing model is busy; try again shortly",
                                         retry_after=_retry_after(error.headers.get("Retry-After"))) from None
            raise ServiceUnavailable(f"The writing model refused the request (HTTP {status})",
                                     retry_after=60) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            logger.warning("OpenAI-compatible endpoint unreachable: %s", error)
            raise ServiceUnavailable("The writing model did not answer in time; try again", retry_after=5) from None
        if len(raw) > MAX_ANSWER_BYTES:
            raise malformed("the answer is too large")
        try:
            choice = json.loads(raw)["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise malformed("not a chat completion") from None
        if choice.get("finish_reason") == "length":
            raise malformed("the answer was cut off")
        return parse_answer(content if isinstance(content, str) else "")


def _retry_after(value: str | None) -> int:
    try:
        return max(1, min(int(float(value or "")), 300))
    except (TypeError, ValueError):
        return 10

"""The one conflict-retry policy: replay an optimistic write a few times, with jittered backoff between tries."""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection
from typing import TypeVar, Union

from ..domain.errors import Conflict, PreconditionFailed

T = TypeVar("T")
# What a client expects the stored version to be: one version, any of several (If-Match lists), or no check.
ExpectedVersion = Union[int, Collection[int], None]

MAX_ATTEMPTS = 3
BASE_DELAY = 0.01  # seconds; doubled per attempt, then jittered so racing writers do not collide again


def backoff(attempt: int) -> None:
    """Sleep before try ``attempt + 1`` (0-based): full jitter over an exponential ceiling."""
    time.sleep(random.uniform(0, BASE_DELAY * 2 ** attempt))  # noqa: S311 - jitter, not security


class Final(Exception):
    """Raised inside an attempt to stop retrying and raise ``error`` itself (a conflict no replay can fix)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def retry_on_conflict(attempt: Callable[[], T], attempts: int = MAX_ATTEMPTS,
                      sleep: Callable[[int], None] = backoff) -> T:
    """``attempt()`` until it does not raise Conflict; the last Conflict propagates.

    ``attempt`` must re-read what it writes: a replay on a stale copy would fail the same way.
    """
    for number in range(attempts):
        try:
            return attempt()
        except Final as final:
            raise final.error from None
        except Conflict:
            if number == attempts - 1:
                raise
            sleep(number)
    raise AssertionError("attempts must be at least 1")


def check_version(entity: str, version: int | None, expected: ExpectedVersion) -> None:
    """Raise Final(PreconditionFailed) unless ``version`` is what the client expects. Called inside an attempt,
    on the copy about to be written with its version condition, so a race is caught by the write itself."""
    if expected is None:
        return
    allowed = {expected} if isinstance(expected, int) else set(expected)
    if version not in allowed:
        raise Final(PreconditionFailed(entity, version))

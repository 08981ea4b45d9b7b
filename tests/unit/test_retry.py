"""The one conflict-retry policy."""
import pytest

from contacthub.domain.errors import Conflict
from contacthub.services.retry import MAX_ATTEMPTS, Final, retry_on_conflict


def test_conflicts_are_retried_with_backoff_then_given_up():
    sleeps, calls = [], []

    def attempt():
        calls.append(1)
        if len(calls) < MAX_ATTEMPTS:
            raise Conflict("lost")
        return "done"

    assert retry_on_conflict(attempt, sleep=sleeps.append) == "done"
    assert sleeps == list(range(MAX_ATTEMPTS - 1))
    calls.clear()
    with pytest.raises(Conflict):
        retry_on_conflict(lambda: calls.append(1) or (_ for _ in ()).throw(Conflict("always")), sleep=lambda n: None)
    assert len(calls) == MAX_ATTEMPTS


def test_final_errors_and_other_errors_are_not_retried():
    calls = []

    def final():
        calls.append(1)
        raise Final(Conflict("precondition"))

    with pytest.raises(Conflict, match="precondition"):
        retry_on_conflict(final, sleep=lambda n: None)
    with pytest.raises(ValueError):
        retry_on_conflict(lambda: calls.append(1) or int("x"), sleep=lambda n: None)
    assert len(calls) == 2

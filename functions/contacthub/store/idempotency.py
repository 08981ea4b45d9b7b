"""Idempotency keys of client requests (REST `Idempotency-Key`, GraphQL `idempotencyKey`).

Records live in the IdempotencyTable beside the email send guard (aws-lambda-powertools idempotency, its own
key prefix): the first request with a key runs and its result is kept a day; a retry with the same key and the
same fingerprint gets that result back, with another fingerprint it is refused, and while the first still runs
it is refused too (the client retries later).
"""
from __future__ import annotations

from typing import Any, Callable

from ..domain.errors import IdempotencyKeyInUse, IdempotencyKeyReused, ServiceUnavailable
from ..settings import Settings


class _Budget:
    """Stands in for the Lambda context powertools reads: how long an unfinished request holds its key.

    Longer than any invocation (API Gateway gives up at 29 s), so a live request keeps its key, and a crashed
    one frees it a minute later.
    """

    def __init__(self, seconds: int):
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return self.seconds * 1000


class _NotKept(Exception):
    """Carries a result that must not be replayed (a server error): powertools then forgets the key."""

    def __init__(self, result: dict):
        super().__init__("result not kept")
        self.result = result


class IdempotentRequests:
    KEY_PREFIX = "contacthub#request"

    def __init__(self, table_name: str | None, expires_after_seconds: int = 24 * 3600,
                 in_progress_seconds: int = 60, client: Any = None):
        self.table_name = table_name
        self.expires_after_seconds = expires_after_seconds
        self.in_progress_seconds = in_progress_seconds
        self._client = client
        self._guarded: Callable | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> IdempotentRequests:
        return cls(settings.idempotency_table)

    def _guard(self) -> Callable:
        """Built on first use: requests without a key pay nothing for it."""
        if self._guarded is None:
            if not self.table_name:
                raise ServiceUnavailable("Idempotency keys are not available: IDEMPOTENCY_TABLE is not set",
                                         retry_after=300)
            from aws_lambda_powertools.utilities.idempotency import (
                DynamoDBPersistenceLayer,
                IdempotencyConfig,
                idempotent_function,
            )

            persistence = DynamoDBPersistenceLayer(table_name=self.table_name, boto3_client=self._client)
            config = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="fingerprint",
                                       raise_on_no_idempotency_key=True,
                                       expires_after_seconds=self.expires_after_seconds,
                                       lambda_context=_Budget(self.in_progress_seconds))  # type: ignore[arg-type]

            def run_once(action: Callable[[], dict], request: dict) -> dict:
                return action()

            self._guarded = idempotent_function(run_once, data_keyword_argument="request",
                                                persistence_store=persistence, config=config,
                                                key_prefix=self.KEY_PREFIX)
        return self._guarded

    def run(self, key: str, fingerprint: str, action: Callable[[], dict],
            keep: Callable[[dict], bool] = lambda _result: True) -> tuple[dict, bool]:
        """``action()`` once per ``key``; returns (its result, whether it was replayed from an earlier run).

        ``key`` must already be scoped (workspace, operation); ``fingerprint`` identifies the request's content.
        A result ``keep`` refuses is answered but not stored, so a retry runs again.
        """
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
            IdempotencyValidationError,
        )

        ran: list[dict] = []

        def once() -> dict:
            result = action()
            ran.append(result)
            if not keep(result):
                raise _NotKept(result)
            return result

        guarded = self._guard()
        try:
            result = guarded(once, request={"key": key, "fingerprint": fingerprint})
        except _NotKept as not_kept:
            return not_kept.result, False
        except IdempotencyValidationError:
            raise IdempotencyKeyReused() from None
        except IdempotencyAlreadyInProgressError:
            raise IdempotencyKeyInUse() from None
        except IdempotencyPersistenceLayerError as error:
            if ran:  # done, but not recorded: answer it anyway (a retry would run again)
                return ran[0], False
            raise ServiceUnavailable("The idempotency key could not be checked; nothing was done, try again",
                                     retry_after=5) from error
        return result, not ran

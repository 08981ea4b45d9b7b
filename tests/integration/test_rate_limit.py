"""Per-workspace rate limit: 429 with Retry-After in each dialect's error shape, one workspace at a time."""
from __future__ import annotations

import pytest
from client import ApiClient
from contacthub.domain.errors import TooManyRequests
from contacthub.store import rate_limit
from contacthub.wiring import rate_limiter, use_settings
from environment import SETTINGS

NOW = 1_900_000_000.4


@pytest.fixture
def limited(services, monkeypatch):
    """Two requests per second and workspace, at a frozen clock."""
    monkeypatch.setattr(rate_limit.time, "time", lambda: NOW)
    use_settings(SETTINGS.model_copy(update={"workspace_rate_limit": 2}))


@pytest.mark.parametrize(("header", "path", "shape"), [
    ("Authorization", "/api/contacts", "hydra:description"),
    ("X-Api-Key", "/api/connect/contacts", "error"),
    ("x-api-key", "/v1/contacts", None),
])
def test_the_request_over_the_limit_answers_429_with_retry_after_in_the_dialects_shape(
        workspace, limited, header, path, shape):
    client = ApiClient(workspace.key, header=header)
    # Given a workspace that used its two requests of this second
    assert [client.get(path).status for _ in range(2)] == [200, 200]
    # When it sends a third
    reply = client.get(path)
    # Then it is refused with 429, told when to retry, in the dialect's own error shape
    assert reply.status == 429, reply.text
    assert reply.headers["Retry-After"] == "1"
    if shape:
        assert "Rate limit" in reply.json[shape]
    else:
        assert "Rate limit" in reply.text


def test_each_workspace_has_its_own_allowance_and_the_next_second_a_new_one(workspace, other_workspace, limited,
                                                                             monkeypatch):
    mine, theirs = ApiClient(workspace.key), ApiClient(other_workspace.key)
    assert [mine.get("/api/contacts").status for _ in range(3)] == [200, 200, 429]
    # Another workspace is not affected
    assert theirs.get("/api/contacts").status == 200
    # And the next second starts a new window
    monkeypatch.setattr(rate_limit.time, "time", lambda: NOW + 1)
    assert mine.get("/api/contacts").status == 200


def test_unauthenticated_requests_cost_no_limiter_write(workspace, limited):
    assert ApiClient("chk_" + "x" * 43).get("/api/contacts").status == 401
    assert [ApiClient(workspace.key).get("/api/contacts").status for _ in range(3)] == [200, 200, 429]


def test_the_limit_is_one_conditional_write_and_expires(services, limited):
    limiter = rate_limiter()
    limiter.hit("ws-1")
    limiter.hit("ws-1")
    with pytest.raises(TooManyRequests):
        limiter.hit("ws-1")
    item = limiter.client.get_item(TableName=SETTINGS.crm_table,
                                   Key={"pk": {"S": "WS#ws-1"}, "sk": {"S": f"RATE#{int(NOW)}"}})["Item"]
    assert item["hits"] == {"N": "2"} and int(item["expiresAt"]["N"]) == int(NOW) + rate_limit.KEEP_SECONDS


def test_a_failing_limiter_lets_requests_through(services, limited, monkeypatch):
    limiter = rate_limiter()

    def broken(**_kwargs):
        raise limiter.client.exceptions.ProvisionedThroughputExceededException(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "UpdateItem")

    monkeypatch.setattr(limiter.client, "update_item", broken)
    limiter.hit("ws-1")  # no exception

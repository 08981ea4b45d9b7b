"""The one paging policy every dialect and GraphQL take their bounds from."""
import pytest

from contacthub.domain.errors import ValidationFailed
from contacthub.services.paging import MAX_PAGE_SIZE, bounded, decode_cursor, encode_cursor, mirrored, scope


def test_bounded_clamps_the_size_and_answers_any_depth():
    assert bounded(0, 0) == (0, 1)
    assert bounded(-5, MAX_PAGE_SIZE + 1) == (0, MAX_PAGE_SIZE)
    assert bounded(10_000_000, 10) == (10_000_000, 10)


def test_a_cursor_round_trips_only_within_its_scope():
    mine, theirs = scope("ws1", {"name": "ann"}, None), scope("ws2", {"name": "ann"}, None)
    assert mine != theirs and len(mine) == 16
    cursor = encode_cursor(mine, "anna#c1")
    assert "anna" not in cursor  # opaque: base64url, no padding
    assert decode_cursor(mine, cursor) == "anna#c1"
    for scope_, bad in ((theirs, cursor), (mine, "%%%"), (mine, encode_cursor(mine, "k")[:-3])):
        with pytest.raises(ValidationFailed) as refused:
            decode_cursor(scope_, bad, "after")
        assert refused.value.violations[0].path == "after"


@pytest.mark.parametrize("offset, limit, total, expected", [
    (0, 3, 5, (2, 3)), (3, 3, 5, (0, 2)), (5, 3, 5, (0, 0)), (0, 10, 5, (0, 5)), (0, 0, 5, (5, 0)),
])
def test_mirrored_window(offset, limit, total, expected):
    assert mirrored(offset, limit, total) == expected

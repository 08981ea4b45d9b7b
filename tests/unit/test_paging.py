"""The one paging policy every dialect and GraphQL take their bounds from."""
import pytest

from contacthub.domain.errors import ValidationFailed
from contacthub.services.paging import MAX_OFFSET, MAX_PAGE_SIZE, bounded, mirrored


def test_bounded_clamps_the_size_and_refuses_deep_pages():
    assert bounded(0, 0) == (0, 1)
    assert bounded(-5, MAX_PAGE_SIZE + 1) == (0, MAX_PAGE_SIZE)
    assert bounded(MAX_OFFSET - 10, 10) == (MAX_OFFSET - 10, 10)
    with pytest.raises(ValidationFailed) as refused:
        bounded(MAX_OFFSET - 10, 11, "tasks")
    assert refused.value.violations[0].path == "page" and "tasks" in refused.value.violations[0].message


@pytest.mark.parametrize("offset, limit, total, expected", [
    (0, 3, 5, (2, 3)), (3, 3, 5, (0, 2)), (5, 3, 5, (0, 0)), (0, 10, 5, (0, 5)), (0, 0, 5, (5, 0)),
])
def test_mirrored_window(offset, limit, total, expected):
    assert mirrored(offset, limit, total) == expected

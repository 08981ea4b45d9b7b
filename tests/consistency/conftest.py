"""Read-your-writes under the consistency fault mode: eventually consistent reads never catch up.

`stale_dynamodb` turns the fault on after the `workspace` fixture exists (an established workspace, its key
and pipeline are the common past); whatever a test writes next is seen only by strongly consistent reads.
"""
from __future__ import annotations

import pytest

from contacthub_local.consistency_faults import stale_reads


@pytest.fixture
def stale_dynamodb(workspace):
    with stale_reads(lag_ms=None) as faults:
        yield faults


@pytest.fixture
def api(letsligo):
    """One client for every dialect and GraphQL: each accepts the Bearer key letsligo sends."""
    return letsligo

"""Lambda entry point of /hub/v1 (template.yaml: HubFunction)."""
from __future__ import annotations

from ...startup import init_phase

with init_phase():  # the objects built here live as long as the container: see contacthub.startup
    from ..common import build_api
    from .bulk_jobs import bulk_jobs
    from .duplicates import duplicates
    from .errors import HUB
    from .merges import merges
    from .routes import contacts, events, webhooks

    app, lambda_handler = build_api(HUB, events, webhooks, contacts, duplicates, merges, bulk_jobs)

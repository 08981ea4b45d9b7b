"""Lambda entry point of the skarbe dialect (template.yaml: SkarbeFunction)."""
from __future__ import annotations

from ...startup import init_phase

with init_phase():  # the objects built here live as long as the container: see contacthub.startup
    from ..common import build_api
    from .errors import SKARBE
    from .routes import account, contacts, lead_statuses

    app, lambda_handler = build_api(SKARBE, lead_statuses, contacts, account)

"""Lambda entry point of the whautomate dialect (template.yaml: WhautomateFunction)."""
from __future__ import annotations

from ...startup import init_phase

with init_phase():  # the objects built here live as long as the container: see contacthub.startup
    from ..common import build_api
    from .errors import WHAUTOMATE
    from .routes import contacts

    app, lambda_handler = build_api(WHAUTOMATE, contacts)

"""Lambda entry point of the skarbe dialect (template.yaml: SkarbeFunction)."""
from __future__ import annotations

from ..common import build_api
from .errors import SKARBE
from .routes import account, contacts, lead_statuses

app, lambda_handler = build_api(SKARBE, lead_statuses, contacts, account)

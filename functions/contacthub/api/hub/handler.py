"""Lambda entry point of /hub/v1 (template.yaml: HubFunction)."""
from __future__ import annotations

from ..common import build_api
from .errors import HUB
from .routes import contacts, events, webhooks

app, lambda_handler = build_api(HUB, events, webhooks, contacts)

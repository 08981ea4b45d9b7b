"""Lambda entry point of the whautomate dialect (template.yaml: WhautomateFunction)."""
from __future__ import annotations

from ..common import build_api
from .errors import WHAUTOMATE
from .routes import contacts

app, lambda_handler = build_api(WHAUTOMATE, contacts)

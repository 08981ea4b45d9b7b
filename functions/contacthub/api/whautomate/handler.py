"""Lambda entry point of the whautomate dialect (template.yaml: WhautomateFunction)."""
from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from ..common import install, make_handler
from .errors import WHAUTOMATE
from .routes import contacts

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(contacts)
install(app, WHAUTOMATE)

lambda_handler = make_handler(app, WHAUTOMATE)

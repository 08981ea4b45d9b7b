"""Lambda entry point of the skarbe dialect (template.yaml: SkarbeFunction)."""
from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from ..common import install, make_handler
from .errors import SKARBE
from .routes import account, contacts, lead_statuses

app = APIGatewayRestResolver(enable_validation=True)
# Powertools tries literal paths before parameterised ones, as API Gateway does, so
# /api/connect/contacts/lead-statuses is never taken for /api/connect/contacts/{id}.
app.include_router(lead_statuses)
app.include_router(contacts)
app.include_router(account)
install(app, SKARBE)

lambda_handler = make_handler(app, SKARBE)

"""Lambda entry point of the letsligo dialect (template.yaml: LetsligoFunction)."""
from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from ..common import install, make_handler
from .errors import LETSLIGO
from .routes import contacts, pipeline_states

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(contacts)
app.include_router(pipeline_states)
install(app, LETSLIGO)

lambda_handler = make_handler(app, LETSLIGO)

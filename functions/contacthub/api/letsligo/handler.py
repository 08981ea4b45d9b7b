"""Lambda entry point of the letsligo dialect (template.yaml: LetsligoFunction)."""
from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from ..common import install, make_handler
from .capture import capture
from .emails import emails
from .errors import LETSLIGO
from .routes import contacts, pipeline_states
from .tasks import contact_tasks

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(capture)  # literal /api/contacts/prepare|confirm before /api/contacts/<id>
app.include_router(contacts)
app.include_router(pipeline_states)
app.include_router(contact_tasks)
app.include_router(emails)
install(app, LETSLIGO)

lambda_handler = make_handler(app, LETSLIGO)

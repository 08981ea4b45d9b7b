"""Lambda entry point of the letsligo dialect (template.yaml: LetsligoFunction)."""
from __future__ import annotations

from ...startup import init_phase

with init_phase():  # the objects built here live as long as the container: see contacthub.startup
    from ..common import build_api
    from .capture.routes import capture
    from .contacts.routes import contacts
    from .emails.routes import emails
    from .errors import LETSLIGO
    from .pipeline_states.routes import pipeline_states
    from .tasks.routes import contact_tasks

    # capture first: literal /api/contacts/prepare|confirm before /api/contacts/<id>
    app, lambda_handler = build_api(LETSLIGO, capture, contacts, pipeline_states, contact_tasks, emails)

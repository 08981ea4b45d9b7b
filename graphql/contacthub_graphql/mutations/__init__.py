"""The Mutation root: one mixin per resource."""
from __future__ import annotations

import strawberry

from .capture_mutations import CaptureMutations
from .contact_mutations import ContactMutations
from .email_mutations import EmailMutations
from .pipeline_state_mutations import PipelineStateMutations
from .task_mutations import TaskMutations
from .webhook_mutations import WebhookMutations


@strawberry.type
class Mutation(ContactMutations, TaskMutations, PipelineStateMutations, CaptureMutations, EmailMutations,
               WebhookMutations):
    pass

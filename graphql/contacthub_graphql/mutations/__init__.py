"""The Mutation root: one mixin per resource."""

import strawberry

from .capture_mutations import CaptureMutations
from .contact_batch_mutations import ContactBatchMutations
from .contact_mutations import ContactMutations
from .email_mutations import EmailMutations
from .merge_mutations import MergeMutations
from .pipeline_state_mutations import PipelineStateMutations
from .task_mutations import TaskMutations
from .webhook_mutations import WebhookMutations


@strawberry.type(description="Writes. Each mutation takes one `input` and answers a payload: the changed "
                             "object, or `error`, a union of the expected failures (nothing was changed). "
                             "`idempotencyKey` (on creates) makes a retry answer the object the first call created.")
class Mutation(ContactMutations, ContactBatchMutations, TaskMutations, PipelineStateMutations, CaptureMutations,
               EmailMutations, WebhookMutations, MergeMutations):
    pass

"""The Mutation root: one mixin per resource."""
from __future__ import annotations

import strawberry

from .contact_mutations import ContactMutations
from .pipeline_state_mutations import PipelineStateMutations
from .task_mutations import TaskMutations


@strawberry.type
class Mutation(ContactMutations, TaskMutations, PipelineStateMutations):
    pass

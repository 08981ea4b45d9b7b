
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..inputs import (
    AddTagsInput,
    CreateContactInput,
    DeleteContactInput,
    ExtendContactInput,
    MoveContactToPipelineStateInput,
    RemoveTagsInput,
    UpdateContactInput,
    changes,
)
from ..payloads import (
    AddTagsPayload,
    CreateContactPayload,
    DeleteContactPayload,
    ExtendContactPayload,
    MoveContactToPipelineStatePayload,
    RemoveTagsPayload,
    UpdateContactPayload,
)
from ..types.contact import Contact
from .idempotent import KEY_DESCRIPTION, once
from .outcome import outcome


@strawberry.type
class ContactMutations:
    @strawberry.mutation(description="Create a contact (status pending).")
    def create_contact(self, info: Info, input: CreateContactInput,
                       idempotency_key: Annotated[str | None, strawberry.argument(description=KEY_DESCRIPTION)]
                       = None) -> CreateContactPayload:
        ctx = info.context
        return outcome(info, CreateContactPayload, lambda: CreateContactPayload(contact=Contact.from_domain(once(
            info, "createContact", idempotency_key, input,
            lambda: ctx.services.contacts.create(ctx.workspace_id, changes(input)),
            lambda made: made.id, lambda made_id: ctx.services.contacts.get(ctx.workspace_id, made_id)))))

    @strawberry.mutation(description="Change the given fields of a contact.")
    def update_contact(self, info: Info, input: UpdateContactInput) -> UpdateContactPayload:
        ctx = info.context
        fields = changes(input, skip=("id", "expected_version"))
        return outcome(info, UpdateContactPayload, lambda: UpdateContactPayload(
            contact=Contact.from_domain(ctx.services.contacts.update(
                ctx.workspace_id, str(input.id), fields, expected_version=input.expected_version))))

    @strawberry.mutation(description="Delete a contact and its tasks.")
    def delete_contact(self, info: Info, input: DeleteContactInput) -> DeleteContactPayload:
        ctx = info.context
        return outcome(info, DeleteContactPayload, lambda: DeleteContactPayload(
            deleted_contact_id=ctx.services.contacts.delete(ctx.workspace_id, str(input.id),
                                                            expected_version=input.expected_version).id))

    @strawberry.mutation(description="Append text on a new line to the contact's notes or meeting context.")
    def extend_contact(self, info: Info, input: ExtendContactInput) -> ExtendContactPayload:
        ctx = info.context
        return outcome(info, ExtendContactPayload, lambda: ExtendContactPayload(
            contact=Contact.from_domain(ctx.services.contacts.extend(
                ctx.workspace_id, str(input.id), input.text, input.field.value))))

    @strawberry.mutation(description="Put a contact in a pipeline state, or take it out with null.")
    def move_contact_to_pipeline_state(self, info: Info, input: MoveContactToPipelineStateInput
                                       ) -> MoveContactToPipelineStatePayload:
        ctx = info.context
        state_id = str(input.pipeline_state_id) if input.pipeline_state_id else None
        return outcome(info, MoveContactToPipelineStatePayload, lambda: MoveContactToPipelineStatePayload(
            contact=Contact.from_domain(ctx.services.contacts.set_pipeline_state(
                ctx.workspace_id, str(input.contact_id), state_id))))

    @strawberry.mutation(description="Add tags to a contact (case-insensitive; existing tags are kept).")
    def add_tags(self, info: Info, input: AddTagsInput) -> AddTagsPayload:
        ctx = info.context
        return outcome(info, AddTagsPayload, lambda: AddTagsPayload(
            contact=Contact.from_domain(ctx.services.contacts.add_tags(
                ctx.workspace_id, str(input.contact_id), input.tags))))

    @strawberry.mutation(description="Remove tags from a contact (case-insensitive; absent: skipped).")
    def remove_tags(self, info: Info, input: RemoveTagsInput) -> RemoveTagsPayload:
        ctx = info.context
        return outcome(info, RemoveTagsPayload, lambda: RemoveTagsPayload(
            contact=Contact.from_domain(ctx.services.contacts.remove_tags(
                ctx.workspace_id, str(input.contact_id), input.tags))))

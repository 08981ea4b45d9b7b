"""/hub/v1 merge wire models (requests refuse unknown properties; responses document merges.py)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from ...domain.merges import MAX_MERGED
from .schemas import ContactOut


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: list[StrictStr | StrictInt] = Field(alias="from", min_length=1, max_length=MAX_MERGED, description=(
        f"The contacts folded into this one (ids or integer ids), at most {MAX_MERGED}. They are removed; their "
        "ids keep answering this contact in every API until the merge is undone"))
    prefer: dict[str, StrictStr | StrictInt] | None = Field(None, description=(
        "Field name -> the contact (this one or one in `from`) whose value wins. Without it this contact keeps "
        "its values, and a field it lacks takes the first value found in `from`'s order. For emails, phones, "
        "tags and customFields (always united) it says whose come first"))
    dryRun: StrictBool = Field(False, description="Answer what the merge would give, and write nothing")


class MergeInfo(BaseModel):
    id: str = Field(description="The merge's id, for its undo")
    status: str = Field(description="pending, done, undoing or undone")
    survivorId: str
    mergedIds: list[str]
    mergedNumbers: list[int]
    changes: list[str] = Field(description="The survivor's fields the merge changed")
    movedTasks: int
    notReverted: list[str] = Field(description="After an undo: the survivor's fields edited since the merge, kept")
    createdAt: str | None
    undoableUntil: str | None
    undoneAt: str | None


class MergeOut(BaseModel):
    merge: MergeInfo
    dryRun: bool
    contact: ContactOut = Field(description="The surviving contact as merged (or as it would be)")


class UndoOut(BaseModel):
    merge: MergeInfo
    contact: ContactOut | None = Field(description="The survivor with the merge's values reverted (null if it was "
                                                   "deleted since)")
    restored: list[ContactOut] = Field(description="The merged contacts, back with their ids, tags and tasks")
    notReverted: list[str] = Field(description="Survivor fields edited since the merge: they keep their value")

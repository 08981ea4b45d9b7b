"""/hub/v1 merges: fold contacts into one, and undo that within 30 days (rules in domain.merges)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.merges import MergeRecord
from ...services.merges import MergeOutcome, UndoOutcome
from ...wiring import services
from .. import conditional
from ..common import principal
from . import mapping
from ..validation import documented, lazy_module
from .routes import _doc, _json

if TYPE_CHECKING:
    from . import merge_schemas, schemas
else:  # wire models: imported when a merge (or the API reference) first needs them
    merge_schemas = lazy_module(__package__ + ".merge_schemas")
    schemas = lazy_module(__package__ + ".schemas")

merges = Router()


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"model": schemas.ProblemOut}}}


def _ws() -> str:
    return principal(merges).workspace_id


def _field(name: str) -> str:
    return mapping.FIELD_NAMES.get(name, name)


def merge_to_wire(record: MergeRecord) -> dict[str, Any]:
    return {"id": record.id, "status": record.status, "survivorId": record.survivor_id,
            "mergedIds": list(record.merged_ids), "mergedNumbers": [c.number for c in record.merged],
            "changes": [_field(f) for f in record.changed_fields()],
            "movedTasks": len(record.tasks),
            "notReverted": [_field(f) for f in record.not_reverted],
            "createdAt": record.created_at.isoformat() if record.created_at else None,
            "undoableUntil": record.expires_at.isoformat() if record.created_at else None,
            "undoneAt": record.undone_at.isoformat() if record.undone_at else None}


def _merged(outcome: MergeOutcome) -> dict[str, Any]:
    return {"merge": merge_to_wire(outcome.record), "dryRun": outcome.dry_run,
            "contact": mapping.contact_to_wire(outcome.survivor)}


def _undone(outcome: UndoOutcome) -> dict[str, Any]:
    return {"merge": merge_to_wire(outcome.record),
            "contact": mapping.contact_to_wire(outcome.survivor) if outcome.survivor else None,
            "restored": [mapping.contact_to_wire(c) for c in outcome.restored],
            "notReverted": [_field(f) for f in outcome.record.not_reverted]}


@merges.post("/hub/v1/contacts/<id>/merge", summary="Merge other contacts into this one (or preview it: dryRun)")
@documented(lambda: {
    **_doc(merge_schemas.MergeOut, 200, "Merged (or, with dryRun, what the merge would give: nothing written)"),
    409: _problem("The contact changed meanwhile, or another merge into it is under way"),
    412: _problem("If-Match names another version of this contact")})
def merge_contacts(id: str, body: merge_schemas.MergeRequest):  # noqa: A002 - the path parameter's name
    prefer = {mapping.canonical_field(name): str(owner) for name, owner in (body.prefer or {}).items()}
    outcome = services().merges.merge(_ws(), id, [str(ref) for ref in body.from_], prefer, dry_run=body.dryRun,
                                      expected_version=conditional.if_match(merges))
    response = _json(_merged(outcome))
    if not outcome.dry_run:
        response.headers["Location"] = f"/hub/v1/merges/{outcome.record.id}"
    return conditional.tagged(response, outcome.survivor.version)


@merges.post("/hub/v1/merges/<mergeId>/undo", summary="Undo a merge (within 30 days)")
@documented(lambda: {
    **_doc(merge_schemas.UndoOut, 200, "Undone; `notReverted` lists the survivor's fields edited since the merge, "
                                       "which keep their current value"),
    409: _problem("Already undone, or the merge has not finished"),
    410: _problem("Older than 30 days")})
def undo_merge(mergeId: str):  # noqa: N803 - the path parameter's name
    return _json(_undone(services().merges.undo(_ws(), mergeId)))


@merges.get("/hub/v1/merges/<mergeId>", summary="Get a merge (kept 30 days): what it moved and changed, its status")
@documented(lambda: _doc(merge_schemas.MergeInfo))
def get_merge(mergeId: str):  # noqa: N803 - the path parameter's name
    return _json(merge_to_wire(services().merges.get(_ws(), mergeId)))

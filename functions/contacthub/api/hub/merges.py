"""/hub/v1 merges: fold contacts into one, and undo that within 30 days (rules in domain.merges)."""
from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.merges import MergeRecord
from ...services.merges import MergeOutcome, UndoOutcome
from ...wiring import services
from .. import conditional
from ..common import principal
from . import mapping
from .merge_schemas import MergeInfo, MergeOut, MergeRequest, UndoOut
from .routes import _doc, _json
from .schemas import ProblemOut

_PROBLEM: Any = {"content": {"application/problem+json": {"model": ProblemOut}}}

merges = Router()


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


@merges.post("/hub/v1/contacts/<id>/merge", summary="Merge other contacts into this one (or preview it: dryRun)",
             responses={**_doc(MergeOut, 200, "Merged (or, with dryRun, what the merge would give: nothing written)"),
                        409: {"description": "The contact changed meanwhile, or another merge into it is under way",
                              **_PROBLEM},
                        412: {"description": "If-Match names another version of this contact", **_PROBLEM}})
def merge_contacts(id: str, body: MergeRequest):  # noqa: A002 - the path parameter's name
    prefer = {mapping.canonical_field(name): str(owner) for name, owner in (body.prefer or {}).items()}
    outcome = services().merges.merge(_ws(), id, [str(ref) for ref in body.from_], prefer, dry_run=body.dryRun,
                                      expected_version=conditional.if_match(merges))
    response = _json(_merged(outcome))
    if not outcome.dry_run:
        response.headers["Location"] = f"/hub/v1/merges/{outcome.record.id}"
    return conditional.tagged(response, outcome.survivor.version)


@merges.post("/hub/v1/merges/<mergeId>/undo", summary="Undo a merge (within 30 days)",
             responses={**_doc(UndoOut, 200, "Undone; `notReverted` lists the survivor's fields edited since the "
                                             "merge, which keep their current value"),
                        409: {"description": "Already undone, or the merge has not finished", **_PROBLEM},
                        410: {"description": "Older than 30 days", **_PROBLEM}})
def undo_merge(mergeId: str):  # noqa: N803 - the path parameter's name
    return _json(_undone(services().merges.undo(_ws(), mergeId)))


@merges.get("/hub/v1/merges/<mergeId>", summary="Get a merge (kept 30 days): what it moved and changed, its status",
            responses=_doc(MergeInfo))
def get_merge(mergeId: str):  # noqa: N803 - the path parameter's name
    return _json(merge_to_wire(services().merges.get(_ws(), mergeId)))

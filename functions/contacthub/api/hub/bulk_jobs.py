"""/hub/v1/imports and /hub/v1/exports: asynchronous jobs (see services/imports.py and services/exports.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.bulk_jobs import BulkJob, JobStatus
from ...wiring import services
from ..validation import documented, lazy_module
from .routes import _doc, _json, _ws

if TYPE_CHECKING:
    from . import bulk_schemas
else:  # wire models: imported when a job route (or the API reference) first needs them
    bulk_schemas = lazy_module(__package__ + ".bulk_schemas")

bulk_jobs = Router()


def _times(job: BulkJob) -> dict[str, str]:
    return {"createdAt": job.created_at.isoformat(), "updatedAt": job.updated_at.isoformat()}


def _import_to_wire(job: BulkJob) -> dict[str, Any]:
    from ...services.imports import CONTENT_TYPES  # the file formats' code, on an import route only

    imports = services().imports
    awaiting = job.status is JobStatus.AWAITING_UPLOAD
    counts = {k: job.counts.get(k, 0) for k in ("rows", "created", "updated", "unchanged", "skipped", "failed")}
    return {"id": job.id, "status": job.status.value, "format": job.format.value,
            "onDuplicate": job.on_duplicate.value, "dryRun": job.dry_run, "counts": counts,
            "bytesRead": job.next_offset, "detectedFormat": job.detected_format,
            "ignoredColumns": list(job.ignored_columns), "error": job.error,
            "uploadUrl": imports.upload_url(job) if awaiting else None,
            "uploadHeaders": {"Content-Type": CONTENT_TYPES[job.format]} if awaiting else None,
            "failedRowsUrl": imports.failed_rows_url(job), **_times(job)}


def _export_to_wire(job: BulkJob) -> dict[str, Any]:
    return {"id": job.id, "status": job.status.value, "format": job.format.value, "filter": job.query,
            "counts": {"rows": job.counts.get("rows", 0), "total": job.counts.get("total")},
            "downloadUrl": services().exports.download_url(job), **_times(job)}


@bulk_jobs.post("/hub/v1/imports", summary="Start an import: answers the job and the link to upload the file to")
@documented(lambda: _doc(bulk_schemas.ImportOut, 201, "Created; PUT the file to uploadUrl"))
def create_import(body: bulk_schemas.ImportCreate):
    job, _ = services().imports.create(_ws(bulk_jobs), body.format, body.onDuplicate, body.dryRun, body.mapping,
                                       body.size)
    response = _json(_import_to_wire(job), 201)
    response.headers["Location"] = f"/hub/v1/imports/{job.id}"
    return response


@bulk_jobs.get("/hub/v1/imports/<id>", summary="An import's status, counts and failed rows")
@documented(lambda: _doc(bulk_schemas.ImportOut))
def get_import(id: str):  # noqa: A002 - the path parameter's name
    return _json(_import_to_wire(services().imports.get(_ws(bulk_jobs), id)))


@bulk_jobs.post("/hub/v1/exports", summary="Start an export of every contact, or of those a filter picks")
@documented(lambda: _doc(bulk_schemas.ExportOut, 202, "Queued; poll it until downloadUrl is given"))
def create_export(body: bulk_schemas.ExportCreate):
    query = body.filter.model_dump(exclude_none=True) if body.filter else {}
    job = services().exports.create(_ws(bulk_jobs), body.format, query)
    response = _json(_export_to_wire(job), 202)
    response.headers["Location"] = f"/hub/v1/exports/{job.id}"
    return response


@bulk_jobs.get("/hub/v1/exports/<id>", summary="An export's status and, once done, its download link")
@documented(lambda: _doc(bulk_schemas.ExportOut))
def get_export(id: str):  # noqa: A002
    return _json(_export_to_wire(services().exports.get(_ws(bulk_jobs), id)))

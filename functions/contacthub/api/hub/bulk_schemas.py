"""/hub/v1 import and export wire models. Requests refuse unknown properties; responses document what
bulk_jobs.py emits."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from ...domain.bulk_jobs import MAX_IMPORT_BYTES, DuplicatePolicy, FileFormat


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImportCreate(_Wire):
    format: FileFormat = Field(FileFormat.CSV, description="csv (Google Contacts, Outlook, HubSpot and generic "
                                                           "headers are recognised) or vcard (2.1 to 4.0)")
    onDuplicate: DuplicatePolicy = Field(DuplicatePolicy.SKIP, description=(
        "A row matching a contact (same email, case-insensitive, or same phone by E.164): skip leaves the contact "
        "as it is, update writes the row's fields to it (adding its emails, phones and tags to the contact's), "
        "create makes a new contact all the same"))
    dryRun: StrictBool = Field(False, description="Count what would happen, write nothing")
    mapping: dict[StrictStr, StrictStr] | None = Field(None, description=(
        "CSV only: header -> field (name, first_name, last_name, emails, phones, company, position, address, "
        "website, linkedin_url, notes, tags, address.street/city/region/code/country); columns not named are "
        "ignored. Without it the header is recognised"))
    size: StrictInt | None = Field(None, ge=0, le=MAX_IMPORT_BYTES, description=(
        f"The file's size in bytes, if known: a file over {MAX_IMPORT_BYTES} bytes is refused now"))


class ExportFilter(_Wire):
    search: StrictStr | None = Field(None, max_length=100, description="Name, email or phone")
    tags: list[StrictStr] | None = Field(None, max_length=10, description="Contacts having every one of these tags")


class ExportCreate(_Wire):
    format: FileFormat = Field(description="csv, or vcard (version 4.0)")
    filter: ExportFilter | None = Field(None, description="Without it, every contact of the workspace")


class ImportCounts(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int = Field(description="Matched a contact the row would not change")
    skipped: int = Field(description="Matched a contact, left as it is (onDuplicate skip)")
    failed: int


class ImportOut(BaseModel):
    id: str
    status: str = Field(description="awaiting_upload, processing, done or failed (the file as a whole could not "
                                    "be read; see error)")
    format: str
    onDuplicate: str
    dryRun: bool
    counts: ImportCounts
    bytesRead: int = Field(description="How far into the file the import has got (progress)")
    detectedFormat: str | None = Field(description="google, outlook, hubspot, contacthub, generic or explicit")
    ignoredColumns: list[str]
    error: str | None
    uploadUrl: str | None = Field(description="While awaiting the upload: PUT the file here, with uploadHeaders")
    uploadHeaders: dict[str, str] | None
    failedRowsUrl: str | None = Field(description="Once done, when rows failed: a CSV of their row numbers and "
                                                  "reasons (a link valid for an hour)")
    createdAt: str
    updatedAt: str


class ExportCounts(BaseModel):
    rows: int = Field(description="Contacts written so far")
    total: int | None = Field(None, description="Contacts to write, when known (an export without filter)")


class ExportOut(BaseModel):
    id: str
    status: str = Field(description="queued, processing, done or failed")
    format: str
    filter: dict
    counts: ExportCounts
    downloadUrl: str | None = Field(description="Once done: the file (a link valid for an hour)")
    createdAt: str
    updatedAt: str

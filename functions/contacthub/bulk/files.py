"""Job files on S3: uploads, failed-row reports and exports, every key prefixed by its workspace.

Links are S3 presigned URLs. The local server has no S3 endpoint a client could reach, so there (``url_base``
set) a link is the local server's own ``/local/files/<token>``, the token signed like a presigned URL: the
object's key, the one method it allows and its expiry, under an HMAC of the server's secret.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from .. import aws_clients
from ..domain.bulk_jobs import PART_BYTES

READ_BYTES = 256 * 1024
LOCAL_PATH = "/local/files/"


class S3BulkFiles:
    def __init__(self, bucket: str | None, region: str, url_seconds: int = 3600, url_base: str | None = None,
                 url_secret: str | None = None):
        self._bucket = bucket
        self._region = region
        self._seconds = url_seconds
        self._url_base = url_base.rstrip("/") if url_base else None
        self._secret = url_secret or ""

    def _s3(self) -> Any:
        if not self._bucket:
            raise RuntimeError("no bucket configured for import and export files (BULK_BUCKET)")
        return aws_clients.client("s3", self._region, signature_version="s3v4")

    # ---------------------------------------------------------------- links
    def upload_url(self, key: str, content_type: str) -> str:
        if self._url_base:
            return self._local_url(key, "PUT")
        return str(self._s3().generate_presigned_url(
            "put_object", Params={"Bucket": self._bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=self._seconds))

    def download_url(self, key: str, filename: str) -> str:
        if self._url_base:
            return self._local_url(key, "GET")
        return str(self._s3().generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key,
                                  "ResponseContentDisposition": f"attachment; filename=\"{filename}\""},
            ExpiresIn=self._seconds))

    def _local_url(self, key: str, method: str) -> str:
        return f"{self._url_base}{LOCAL_PATH}{quote(local_token(key, method, self._secret, self._seconds))}"

    # ---------------------------------------------------------------- objects
    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return int(self._s3().head_object(Bucket=self._bucket, Key=key)["ContentLength"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def read(self, key: str, offset: int = 0) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            answer = self._s3().get_object(Bucket=self._bucket, Key=key, Range=f"bytes={offset}-")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":  # offset at the end: nothing left
                return iter(())
            raise
        return answer["Body"].iter_chunks(READ_BYTES)

    def write(self, key: str, pieces: Iterable[bytes], content_type: str) -> int:
        buffer = bytearray()
        upload_id: str | None = None
        number = total = 0
        try:
            for piece in pieces:
                buffer += piece
                total += len(piece)
                if len(buffer) >= PART_BYTES:
                    upload_id = upload_id or self.start_upload(key, content_type)
                    number += 1
                    self.write_part(key, upload_id, number, bytes(buffer))
                    buffer.clear()
            if upload_id is None:
                self._s3().put_object(Bucket=self._bucket, Key=key, Body=bytes(buffer), ContentType=content_type)
                return total
            if buffer:
                self.write_part(key, upload_id, number + 1, bytes(buffer))
            self.finish_upload(key, upload_id)
            return total
        except BaseException:
            if upload_id is not None:  # the bucket's lifecycle rule also aborts forgotten uploads after a day
                self._s3().abort_multipart_upload(Bucket=self._bucket, Key=key, UploadId=upload_id)
            raise

    # ---------------------------------------------------------------- an object written in parts over several runs
    def start_upload(self, key: str, content_type: str) -> str:
        return str(self._s3().create_multipart_upload(Bucket=self._bucket, Key=key,
                                                      ContentType=content_type)["UploadId"])

    def write_part(self, key: str, upload_id: str, number: int, data: bytes) -> None:
        """Part ``number`` (from 1); written again, it replaces the earlier one. Every part but the last must hold
        at least 5 MiB (S3's rule)."""
        self._s3().upload_part(Bucket=self._bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data)

    def finish_upload(self, key: str, upload_id: str) -> None:
        """Join the upload's parts into the object; nothing to do when another run finished it already."""
        from botocore.exceptions import ClientError

        s3 = self._s3()
        try:
            parts = [{"PartNumber": part["PartNumber"], "ETag": part["ETag"]}
                     for page in s3.get_paginator("list_parts").paginate(Bucket=self._bucket, Key=key,
                                                                         UploadId=upload_id)
                     for part in page.get("Parts", ())]
            s3.complete_multipart_upload(Bucket=self._bucket, Key=key, UploadId=upload_id,
                                         MultipartUpload={"Parts": parts})
        except ClientError as error:
            if not self._completed(error, key):
                raise

    def _completed(self, error: Exception, key: str) -> bool:
        """S3 no longer knows the upload and its object exists: another run completed it (every job writes its
        own key, so the object can be no other)."""
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code == "NoSuchUpload" and self.size(key) is not None


# -------------------------------------------------------------------- local links
def _sign(payload: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def local_token(key: str, method: str, secret: str, seconds: int, now: float | None = None) -> str:
    body = json.dumps({"k": key, "m": method, "e": int((now or time.time()) + seconds)}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_sign(payload, secret)}"


def key_for_local_token(token: str, method: str, secret: str, now: float | None = None) -> str | None:
    """The object key a local link names, if its signature holds, it allows ``method`` and has not expired."""
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload, secret)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    if body.get("m") != method or float(body.get("e", 0)) < (now or time.time()):
        return None
    key = body.get("k")
    return key if isinstance(key, str) else None

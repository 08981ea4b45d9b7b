"""Import and export jobs in local mode: the bucket and queue in moto, shaped as template.yaml declares them
(the upload notification included), and the job file links served by the local server itself.

In AWS a client PUTs an import's file to an S3 presigned URL and GETs an export from one. Locally there is no
S3 endpoint it could reach, so the links are the server's ``/local/files/<token>`` (signed with a secret of
the server, see contacthub.bulk.files): a PUT stores the body in moto's S3, whose notification queues the
upload event for BulkFunction exactly as the bucket does in AWS; a GET answers the object.
"""
from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from contacthub.bulk.files import LOCAL_PATH, key_for_local_token
from contacthub.domain.bulk_jobs import MAX_IMPORT_BYTES

from .server import LOCAL_PATHS, LocalResponse, gateway_error
from .template import resources

if TYPE_CHECKING:
    from contacthub.settings import Settings

BUCKET = "contacthub-bulk"
QUEUE = "contacthub-bulk"


def _upload_suffix() -> str:
    """The suffix the template's bucket notification filters uploads on."""
    bucket = resources(kind="AWS::S3::Bucket")["BulkBucket"]["Properties"]
    rules = bucket["NotificationConfiguration"]["QueueConfigurations"][0]["Filter"]["S3Key"]["Rules"]
    return next(r["Value"] for r in rules if r["Name"] == "suffix")


def create_bulk_resources(region: str, bucket: str = BUCKET, queue: str = QUEUE) -> tuple[str, str]:
    """The bucket (its upload events going to the queue) and the queue with its dead-letter queue (``<queue>-dlq``):
    the bucket's name and the queue's URL. Existing ones are kept."""
    import json

    import boto3

    sqs = boto3.client("sqs", region_name=region)
    s3 = boto3.client("s3", region_name=region)
    try:
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        url = None
    if url is not None and bucket in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        return bucket, url
    dead = sqs.create_queue(QueueName=f"{queue}-dlq")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=queue, Attributes={
        "VisibilityTimeout": "5400",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": "5"})})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": _upload_suffix()}]}}}]})
    # S3 announces a new configuration with a test event; the worker would ignore it, drop it now.
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        if "s3:TestEvent" in message["Body"]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bucket, url


def with_bulk(settings: Settings) -> Settings:
    """The settings with the local bucket and queue (created in moto)."""
    bucket, url = create_bulk_resources(settings.region, settings.bulk_bucket or BUCKET,
                                        (settings.bulk_queue_url or QUEUE).rsplit("/", 1)[-1])
    return settings.model_copy(update={"bulk_bucket": bucket, "bulk_queue_url": url})


def served_from(settings: Settings, base_url: str) -> Settings:
    """The settings whose job file links are this server's own, signed with a new secret."""
    return settings.model_copy(update={"bulk_url_base": base_url,
                                       "bulk_url_secret": settings.bulk_url_secret or secrets.token_urlsafe(32)})


def serve_file(method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> LocalResponse:
    """PUT or GET of a job file link; 403 as S3 answers a bad or expired signature."""
    import boto3
    from botocore.exceptions import ClientError

    from contacthub.wiring import settings as current_settings

    config = current_settings()
    if method.upper() not in ("PUT", "GET"):
        return gateway_error(405, "Method Not Allowed", "MethodNotAllowedException", {"Allow": "GET, PUT"}, path=path)
    key = key_for_local_token(path[len(LOCAL_PATH):], method.upper(), config.bulk_url_secret or "")
    if key is None or not config.bulk_bucket:
        return gateway_error(403, "The link is invalid or has expired", "AccessDenied", path=path)
    s3 = boto3.client("s3", region_name=config.region)
    if method.upper() == "PUT":
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "application/octet-stream")
        s3.put_object(Bucket=config.bulk_bucket, Key=key, Body=body, ContentType=content_type)
        return LocalResponse(200, [("ETag", '"local"')], b"")
    try:
        found = s3.get_object(Bucket=config.bulk_bucket, Key=key)
    except ClientError:
        return gateway_error(404, "No such file", "NoSuchKey", path=path)
    return LocalResponse(200, [("Content-Type", found.get("ContentType") or "application/octet-stream")],
                         found["Body"].read())


LOCAL_PATHS[LOCAL_PATH] = (MAX_IMPORT_BYTES, serve_file)

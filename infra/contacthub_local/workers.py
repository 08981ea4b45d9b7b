"""The stream function and the delivery worker, run locally over moto's DynamoDB Streams and SQS.

What the Lambda event source mappings do in AWS: read the CrmTable stream and call EventsFunction's handler
with the records, receive from the delivery queue and call DeliveryFunction's handler with the messages,
deleting those it did not report as failed. Same handlers, events shaped as Lambda shapes them.
"""
from __future__ import annotations

import importlib
import os
import threading
from datetime import UTC, datetime
from typing import Any

from contacthub.settings import Settings

from .template import resources

DELIVERY_QUEUE = "contacthub-deliveries"
DEAD_LETTER_QUEUE = "contacthub-deliveries-dlq"
# Sort-key prefixes the template's stream filter lets through to EventsFunction.
STREAM_PREFIXES = ("CONTACT#", "TASK#", "STATE#", "MERGE#")


class _Context:
    function_name = "contacthub-local-worker"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:contacthub-local-worker"
    aws_request_id = "local-worker"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _aws_lock() -> Any:
    """The lock AWS calls are serialized with where they are (moto is not thread-safe): reading moto's state
    directly takes it too."""
    from . import serialized

    return serialized._LOCK


def _handler(function: str):
    module, _, name = resources(kind="AWS::Serverless::Function")[function]["Properties"]["Handler"].rpartition(".")
    return getattr(importlib.import_module(module), name)


def create_queues(region: str) -> tuple[str, str]:
    """The delivery queue and its dead-letter queue (in moto): their URLs."""
    import boto3

    sqs = boto3.client("sqs", region_name=region)
    dead = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    queue = sqs.create_queue(QueueName=DELIVERY_QUEUE, Attributes={"VisibilityTimeout": "180"})["QueueUrl"]
    return queue, dead


def local_settings(settings: Settings, retry_schedule: tuple[int, ...] | None = None) -> Settings:
    """The settings with the local queues, loopback webhook targets and an optional retry schedule."""
    queue, dead = create_queues(settings.region)
    from .bulk_local import with_bulk

    return with_bulk(settings).model_copy(update={
        "delivery_queue_url": queue, "delivery_dlq_url": dead, "webhook_allow_loopback": True,
        "webhook_retry_schedule": retry_schedule or settings.webhook_retry_schedule})


class LocalWorkers:
    def __init__(self, settings: Settings, trim: bool = False):
        """``trim``: drop the stream records once read from moto's shard (`serve`, the shard's only reader)."""
        import boto3

        self.settings = settings
        self._dynamodb = boto3.client("dynamodb", region_name=settings.region,
                                      endpoint_url=settings.dynamodb_endpoint)
        # botocore routes stream calls to an account endpoint (<account>.streams-ddb...) that moto does not
        # answer: name the regional one.
        streams_endpoint = settings.dynamodb_endpoint or f"https://streams.dynamodb.{settings.region}.amazonaws.com"
        self._streams = boto3.client("dynamodbstreams", region_name=settings.region, endpoint_url=streams_endpoint)
        self._sqs = boto3.client("sqs", region_name=settings.region)
        self._iterators: dict[str, str | None] = {}
        self._position: int | None = None  # the sequence number to read next from moto's shard
        self.trim = trim
        self._stream_arn: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ---------------------------------------------------------------- one round of each
    def pump_stream(self, limit: int = 100) -> int:
        """Hand the new stream records to EventsFunction; the number of records read (handed or filtered out)."""
        shard = self._moto_shard()
        if shard is not None:
            return self._pump_moto_shard(shard, limit)
        arn = self._stream_arn or self._dynamodb.describe_table(TableName=self.settings.crm_table)["Table"].get(
            "LatestStreamArn")
        if not arn:
            return 0
        self._stream_arn = arn
        read = 0
        for shard_description in self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard_description["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue
            answer = self._streams.get_records(ShardIterator=iterator, Limit=limit)
            self._iterators[shard_id] = answer.get("NextShardIterator")
            found = answer.get("Records", [])
            self._hand(found)
            read += len(found)
        return read

    def _hand(self, found: list[dict[str, Any]]) -> None:
        records = [self._lambda_record(r) for r in found if self._passes_filter(r)]
        if records:
            _handler("EventsFunction")({"Records": records}, _Context())

    def _moto_shard(self) -> Any:
        """The CRM table's stream shard in this process's moto, when the tables are moto's; else None.

        Read in place, the records skip a GetRecords round trip through botocore and moto's response
        serializer, which cost more than the writes that made them (about 1 ms per record).
        """
        if self.settings.dynamodb_endpoint:
            return None
        try:
            from moto.core import DEFAULT_ACCOUNT_ID
            from moto.core.models import botocore_stubber
            from moto.dynamodb.models import dynamodb_backends
        except ImportError:
            return None
        if not botocore_stubber.enabled:
            return None  # no mock_aws active: the tables are elsewhere
        account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
        with _aws_lock():
            if self.settings.region not in dynamodb_backends[account]:
                return None
            table = dynamodb_backends[account][self.settings.region].tables.get(self.settings.crm_table)
        if table is None or table.stream_shard is None:
            return None
        if self._stream_arn is None:
            self._stream_arn = table.describe(base_key="Table")["Table"].get("LatestStreamArn")
        return table.stream_shard

    def _pump_moto_shard(self, shard: Any, limit: int) -> int:
        """One round over moto's shard: the records after the last one read, as GetRecords would return them.
        With ``trim`` they are then dropped from the shard, so that it does not hold every write's images for
        the life of the server."""
        from . import scalable_moto

        with _aws_lock():
            found, self._position = scalable_moto.stream_records(shard, self._position, limit)
            if self.trim:
                scalable_moto.trim_stream(shard, self._position)
        self._hand(found)
        return len(found)

    def pump_queue(self) -> int:
        """Hand the visible delivery messages to DeliveryFunction; the number handed."""
        return self._pump(self.settings.delivery_queue_url, "DeliveryFunction", 5)

    def pump_bulk(self) -> int:
        """Hand the visible bulk messages (upload events, import chunks, exports) to BulkFunction, one at a time
        as its event source does (BatchSize 1); the number handed."""
        return self._pump(self.settings.bulk_queue_url, "BulkFunction", 1)

    def _pump(self, url: str | None, function: str, batch: int) -> int:
        if not url:
            return 0
        messages = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=batch, WaitTimeSeconds=0,
                                             AttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        arn = f"arn:aws:sqs:{self.settings.region}:123456789012:{url.rsplit('/', 1)[-1]}"
        records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m.get("MD5OfBody"),
                    "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": self.settings.region}
                   for m in messages]
        result = _handler(function)({"Records": records}, _Context()) or {}
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] not in failed:  # failed ones come back after their visibility timeout
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def drain(self, rounds: int = 50) -> None:
        """Run both until neither has anything visible left (delayed messages wait for their delay)."""
        for _ in range(rounds):
            if not (self.pump_stream() + self.pump_queue() + self.pump_bulk()):
                return

    def dead_letters(self) -> list[str]:
        url = self.settings.delivery_dlq_url
        if not url:
            return []
        messages = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                             VisibilityTimeout=0).get("Messages", [])
        return [m["Body"] for m in messages]

    # ---------------------------------------------------------------- in the background (contacthub serve)
    def start(self, interval: float = 0.25) -> None:
        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.drain(rounds=5)
                except Exception as error:  # noqa: BLE001 - keep serving; the next round retries
                    print(f"contacthub: local workers: {type(error).__name__}: {error}", flush=True)

        self._thread = threading.Thread(target=loop, name="contacthub-workers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    # ---------------------------------------------------------------- shapes
    @staticmethod
    def _passes_filter(record: dict[str, Any]) -> bool:
        sk = record.get("dynamodb", {}).get("Keys", {}).get("sk", {}).get("S", "")
        return sk.startswith(STREAM_PREFIXES)

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """As Lambda passes it: creation time in epoch seconds, the stream ARN added."""
        change = dict(record["dynamodb"])
        moment = change.get("ApproximateCreationDateTime")
        if isinstance(moment, datetime):
            if moment.tzinfo is None:  # moto's own record (read in place) holds naive UTC
                moment = moment.replace(tzinfo=UTC)
            change["ApproximateCreationDateTime"] = moment.timestamp()
        return {**record, "dynamodb": change, "eventSourceARN": self._stream_arn}

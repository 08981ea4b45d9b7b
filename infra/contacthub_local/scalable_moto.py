"""Make moto's DynamoDB cost per call grow with the items a call touches, not with the table.

moto 5.2.5 keeps each partition in an unordered dict, so every table Query sorts the whole table
(``Table.all_items``) and then walks the partition; and ``transact_write_items`` deep-copies every
table it names so that it can roll back. Both are fine for a handful of items and quadratic when one
partition holds tens of thousands. This module patches, in place and without changing any answer:

* partitions become :class:`SortedPartition`, a ``dict`` that also keeps its range keys sorted, so a
  base-table Query with a key condition on the range key (``=``, ``<``, ``<=``, ``>``, ``>=``,
  ``BETWEEN``, ``begins_with``) finds its first item by bisection and reads only the matching run, in
  either direction, honouring ``ExclusiveStartKey``, ``Limit`` and the 1 MB page size exactly as moto
  does, visiting no more items than the page holds. Index queries, legacy ``QueryFilter`` queries and
  anything unusual take moto's own path.
* ``transact_write_items`` journals the items its operations write (a deep copy of each before
  image) and restores only those on cancellation, instead of deep-copying whole tables.
* ``Item.__init__`` checks the 400 KB bound with a running total (moto re-sums the item per attribute).
* moto's ``BaseModel`` appends every instance it makes to a class list (``instances_tracked``, for its
  dashboard): for items, stream records and shard iterators, made per call, that is a leak growing with every
  write and read. Those three no longer track their instances.
* a Query projecting top-level string attributes (what index entries are read with) builds the projected
  items directly, as ``Item.project`` would, instead of converting each whole item to plain Python and back.
* :func:`stream_records` and :func:`trim_stream` read a stream shard in place and drop the records read, for
  the local server's stream worker (moto keeps every record of every write otherwise).
* while :func:`pin_items` is in effect (a snapshot holds references to the stored items and encodes
  them outside the calls' lock), ``update_item`` puts a copy of the item in place before moto changes
  it, so the references keep the state they had when taken.

Answers and errors (conditional failures, cancellation reasons, ordering, ``LastEvaluatedKey``,
``ScannedCount``) are those of unpatched moto; ``tests/unit/test_moto_scaling_parity.py`` runs the same
calls both ways. :func:`install` refuses any moto but the one these patches were written against.
"""
from __future__ import annotations

import copy
import hashlib
import inspect
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import moto
from sortedcontainers import SortedList

WRITTEN_FOR_MOTO = "5.2.5"

# sha256 of the source of every moto function the patches replace or rely on the behaviour of. Equal
# versions give equal sources; a fork or local edit under the same version number still fails loudly.
_EXPECTED_SOURCES = {
    "moto.dynamodb.models.table.Table.__init__":
        "a56181a75aa270051d49daeb6a1f55b3eba543e6f58b4391e46d24a7cf8bbc74",
    "moto.dynamodb.models.table.Table.query":
        "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e",
    "moto.dynamodb.models.table.Table._item_comes_before_dct":
        "6d70f41f7cb059f40e932e9c6c13cc57b6052c5d025c51235df414adf172bee1",
    "moto.dynamodb.models.table.Table._get_last_evaluated_key":
        "2d0fae62fcd41aaebd8a04b503ebab88aa607883932c661dd4f98a2b4f29a9d3",
    "moto.dynamodb.models.table.Table.put_item":
        "de23933013ef842639046c19bcf7e418bce0474d810f6719368be4cedce11d47",
    "moto.dynamodb.models.table.Table.get_item":
        "b08e98fe37b7e5836afe03b010d637ef50df5dea6cbecd9cf8816eef326a21cd",
    "moto.dynamodb.models.table.Table.delete_item":
        "1594f7b07616c8cb8cdf0fbf58d6f54eeac83f25d7ac7b14e832a08e10efd8f9",
    "moto.dynamodb.models.DynamoDBBackend.transact_write_items":
        "81db2cb7d94e39c90b3a2077e1f4bb41a449c558ef9b1b1e2910fdaa39978ad4",
    "moto.dynamodb.models.DynamoDBBackend.update_item":
        "218984588dd689a5de81678ce11e6a40d05c91e7b6c21b44c4ed4122fe74aa9f",
    "moto.dynamodb.models.dynamo_type.Item.__init__":
        "d9c12b62cb921831aab9b2eb22ac24fbd600689064a0219ae3ffbe057ae4be74",
    "moto.dynamodb.models.dynamo_type.LimitedSizeDict.__setitem__":
        "d979580fdbe14f79f3216564e1385c4b3485db82bc88193326c467a037331e81",
    "moto.core.common_models.BaseModel.__new__":
        "08cf0ef20e88029a2eb91949492ce3281001a34b98143db186239962ad379eec",
    "moto.dynamodb.models.dynamo_type.Item.project":
        "f411e6d8b56886f45f401edc20c2fd6d4e671136d9cf7ff21c434479b1e84a79",
    "moto.dynamodb.models.table.StreamShard.add":
        "357dc6da267e5dd7d46e18ee25d14b232a98679677906a2f02e4d454d1f11e03",
    "moto.dynamodb.models.table.StreamShard.get":
        "fa7e9a0d7b438c2fbd4bcc8a04fecc79f70862760d1f176d3bc86775967e2d7e",
    "moto.dynamodb.models.table.StreamRecord.to_json":
        "99dcfe1e37055a23bee8b4eb41953a8f4c281e02ad84876a2a343fb0a79394e4",
    "moto.dynamodbstreams.models.ShardIterator.__init__":
        "5842e50a95242ef84673613918b71c4a2a9c149d4baa10904b0c84034c4c793e",
    "moto.dynamodb.models.dynamo_type.DynamoType.compare":
        "5a77253bbdb399ee60bd2fc84aaf205a2e7ec3c71d32e9194d0ca6b4dd4da601",
}


class IncompatibleMoto(RuntimeError):
    """The installed moto is not the one these patches were written and tested against."""


# ---------------------------------------------------------------------------------- sorted partitions
class SortedPartition(dict):
    """A partition (range key -> Item) that also keeps its range keys in moto's sort order.

    ``_sort_values`` holds each key's ``cast_value`` (str, Decimal or the stored binary form), which is
    what moto compares when it sorts, in a ``SortedList`` (an insert or a removal costs about log n, where a
    plain list moves every later entry: at 100,000 contacts that move was most of a create's time);
    ``_keys`` maps each value to its DynamoType key. Mixed key types (which moto's own put_item refuses), or two
    keys with one value, switch the order off and queries fall back to moto.
    """

    __slots__ = ("_sort_values", "_keys", "_key_type")

    def __init__(self, items: Iterable[tuple[Any, Any]] = ()):
        super().__init__()
        self._sort_values: SortedList | None = SortedList()
        self._keys: dict[Any, Any] = {}
        self._key_type: str | None = None
        for key, value in items:
            self[key] = value

    @property
    def ordered(self) -> bool:
        return self._sort_values is not None

    def _insert_key(self, key: Any) -> None:
        if self._sort_values is None:
            return
        if self._key_type is None:
            self._key_type = key.type
        value = key.cast_value if key.type in ("S", "N", "B") else None
        if key.type != self._key_type or value is None or value in self._keys:
            self._sort_values, self._keys = None, {}
            return
        self._sort_values.add(value)
        self._keys[value] = key

    def _remove_key(self, key: Any) -> None:
        if self._sort_values is None:
            return
        value = key.cast_value
        self._sort_values.remove(value)
        del self._keys[value]

    def key_at(self, position: int) -> Any:
        """The DynamoType key at a sorted position."""
        return self._keys[self._sort_values[position]]  # type: ignore[index]

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self:
            self._insert_key(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._remove_key(key)

    _MISSING = object()

    def pop(self, key: Any, default: Any = _MISSING) -> Any:
        if key in self:
            value = super().pop(key)
            self._remove_key(key)
            return value
        if default is SortedPartition._MISSING:
            raise KeyError(key)
        return default

    def popitem(self) -> tuple[Any, Any]:
        key, value = super().popitem()
        self._remove_key(key)
        return key, value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> SortedPartition:
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self._sort_values = SortedList() if self._sort_values is not None else None
        self._keys = {}

    def copy(self) -> SortedPartition:
        return SortedPartition(self.items())

    __copy__ = copy

    def __deepcopy__(self, memo: dict[int, Any]) -> SortedPartition:
        result = SortedPartition()
        memo[id(self)] = result
        for key, value in self.items():
            result[copy.deepcopy(key, memo)] = copy.deepcopy(value, memo)
        return result

    def __reduce__(self) -> tuple[Any, ...]:
        return SortedPartition, (list(self.items()),)

    def span(self, first: int, stop: int) -> list[Any]:
        """Items at sorted positions [first, stop)."""
        keys = self._keys
        return [dict.__getitem__(self, keys[value]) for value in self._sort_values.islice(first, stop)]  # type: ignore[union-attr]


def _first_not_matching(values: Any, start: int, prefix: Any) -> int:
    """The end of the run of values beginning with `prefix` that starts at `start` (values are sorted)."""
    low, high = start, len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle].startswith(prefix):
            low = middle + 1
        else:
            high = middle
    return low


def matching_span(values: SortedList, comparison: str, operands: list[Any]) -> tuple[int, int] | None:
    """Sorted positions [first, stop) of the keys that satisfy a key condition, or None if unsupported."""
    if comparison in ("=", "EQ"):
        return values.bisect_left(operands[0]), values.bisect_right(operands[0])
    if comparison in ("<", "LT"):
        return 0, values.bisect_left(operands[0])
    if comparison in ("<=", "LE"):
        return 0, values.bisect_right(operands[0])
    if comparison in (">", "GT"):
        return values.bisect_right(operands[0]), len(values)
    if comparison in (">=", "GE"):
        return values.bisect_left(operands[0]), len(values)
    if comparison == "BETWEEN":
        first = values.bisect_left(operands[0])
        return first, max(first, values.bisect_right(operands[1]))
    if comparison == "BEGINS_WITH":
        if not isinstance(operands[0], str):
            return None
        first = values.bisect_left(operands[0])
        return first, _first_not_matching(values, first, operands[0])
    return None


# ---------------------------------------------------------------------------------- query
_original: dict[str, Callable[..., Any]] = {}


def _ordered_table_query(table: Any, hash_key: Any, range_comparison: str | None, range_objs: list[Any],
                         limit: int | None, exclusive_start_key: dict[str, Any] | None,
                         scan_index_forward: bool, range_key_conditions: list | None) -> Any:
    """moto's base-table Query loop over the sorted partition, or None when moto's own path must answer.

    moto visits the partition's items in order, skips up to the start key, stops with a LastEvaluatedKey
    at the first visited item once `limit` results are held or the page would pass 1 MB, and keeps the
    items that satisfy the key condition. Matching items are contiguous in sort order, so the visit
    reduces to: the matching run after the start key, then (for the stop rule only) the items beyond it.
    """
    from moto.dynamodb.comparisons import get_comparison_func
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT

    if hash_key is None or not table.range_key_attr or (limit is not None and limit < 1):
        return None
    if range_key_conditions and range_key_conditions[-1][0] != table.range_key_attr:
        return None
    partition = table.items.get(hash_key)
    if partition is None:
        return [], 0, None
    if not isinstance(partition, SortedPartition) or not partition.ordered:
        return None
    values = partition._sort_values
    if range_comparison:
        if get_comparison_func(range_comparison) is None:
            return None
        if any(obj.type != table.range_key_type for obj in range_objs):
            return None
        span = matching_span(values, range_comparison, [obj.cast_value for obj in range_objs])
        if span is None:
            return None
        first, stop = span
    else:
        first, stop = 0, len(values)

    if exclusive_start_key is not None:
        try:
            start_hash = exclusive_start_key[table.hash_key_attr]
            start_range = exclusive_start_key[table.range_key_attr]
            from moto.dynamodb.models.dynamo_type import DynamoType

            if DynamoType(start_hash) != hash_key or DynamoType(start_range).type != table.range_key_type:
                return None
            start_value = DynamoType(start_range).cast_value
        except (KeyError, TypeError, AttributeError, IndexError):
            return None
        if scan_index_forward:
            first = max(first, values.bisect_right(start_value))
        else:
            stop = min(stop, values.bisect_left(start_value))

    # Visited lazily: a page of `limit` items costs about `limit` items, however long the matching run.
    key_at = partition.key_at
    run = range(first, stop) if scan_index_forward else range(stop - 1, first - 1, -1)
    results: list[Any] = []
    result_size = 0
    last_evaluated_key = None
    stopped = False
    for position in run:
        item = dict.__getitem__(partition, key_at(position))
        size = item.size()
        if len(results) == limit or result_size + size > RESULT_SIZE_LIMIT:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], None)
            stopped = True
            break
        if range_comparison and not item.range_key.compare(range_comparison, range_objs):
            return None  # the sorted run disagrees with moto's comparison: let moto answer
        results.append(item)
        result_size += size
    if not stopped and results:
        # moto also applies the stop rule to the non-matching items visited after the run.
        beyond = range(stop, len(values)) if scan_index_forward else range(first - 1, -1, -1)
        if len(results) == limit and len(beyond):
            last_evaluated_key = table._get_last_evaluated_key(results[-1], None)
        elif result_size > RESULT_SIZE_LIMIT - _MAX_ITEM_SIZE:
            for position in beyond:
                if result_size + dict.__getitem__(partition, key_at(position)).size() > RESULT_SIZE_LIMIT:
                    last_evaluated_key = table._get_last_evaluated_key(results[-1], None)
                    break
    return results, len(results), last_evaluated_key


_MAX_ITEM_SIZE = 405000  # moto's LimitedSizeDict bound on one item


def _query(self: Any, hash_key: Any, range_comparison: str | None, range_objs: list[Any], limit: int,
           exclusive_start_key: dict[str, Any], scan_index_forward: bool,
           projection_expressions: list[list[str]] | None, index_name: str | None = None,
           consistent_read: bool = False, filter_expression: Any = None,
           hash_key_conditions: list | None = None, range_key_conditions: list | None = None,
           **filter_kwargs: Any) -> Any:
    """Table.query: the sorted-partition path for base-table key conditions, moto's path otherwise."""
    found = None
    if not index_name and not filter_kwargs:
        found = _ordered_table_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                                     scan_index_forward, range_key_conditions)
    if found is None:
        return _original["Table.query"](
            self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
            projection_expressions, index_name, consistent_read, filter_expression,
            hash_key_conditions=hash_key_conditions, range_key_conditions=range_key_conditions, **filter_kwargs)
    results, scanned_count, last_evaluated_key = found
    if filter_expression is None and projection_expressions:
        projected = [_project_strings(item, projection_expressions) for item in results]
        if all(item is not None for item in projected):
            return projected, scanned_count, last_evaluated_key
    # The same tail as moto's: results are copies, filtered after the key condition, then projected.
    results = copy.deepcopy(results)
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned_count, last_evaluated_key


def _project_strings(item: Any, projection_expressions: list[list[str]]) -> Any:
    """``Item.project`` for top-level names over string attributes, or None when moto's own must run.

    moto's goes through plain Python and back (``to_regular_json``, boto3's serializer), which leaves a string
    as it was; it keeps the named attributes that exist, in the order named, on a new Item with the same keys.
    """
    from moto.dynamodb.models.dynamo_type import Item

    attrs = {}
    for expression in projection_expressions:
        if len(expression) != 1:
            return None
        value = item.attrs.get(expression[0])
        if value is None:
            continue
        if value.type != "S":
            return None
        attrs[expression[0]] = {"S": value.value}
    return Item(hash_key=item.hash_key, range_key=item.range_key, attrs=attrs)


def _item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """``Item.__init__`` with the 400 KB check kept as a running total: moto's ``LimitedSizeDict`` sums the
    sizes of every attribute already set on each set, quadratic in the attributes of an item."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    size = 0
    for key, value in attrs.items():
        typed = DynamoType(value)
        size += bytesize(key) + typed.size()
        if size > _MAX_ITEM_BYTES:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, typed)


_MAX_ITEM_BYTES = 405000  # LimitedSizeDict's bound


def _table_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _original["Table.__init__"](self, *args, **kwargs)
    if not self.items:
        self.items = defaultdict(SortedPartition)


# ---------------------------------------------------------------------------------- transactions
class _WriteJournal:
    """Before images of the items a transaction may write, restored in reverse order on cancellation."""

    def __init__(self) -> None:
        self._entries: list[tuple[Any, Any, Any, Any]] = []
        self._streams: list[tuple[Any, int]] = []

    def record(self, table: Any, hash_key: Any, range_key: Any) -> None:
        if table.range_key_attr is not None:
            partition = table.items.get(hash_key)
            current = partition.get(range_key) if partition is not None else None
        else:
            current = table.items.get(hash_key)
        self._entries.append((table, hash_key, range_key, copy.deepcopy(current)))

    def watch_stream(self, table: Any) -> None:
        if table.stream_shard is not None and all(t is not table for t, _ in self._streams):
            self._streams.append((table, len(table.stream_shard.items)))

    def rollback(self) -> None:
        for table, hash_key, range_key, before in reversed(self._entries):
            if table.range_key_attr is not None:
                partition = table.items[hash_key]
                if before is None:
                    partition.pop(range_key, None)
                else:
                    partition[range_key] = before
            elif before is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = before
        for table, length in self._streams:
            del table.stream_shard.items[length:]


def _written_key(backend: Any, table: Any, op_type: str, op: dict[str, Any]) -> tuple[Any, Any] | None:
    """(hash, range) of the item an operation writes, as moto's put/update/delete derive it."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    if op_type == "Put":
        attrs = op["Item"]
        range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr is not None else None
        return DynamoType(attrs[table.hash_key_attr]), range_key
    if op_type == "Delete":
        return backend.get_keys_value(table, op["Key"])
    if op_type == "Update":
        key = op["Key"]
        if table.hash_key_attr in key and table.range_key_attr in key:
            return DynamoType(key[table.hash_key_attr]), DynamoType(key[table.range_key_attr])
        if table.hash_key_attr in key:
            return DynamoType(key[table.hash_key_attr]), None
        return None
    return None


def _journal_for(backend: Any, transact_items: list[dict[str, Any]]) -> _WriteJournal | None:
    """What moto's rollback would restore, item by item; None when only a full copy is faithful.

    moto backs up the tables named (by name, not ARN) in the request; a write through an ARN to one of
    them is restored too, one to any other table is not.
    """
    from moto.dynamodb.exceptions import ResourceNotFoundException

    named = {op.get("TableName") for entry in transact_items for _, op in list(entry.items())[:1]}
    backed_up = {name for name in named if name and name in backend.tables}
    journal = _WriteJournal()
    for name in backed_up:
        table = backend.tables[name]
        if table.lambda_event_source_mappings:
            return None  # stream records already handed to Lambda cannot be journaled
        journal.watch_stream(table)
    for entry in transact_items:
        if len(entry) != 1:
            continue  # moto refuses the request before writing anything
        op_type, op = next(iter(entry.items()))
        if op_type not in ("Put", "Delete", "Update"):
            continue
        try:
            table = backend.get_table(op["TableName"])
        except (KeyError, ResourceNotFoundException):
            continue  # the operation fails before writing
        if table.name not in backed_up or backend.tables.get(table.name) is not table:
            continue
        try:
            key = _written_key(backend, table, op_type, op)
        except Exception:  # noqa: BLE001 - the operation fails the same way before writing
            continue
        if key is None:
            return None
        journal.record(table, *key)
    return journal


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's transact_write_items with a write journal in place of whole-table deep copies."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    journal = _journal_for(self, transact_items)
    if journal is None:
        return _original["DynamoDBBackend.transact_write_items"](self, transact_items)

    # From here on, moto 5.2.5's body with `journal.rollback()` for the restore of the copied tables.
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[Any, Any, Any]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            expression_attribute_names = op.get("ExpressionAttributeNames")
            expression_attribute_values = op.get("ExpressionAttributeValues")
            return_values_on_condition_check_failure = op.get("ReturnValuesOnConditionCheckFailure")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = get_filter_expression(
                    condition_expression, expression_attribute_names, expression_attribute_values)
                if not condition_op.expr(current):
                    if return_values_on_condition_check_failure == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            if op_type == "Put":
                self.put_item(table_name, op["Item"], condition_expression=condition_expression,
                              expression_attribute_names=expression_attribute_names,
                              expression_attribute_values=expression_attribute_values)
            elif op_type == "Delete":
                self.delete_item(table_name, key, condition_expression=condition_expression,
                                 expression_attribute_names=expression_attribute_names,
                                 expression_attribute_values=expression_attribute_values)
            elif op_type == "Update":
                self.update_item(table_name, key, update_expression=op["UpdateExpression"],
                                 condition_expression=condition_expression,
                                 expression_attribute_names=expression_attribute_names,
                                 expression_attribute_values=expression_attribute_values)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            journal.rollback()
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:  # noqa: BLE001 - moto reports any other failure as a cancellation reason
            errors.append((type(e).__name__, str(e), original_item))

    if any(code is not None for code, _, _ in errors):
        journal.rollback()
        raise TransactionCanceledException(errors)


# ---------------------------------------------------------------------------------- pinned items
_pins = [0]
_pins_lock = threading.Lock()


def pin_items() -> None:
    """Keep the Item objects stored now unchanged (updates replace them) until :func:`unpin_items`."""
    with _pins_lock:
        _pins[0] += 1


def unpin_items() -> None:
    with _pins_lock:
        _pins[0] -= 1


def _update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    """moto's update_item, on a copy of the stored item while items are pinned."""
    if _pins[0]:
        try:
            _copy_before_update(self, table_name, key)
        except Exception:  # noqa: BLE001 - moto's own update_item reports the same problem
            pass
    return _original["DynamoDBBackend.update_item"](self, table_name, key, *args, **kwargs)


def _copy_before_update(backend: Any, table_name: str, key: dict[str, Any]) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    table = backend.get_table(table_name)
    hash_key = DynamoType(key[table.hash_key_attr])
    if table.range_key_attr is None:
        if hash_key in table.items:
            table.items[hash_key] = copy.deepcopy(table.items[hash_key])
        return
    range_key = DynamoType(key[table.range_key_attr])
    partition = table.items.get(hash_key)
    if partition is not None and range_key in partition:
        partition[range_key] = copy.deepcopy(partition[range_key])


# ---------------------------------------------------------------------------------- instance tracking
def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    """``BaseModel.__new__`` without appending the instance to ``cls.instances_tracked``."""
    return object.__new__(cls)


def _per_call_models() -> list[type]:
    """moto models made per call, not per resource: kept in ``instances_tracked`` (for moto's dashboard) they
    would hold every item version, query result copy and stream record of the server's life."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamRecord
    from moto.dynamodbstreams.models import ShardIterator

    return [Item, StreamRecord, ShardIterator]


# ---------------------------------------------------------------------------------- streams
def stream_records(shard: Any, position: int | None, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Up to `limit` records of a table's stream shard from sequence number `position` (None or a trimmed one: the
    oldest kept), as GetRecords lists them before serializing (moto's own dicts: copy before changing them), and
    the sequence number after the last one returned."""
    start = shard.starting_sequence_number
    if position is None or position < start:
        position = start
    found = [record.to_json() for record in shard.items[position - start:position - start + limit]]
    return found, position + len(found)


def trim_stream(shard: Any, before: int) -> None:
    """Drop a shard's records with sequence numbers below `before`, as DynamoDB Streams drops records after 24
    hours: TRIM_HORIZON starts after them, and later records keep their sequence numbers. moto otherwise keeps
    every write's images until the table goes."""
    count = min(max(before - shard.starting_sequence_number, 0), len(shard.items))
    if count:
        del shard.items[:count]
        shard.starting_sequence_number += count


# ---------------------------------------------------------------------------------- install
def _resolve(path: str) -> Any:
    """The object a dotted path names, importing the longest module prefix."""
    import importlib

    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(path)


def source_fingerprint(path: str) -> str:
    """sha256 of the source of the function a dotted path names (what the version guard compares)."""
    owner, _, name = path.rpartition(".")
    function = _original.get(f"{owner.rpartition('.')[2]}.{name}") or _resolve(path)
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def source_problems(expected: dict[str, str], fingerprint: Callable[[str], str]) -> list[str]:
    """How the installed sources differ from those a patch was written for (dotted path -> sha256)."""
    problems = []
    for path, digest in expected.items():
        try:
            actual = fingerprint(path)
        except (ImportError, AttributeError, OSError, TypeError) as error:
            problems.append(f"{path}: missing ({error})")
            continue
        if actual != digest:
            problems.append(f"{path}: source changed (sha256 {actual})")
    return problems


def check_compatible() -> None:
    """Raise IncompatibleMoto unless the installed moto is the one these patches were written for."""
    version = getattr(moto, "__version__", None)
    if version != WRITTEN_FOR_MOTO:
        raise IncompatibleMoto(
            f"scalable_moto patches moto {WRITTEN_FOR_MOTO}'s DynamoDB internals, but moto {version} is "
            "installed: review the patched functions against the new moto and update WRITTEN_FOR_MOTO and "
            "the source fingerprints, or pin moto back")
    problems = source_problems(_EXPECTED_SOURCES, source_fingerprint)
    if problems:
        raise IncompatibleMoto("scalable_moto: moto's DynamoDB internals differ from those the patches were "
                               "written for:\n  " + "\n  ".join(problems))


def installed() -> bool:
    return bool(_original)


def install() -> None:
    """Patch moto's DynamoDB backend in place (idempotent). Tables created before keep plain partitions
    and are answered by moto's own code."""
    if _original:
        return
    check_compatible()
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    _original["Table.__init__"] = Table.__init__
    _original["Item.__init__"] = Item.__init__
    _original["Table.query"] = Table.query
    _original["DynamoDBBackend.transact_write_items"] = DynamoDBBackend.transact_write_items
    _original["DynamoDBBackend.update_item"] = DynamoDBBackend.update_item
    Table.__init__ = _table_init
    Item.__init__ = _item_init
    for model in _per_call_models():
        _original[f"{model.__name__}.__new__"] = model.__dict__.get("__new__")
        model.__new__ = _untracked_new  # type: ignore[method-assign]
    Table.query = _query
    DynamoDBBackend.transact_write_items = _transact_write_items
    DynamoDBBackend.update_item = _update_item


def uninstall() -> None:
    """Restore moto's own functions (sorted partitions already created stay valid plain dicts)."""
    if not _original:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    Table.__init__ = _original.pop("Table.__init__")
    Item.__init__ = _original.pop("Item.__init__")
    for model in _per_call_models():
        own = _original.pop(f"{model.__name__}.__new__")
        if own is None:
            del model.__new__  # BaseModel's again
        else:
            model.__new__ = own  # type: ignore[method-assign]
    Table.query = _original.pop("Table.query")
    DynamoDBBackend.transact_write_items = _original.pop("DynamoDBBackend.transact_write_items")
    DynamoDBBackend.update_item = _original.pop("DynamoDBBackend.update_item")

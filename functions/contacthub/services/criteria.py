"""Contact criteria: a boolean filter (and / or / not over literals) brought to the shape listings answer.

The listing answers an OR of branches, each an AND of literals (disjunctive normal form): every branch is read
from the index entries of its most selective literal, so the cost of an OR is the sum of its branches.
Negations are pushed down to single fields (De Morgan), where a contact is checked against them. Expanding an
AND of ORs multiplies branches; past MAX_BRANCHES branches or MAX_LITERALS conditions in one branch the filter
is refused rather than read at an unbounded cost.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from itertools import product

from ..domain import messages
from ..domain.errors import ValidationFailed
from ..ports import Branch, ContactQuery, CriterionLiteral, Negated, OpenTasks, TimeSpan

MAX_BRANCHES = 16
MAX_LITERALS = 32  # conditions in one branch (each a tag, a field, a span...)


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Criterion, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Criterion, ...]


@dataclass(frozen=True)
class NotOf:
    part: Criterion


Criterion = AllOf | AnyOf | NotOf | CriterionLiteral


def single_fields(query: ContactQuery) -> list[ContactQuery]:
    """A query split into one-field queries (one per tag), whose AND is the query."""
    found: list[ContactQuery] = []
    for f in fields(query):
        value = getattr(query, f.name)
        if f.name == "tags":
            found += [ContactQuery(tags=(tag,)) for tag in value]
        elif value:
            found.append(replace(ContactQuery(), **{f.name: value}))
    return found


def _negations(literal: CriterionLiteral) -> list[CriterionLiteral]:
    """NOT of a literal, as an OR of literals."""
    if isinstance(literal, Negated):
        return [literal.query]
    if isinstance(literal, OpenTasks):
        return [OpenTasks(not literal.present)]
    if isinstance(literal, TimeSpan):
        outside: list[CriterionLiteral] = []
        if literal.since is not None:
            outside.append(TimeSpan(literal.field, before=literal.since))
        if literal.before is not None:
            outside.append(TimeSpan(literal.field, since=literal.before))
        return outside  # NOT of an unbounded span: nothing
    return [Negated(q) for q in single_fields(literal)]


def branches(criterion: Criterion, negate: bool = False) -> list[Branch]:
    """The criterion as an OR of ANDs of literals; ValidationFailed past MAX_BRANCHES."""
    if isinstance(criterion, NotOf):
        return branches(criterion.part, not negate)
    if isinstance(criterion, (AllOf, AnyOf)):
        parts = [branches(p, negate) for p in criterion.parts]
        if isinstance(criterion, AllOf) != negate:  # AND, or NOT of an OR
            result: list[Branch] = [()]
            for alternatives in parts:
                if len(result) * len(alternatives) > MAX_BRANCHES:
                    raise _too_many()
                result = [a + b for a, b in product(result, alternatives)]
        else:
            result = [b for alternatives in parts for b in alternatives]
    elif negate:
        result = [(literal,) for literal in _negations(criterion)]
    elif isinstance(criterion, ContactQuery):
        result = [tuple(single_fields(criterion))]  # its fields combine with AND; no field at all: true
    else:
        result = [(criterion,)]
    if len(result) > MAX_BRANCHES:
        raise _too_many()
    if any(len(branch) > MAX_LITERALS for branch in result):
        raise ValidationFailed.one("filter", messages.FILTER_TOO_LONG.format(limit=MAX_LITERALS), "too_complex")
    return result


def _too_many() -> ValidationFailed:
    return ValidationFailed.one("filter", messages.FILTER_TOO_BROAD.format(limit=MAX_BRANCHES), "too_complex")

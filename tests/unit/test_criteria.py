"""A filter brought to an OR of ANDs means what it meant: checked against direct evaluation on random truths."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacthub.domain.errors import ValidationFailed
from contacthub.ports import ContactQuery, Negated, OpenTasks, TimeSpan
from contacthub.services.criteria import MAX_BRANCHES, AllOf, AnyOf, NotOf, branches

ATOMS = [ContactQuery(name="ann"), ContactQuery(tags=("vip",)), ContactQuery(status="lost"), OpenTasks(True)]
T1, T2 = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 1, tzinfo=timezone.utc)


def criteria(depth: int = 3):
    leaves = st.sampled_from(ATOMS)
    return st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda parts: AllOf(tuple(parts))),
        st.lists(inner, max_size=3).map(lambda parts: AnyOf(tuple(parts))),
        inner.map(NotOf)), max_leaves=8)


def direct(criterion, truth: dict) -> bool:
    if isinstance(criterion, AllOf):
        return all(direct(p, truth) for p in criterion.parts)
    if isinstance(criterion, AnyOf):
        return any(direct(p, truth) for p in criterion.parts)
    if isinstance(criterion, NotOf):
        return not direct(criterion.part, truth)
    return literal(criterion, truth)


def literal(lit, truth: dict) -> bool:
    if isinstance(lit, Negated):
        return not literal(lit.query, truth)
    if isinstance(lit, OpenTasks):
        return truth[OpenTasks(True)] == lit.present
    return truth[lit]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(criteria(), st.lists(st.booleans(), min_size=len(ATOMS), max_size=len(ATOMS)))
def test_or_of_ands_means_what_the_filter_means(criterion, values):
    truth = dict(zip(ATOMS, values, strict=True))
    try:
        found = branches(criterion)
    except ValidationFailed:
        return  # too many alternatives: refused, never answered wrongly
    assert any(all(literal(lit, truth) for lit in branch) for branch in found) == direct(criterion, truth)


def test_negations_reach_single_fields_and_spans_turn_inside_out():
    query = ContactQuery(name="ann", tags=("vip", "golf"))
    assert branches(NotOf(query)) == [(Negated(ContactQuery(name="ann")),), (Negated(ContactQuery(tags=("vip",))),),
                                      (Negated(ContactQuery(tags=("golf",))),)]
    assert branches(NotOf(TimeSpan("created", T1, T2))) == [(TimeSpan("created", before=T1),),
                                                            (TimeSpan("created", since=T2),)]
    assert branches(NotOf(NotOf(query))) == [(ContactQuery(name="ann"), ContactQuery(tags=("vip",)),
                                              ContactQuery(tags=("golf",)))]
    assert branches(AllOf(())) == [()]  # no condition: every contact
    assert branches(AnyOf(())) == []  # no alternative: no contact


def test_an_and_of_ors_past_the_bound_is_refused():
    wide = AllOf(tuple(AnyOf((ContactQuery(name=f"a{i}"), ContactQuery(name=f"b{i}"))) for i in range(5)))
    assert len(branches(AllOf(wide.parts[:4]))) == MAX_BRANCHES
    with pytest.raises(ValidationFailed) as refused:
        branches(wide)
    assert "alternatives" in refused.value.violations[0].message

"""Duplicate detection: the pure detector (reasons, score, blocking keys) and the workspace walk on fakes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fakes import InMemoryContacts, InMemoryDuplicateCandidates
from hypothesis import given, settings
from hypothesis import strategies as st

from contacthub.domain.contact import Contact, Phone
from contacthub.domain.duplicates import (
    NAME_THRESHOLD,
    Reason,
    blocking_keys,
    company_key,
    email_domains,
    likeness,
    name_similarity,
    person_name,
)
from contacthub.domain.errors import InvalidCursor
from contacthub.services.duplicates import DuplicateService, group_summary
from contacthub.store.duplicates import candidate_families
from contacthub.store.search_index import index_entries

WS, OTHER_WS = "ws-1", "ws-2"
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def contact(cid: str, name: str = "", *, emails: tuple[str, ...] = (), phones: tuple[str | None, ...] = (),
            company: str | None = None, minute: int = 0, first: str | None = None, last: str | None = None,
            ws: str = WS) -> Contact:
    return Contact(workspace_id=ws, id=cid, number=minute + 1, name=name or (emails[0] if emails else cid),
                   first_name=first, last_name=last, emails=emails,
                   phones=tuple(Phone(p or "555 0100", p) for p in phones), company=company,
                   created_at=T0 + timedelta(minutes=minute), updated_at=T0, version=1)


# ---------------------------------------------------------------- the detector
def test_same_email_in_any_case_is_a_reason():
    a = contact("a", "Ann Lee", emails=("Ann@Acme.example",))
    b = contact("b", "Someone Else", emails=("other@x.example", "ann@acme.EXAMPLE"))
    found = likeness(a, b)
    assert found.reasons == (Reason.EMAIL,)
    assert 0.8 <= found.score < 0.9  # names unlike: an address in common, little more


def test_same_e164_is_a_reason_and_numbers_without_a_country_are_not_compared():
    a = contact("a", "Ann Lee", phones=("+33612345678",))
    b = contact("b", "Bob Ray", phones=("+33612345678",))
    c = contact("c", "Cid Day", phones=(None,))
    d = contact("d", "Dan Oak", phones=(None,))
    assert likeness(a, b).reasons == (Reason.PHONE,)
    assert not likeness(c, d).likely and likeness(c, d).score == 0.0


def test_similar_names_count_only_in_one_organisation():
    a = contact("a", "John Smith", company="Acme Inc.")
    b = contact("b", "Jon Smith", company="ACME")
    c = contact("c", "Jon Smith", company="Globex")
    assert likeness(a, b).reasons == (Reason.NAME_COMPANY,)
    assert not likeness(a, c).likely
    d = contact("d", "Marie Dubois", emails=("marie@acme.example",))
    e = contact("e", "Marie Dubois", emails=("m.dubois@acme.example",))
    f = contact("f", "Marie Dubois", emails=("marie@gmail.com",))
    g = contact("g", "Marie Dubois", emails=("marie.d@gmail.com",))
    assert likeness(d, e).reasons == (Reason.NAME_EMAIL_DOMAIN,)
    assert not likeness(f, g).likely  # a public mailbox provider says nothing about who they are


def test_every_reason_adds_to_the_score():
    base = dict(emails=("ann@acme.example",), phones=("+33612345678",), company="Acme")
    everything = likeness(contact("a", "Ann Lee", **base), contact("b", "Ann Lee", **base))
    assert everything.reasons == (Reason.EMAIL, Reason.PHONE, Reason.NAME_COMPANY, Reason.NAME_EMAIL_DOMAIN)
    email_only = likeness(contact("a", "Ann Lee", emails=("x@y.example",)),
                          contact("b", "Zed Quux", emails=("x@y.example",)))
    assert 1 >= everything.score > email_only.score > 0


def test_a_name_that_is_an_email_is_no_name():
    a = contact("a", emails=("ann@acme.example",))
    assert person_name(a) == "" and blocking_keys(a) == []
    assert person_name(contact("b", "Élodie  MARTIN")) == "elodie martin"
    assert person_name(contact("c", "x", first="Ann", last="Lee")) == "ann lee"


def test_company_keys_ignore_legal_forms_and_case():
    assert company_key("ACME Inc.") == company_key("Acme") == "acme"
    assert company_key("The Company") == "the company"  # nothing but legal words: kept as is
    assert company_key(None) == ""
    assert email_domains(contact("a", emails=("a@gmail.com", "a@Acme.example"))) == ["acme.example"]


def test_blocking_keys_pair_organisations_with_name_prefixes():
    a = contact("a", "Jonathan Smith", company="Acme", emails=("jon@acme.example",))
    assert blocking_keys(a) == [("acme", "jon"), ("acme", "smi"), ("@acme.example", "jon"),
                                ("@acme.example", "smi")]
    # a typo past the third letter keeps a key in common
    b = contact("b", "Jon Smyth", company="Acme Ltd")
    assert set(blocking_keys(a)) & set(blocking_keys(b))


def test_each_blocking_key_is_an_entry_the_contact_owns_and_a_family_it_reads():
    a = contact("a", "Jonathan Smith", company="Acme", emails=("jon@acme.example",), phones=("+33612345678",))
    entries = index_entries(a)
    families = candidate_families(a)
    assert len(families) == 1 + 1 + 4  # its email, its phone, its blocking keys
    assert all(any(e.startswith(f) for e in entries) for f in families)


names = st.sampled_from(["Ann Lee", "Anne Lee", "John Smith", "Jon Smith", "Smith John", "Marie Dubois", "",
                         "Li", "Jean-Pierre de la Fontaine"])
emails = st.lists(st.sampled_from(["ann@acme.example", "ANN@acme.example", "jon@acme.example", "x@gmail.com",
                                   "y@gmail.com", "m@globex.example"]), max_size=3, unique=True)
phones = st.lists(st.sampled_from(["+33612345678", "+14155550100", None]), max_size=2)
companies = st.sampled_from([None, "Acme", "ACME Inc.", "Globex", "The Company"])


@st.composite
def contacts(draw, cid: str) -> Contact:
    return contact(cid, draw(names) or cid, emails=tuple(draw(emails)), phones=tuple(draw(phones)),
                   company=draw(companies))


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(contacts("a"), contacts("b"))
def test_likeness_is_symmetric_and_its_reasons_are_what_the_contacts_share(a, b):
    there, back = likeness(a, b), likeness(b, a)
    assert there == back
    assert 0.0 <= there.score <= 1.0
    assert (there.score > 0) == there.likely
    shared_email = bool({e.casefold() for e in a.emails} & {e.casefold() for e in b.emails})
    assert (Reason.EMAIL in there.reasons) == shared_email
    shared_phone = bool({p.e164 for p in a.phones if p.e164} & {p.e164 for p in b.phones if p.e164})
    assert (Reason.PHONE in there.reasons) == shared_phone
    similar = name_similarity(person_name(a), person_name(b)) >= NAME_THRESHOLD
    same_company = bool(company_key(a.company)) and company_key(a.company) == company_key(b.company)
    assert (Reason.NAME_COMPANY in there.reasons) == (similar and same_company)
    if Reason.NAME_COMPANY in there.reasons or Reason.NAME_EMAIL_DOMAIN in there.reasons:
        # the store finds the pair through a blocking key they have in common
        assert set(blocking_keys(a)) & set(blocking_keys(b))


# ---------------------------------------------------------------- the workspace walk
@pytest.fixture
def store():
    return InMemoryContacts()


def _add(store: InMemoryContacts, *found: Contact) -> None:
    for c in found:
        store.contacts[(c.workspace_id, c.id)] = c


def _service(store: InMemoryContacts, per_page: int = 50) -> DuplicateService:
    return DuplicateService(store, InMemoryDuplicateCandidates(store), examined_per_page=per_page)


def _walk(service: DuplicateService, ws: str = WS, limit: int = 20) -> list[dict]:
    found, cursor = [], None
    while True:
        page = service.page(ws, limit, cursor=cursor)
        found += [group_summary(g) for g in page.groups]
        cursor = page.next
        if cursor is None:
            return found


def test_mutual_duplicates_are_one_group_at_the_oldest(store):
    _add(store, *(contact(c, name, emails=("same@acme.example",), minute=m)
                  for m, (c, name) in enumerate(zip("abc", ("Alice Moss", "Bruno Katz", "Chen Wu")))),
         contact("z", "Nobody", emails=("z@z.example",), minute=9))
    assert _walk(_service(store)) == [
        {"contact": "a", "score": pytest.approx(0.8, abs=0.2), "reasons": ["email"],
         "duplicates": {"b": ["email"], "c": ["email"]}}]


def test_a_chain_is_reported_link_by_link(store):
    # a and b share an email, b and c a phone; a and c nothing
    _add(store, contact("a", "Ann One", emails=("ann@x.example",), minute=0),
         contact("b", "Bea Two", emails=("ann@x.example",), phones=("+33612345678",), minute=1),
         contact("c", "Cid Three", phones=("+33612345678",), minute=2))
    walked = _walk(_service(store))
    assert [(g["contact"], g["duplicates"]) for g in walked] == [("a", {"b": ["email"]}), ("b", {"c": ["phone"]})]


def test_pages_are_bounded_by_contacts_examined_and_carry_a_cursor_to_the_end(store):
    _add(store, *(contact(f"c{i:02d}", f"Person {i}", emails=(f"p{i}@x.example",), minute=i) for i in range(7)),
         contact("d1", "Dup", emails=("d@x.example",), minute=20), contact("d2", "Dup", emails=("d@x.example",),
                                                                          minute=21))
    service = _service(store, per_page=3)
    first = service.page(WS, 5)
    assert first.groups == [] and first.examined == 3 and first.next is not None
    assert [g["contact"] for g in _walk(service, limit=5)] == ["d1"]
    # limit 1 stops at the group
    service = _service(store)
    page = service.page(WS, 1)
    assert [g.contact.id for g in page.groups] == ["d1"] and page.next is not None
    rest = service.page(WS, 1, cursor=page.next)
    assert rest.groups == [] and rest.next is None


def test_cursors_are_bound_to_the_workspace(store):
    _add(store, contact("a", "A", minute=0), contact("b", "B", minute=1))
    page = _service(store, per_page=1).page(WS, 5)
    assert page.next is not None
    with pytest.raises(InvalidCursor):
        _service(store).page(OTHER_WS, 5, cursor=page.next)
    with pytest.raises(InvalidCursor):
        _service(store).page(WS, 5, cursor="garbage!")


def test_one_contact_checked_has_older_and_newer_duplicates(store):
    a, b, c = (contact(x, "Ann Lee", emails=("ann@acme.example",), minute=m) for m, x in enumerate("abc"))
    _add(store, a, b, c, contact("d", "Ann Lee", emails=("ann@acme.example",), minute=3, ws=OTHER_WS))
    group = _service(store).for_contact(WS, b)
    assert group is not None and sorted(d.contact.id for d in group.duplicates) == ["a", "c"]
    assert group.reasons == (Reason.EMAIL, Reason.NAME_EMAIL_DOMAIN)
    assert _service(store).for_contact(WS, contact("x", "Nobody")) is None


def test_blocking_entries_fit_a_sort_key_whatever_the_company():
    long = contact("a", "Ann Lee", company="\U00020000" * 255, emails=("ann@" + "d" * 240 + ".example",))
    assert all(len(e.encode("utf-8")) <= 1024 for e in index_entries(long))


def test_blocking_entries_carry_the_folded_name_the_reader_filters_on():
    from contacthub.store.search_index import alike_key, alike_name

    a = contact("a", "x", first="Zoé #1", last="100% Quintard", company="Acme")
    family = alike_key("acme", "zoe")
    [entry] = [e for e in index_entries(a) if e.startswith(family)]
    assert alike_name(family, entry) == person_name(a) == "zoe 1 100 quintard"
    renamed = a.with_changes(last_name="Quintardo")
    assert entry not in index_entries(renamed)  # a new name is a new key: the old entry is replaced


@pytest.mark.parametrize("handler", ["hub", "letsligo", "skarbe", "whautomate"])
def test_no_handler_loads_rapidfuzz_on_a_cold_start(handler):
    """Names are compared on the first check that needs it, never while a container starts."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (f"import contacthub.api.{handler}.handler, sys; "
            "print(sorted(m for m in sys.modules if m.startswith('rapidfuzz')))")
    functions = Path(__file__).resolve().parents[2] / "functions"
    result = subprocess.run([sys.executable, "-c", code], cwd=functions, env=dict(os.environ), check=False,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

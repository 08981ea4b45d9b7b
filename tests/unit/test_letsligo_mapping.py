"""Golden tests: the letsligo vendor examples map to and from the canonical model."""
from datetime import datetime, timezone

from contacthub.api.letsligo.contacts import mapping
from contacthub.api.letsligo.pipeline_states.mapping import PIPELINE_STATES, state_to_wire
from contacthub.api.letsligo.wire import collection, id_from_iri
from contacthub.domain.contact import Contact, Phone, Status
from contacthub.domain.pipeline import PipelineState, StateType

NOW = datetime(2025, 3, 20, 10, 0, tzinfo=timezone.utc)


def test_create_example_maps_to_canonical_fields():
    # Given the seed's POST /api/contacts body
    wire = {"name": "Marie Dubois", "emails": ["marie@acme.example", "m.dubois@acme.example"], "company": "Acme Corp"}
    # Then the canonical fields are
    assert mapping.fields_from_wire(wire) == {
        "name": "Marie Dubois", "emails": ["marie@acme.example", "m.dubois@acme.example"], "company": "Acme Corp"}


def test_patch_example_keeps_only_sent_fields():
    wire = {"company": "Acme Corp", "position": "Directrice", "phones": ["+33 6 00 00 00 00", "+33 1 00 00 00 00"],
            "additionalInfo": None, "linkedinUrl": "https://linkedin.com/in/marie"}
    assert mapping.fields_from_wire(wire) == {
        "company": "Acme Corp", "position": "Directrice", "phones": ["+33 6 00 00 00 00", "+33 1 00 00 00 00"],
        "notes": None, "linkedin_url": "https://linkedin.com/in/marie"}


def test_pipeline_state_response_example():
    # Given the seed's response example for PATCH /api/contacts/{id}/pipeline-state
    contact = Contact(workspace_id="w", id="123e4567-e89b-12d3-a456-426614174000", number=1, name="Marie Dubois",
                      company="Acme Corp", status=Status.PENDING, phones=(Phone("+33 6 00 00 00 00", "+33600000000"),),
                      pipeline_state_id="223e4567-e89b-12d3-a456-426614174000", created_at=NOW, updated_at=NOW)
    state = PipelineState("w", "223e4567-e89b-12d3-a456-426614174000", 1, "Nouveau contact", "#3B82F6", 0,
                          StateType.LEAD)
    wire = mapping.contact_to_wire(contact, state)
    # Then every documented attribute is there with the documented value
    assert {k: wire[k] for k in ("id", "name", "company", "status", "pipelineState")} == {
        "id": "123e4567-e89b-12d3-a456-426614174000", "name": "Marie Dubois", "company": "Acme Corp",
        "status": "pending",
        "pipelineState": {"id": "223e4567-e89b-12d3-a456-426614174000", "name": "Nouveau contact"}}
    assert wire["phones"] == ["+33 6 00 00 00 00"] and wire["createdAt"] == "2025-03-20T10:00:00+00:00"


def test_pipeline_state_member():
    state = PipelineState("w", "s1", 3, "Client", "#8B5CF6", 2, StateType.QUALIFIED)
    assert state_to_wire(state, with_context=False) == {
        "@id": "/api/pipeline_states/s1", "@type": "PipelineState", "id": "s1", "name": "Client",
        "color": "#8B5CF6", "position": 2}


def test_collection_view_keeps_filters():
    body = collection("/api/contacts", "Contact", [], total=65, page=2, page_size=30,
                              query={"name": "mar"})
    assert body["hydra:totalItems"] == 65
    assert body["hydra:view"] == {
        "@id": "/api/contacts?name=mar&page=2", "@type": "hydra:PartialCollectionView",
        "hydra:first": "/api/contacts?name=mar&page=1", "hydra:last": "/api/contacts?name=mar&page=3",
        "hydra:previous": "/api/contacts?name=mar&page=1", "hydra:next": "/api/contacts?name=mar&page=3"}


def test_iri_or_bare_id():
    assert id_from_iri("/api/pipeline_states/abc", PIPELINE_STATES) == "abc"
    assert id_from_iri("abc", PIPELINE_STATES) == "abc"

"""Golden tests: the letsligo prepare/confirm wizard (seed 000: text, overrides, confirmationToken)."""

from datetime import datetime, timezone

from contacthub.api.letsligo.capture.mapping import duplicate_to_wire, overrides_from_wire, prepared_to_wire
from contacthub.api.letsligo.capture.schemas import ContactConfirm, ContactPrepare
from contacthub.api.letsligo.errors import LETSLIGO
from contacthub.domain.contact import Contact, Phone
from contacthub.services.capture import Duplicate, Prepared

EXPIRES = datetime(2025, 3, 20, 11, 0, tzinfo=timezone.utc)
CID = "123e4567-e89b-12d3-a456-426614174000"


def test_prepare_request_overrides_map_to_canonical_fields():
    # Given a prepare body whose overrides are the seed's create example plus letsligo-only names
    body = ContactPrepare.model_validate(
        {
            "text": "Marie Dubois\nAcme Corp",
            "overrides": {
                "name": "Marie Dubois",
                "emails": ["marie@acme.example", "m.dubois@acme.example"],
                "company": "Acme Corp",
                "linkedinUrl": "https://linkedin.com/in/marie",
                "additionalInfo": None,
                "meetingContext": "Salon",
            },
        }
    )
    # Then only what was sent, under canonical names (null kept: it clears an extracted value)
    assert overrides_from_wire(body.overrides) == {
        "name": "Marie Dubois",
        "emails": ["marie@acme.example", "m.dubois@acme.example"],
        "company": "Acme Corp",
        "linkedin_url": "https://linkedin.com/in/marie",
        "notes": None,
        "meeting_context": "Salon",
    }
    assert overrides_from_wire(ContactConfirm.model_validate({"confirmationToken": "t"}).overrides) == {}


def test_prepared_answer():
    fields = {
        "name": "Marie Dubois",
        "first_name": "Marie",
        "last_name": "Dubois",
        "emails": ("marie@acme.example",),
        "phones": (Phone("+33 6 00 00 00 00", "+33600000000"),),
        "company": "Acme Corp",
        "linkedin_url": "https://www.linkedin.com/in/marie",
        "notes": "Met at the fair",
    }
    twin = Contact(
        workspace_id="w", id=CID, number=7, name="M. Dubois", emails=("MARIE@acme.example",), company="Acme"
    )
    prepared = Prepared(
        token="tok",
        fields=fields,
        duplicates=(Duplicate(twin, ("emails", "phones")),),
        source="signature",
        cards_found=0,
        expires_at=EXPIRES,
    )
    assert prepared_to_wire(prepared) == {
        "@context": "/api/contexts/ContactPreparation",
        "@type": "ContactPreparation",
        "confirmationToken": "tok",
        "expiresAt": "2025-03-20T11:00:00+00:00",
        "source": "signature",
        "cardsFound": 0,
        "contact": {
            "name": "Marie Dubois",
            "emails": ["marie@acme.example"],
            "company": "Acme Corp",
            "position": None,
            "phones": ["+33 6 00 00 00 00"],
            "address": None,
            "website": None,
            "linkedinUrl": "https://www.linkedin.com/in/marie",
            "additionalInfo": "Met at the fair",
            "meetingContext": None,
        },
        "duplicates": [
            {
                "@id": f"/api/contacts/{CID}",
                "@type": "Contact",
                "id": CID,
                "name": "M. Dubois",
                "emails": ["MARIE@acme.example"],
                "company": "Acme",
                "matchedOn": ["emails", "phones"],
            }
        ],
    }


def test_duplicate_summary_is_the_seed_contact_summary():
    twin = Contact(workspace_id="w", id=CID, number=1, name="Marie Dubois", company="Acme Corp")
    assert set(duplicate_to_wire(twin, ("phones",))) == {
        "@id",
        "@type",
        "id",
        "name",
        "emails",
        "company",
        "matchedOn",
    }


def test_violations_inside_overrides_use_wire_names():
    assert LETSLIGO.wire_path("overrides.linkedin_url") == "overrides.linkedinUrl"
    assert LETSLIGO.wire_path("overrides.notes") == "overrides.additionalInfo"
    assert LETSLIGO.wire_path("overrides.emails[1]") == "overrides.emails[1]"
    assert LETSLIGO.wire_path("text") == "text" and LETSLIGO.wire_path("linkedin_url") == "linkedinUrl"

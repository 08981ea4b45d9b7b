"""Release audit: defects found against the local server in contact capture and email, kept as regressions.

Through the real letsligo (and GraphQL) handlers, with moto DynamoDB and SES.
"""

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from contacthub.mail.base import OutgoingEmail
from contacthub.mail.ses import SesMailer
from environment import SETTINGS

SENDER = SETTINGS.sender_address

# Google Contacts escapes the colon of URLs (vCard 3.0 export).
GOOGLE_VCARD = "\n".join([
    "BEGIN:VCARD", "VERSION:3.0", "FN:Aisha Khan", "N:Khan;Aisha;;;",
    "EMAIL;TYPE=INTERNET;TYPE=WORK:akhan@contoso.example", "TEL;TYPE=CELL:+1 647-555-0188",
    "ORG:Contoso Ltd.", "TITLE:Solutions Architect", "URL:http\\://contoso.example",
    "item1.URL:https\\://www.linkedin.com/in/aishakhan", "END:VCARD"])

# US letterhead labels: one letter and a space, the fax on the same line as the phone.
FAX_ON_PHONE_LINE = """Cheers,
Emily Zhang
Director of Research
Helix Biotherapeutics
T 858.555.0147  F 858.555.0148
emily.zhang@helixbio.example"""

# A title with a regional qualifier after a dash, the company on the next line.
DASH_QUALIFIER = """Bien à vous,
--
Jean-Baptiste Lefèvre
Directeur commercial - Ouest
Batiplus
Mobile : 07 81 22 33 44
jb.lefevre@batiplus.example"""

# A lawyer's honorific before the name.
MAITRE = """Très cordialement,

Maître Antoine Rousseau
Avocat associé
ROUSSEAU & ASSOCIÉS
a.rousseau@rousseau-avocats.example"""


def prepare(letsligo, text):
    reply = letsligo.post("/api/contacts/prepare", json={"text": text})
    assert reply.status == 200, reply.text
    return reply.json["contact"]


def test_a_google_vcard_escaped_url_is_read_as_the_url(letsligo):
    # When a Google Contacts export is prepared
    contact = prepare(letsligo, GOOGLE_VCARD)
    # Then the website and LinkedIn profile are the URLs, without vCard escapes
    assert contact["website"] == "http://contoso.example"
    assert contact["linkedinUrl"] == "https://www.linkedin.com/in/aishakhan"


def test_a_fax_labelled_with_a_bare_f_is_not_taken_for_a_phone(letsligo):
    contact = prepare(letsligo, FAX_ON_PHONE_LINE)
    assert contact["phones"] == ["858.555.0147"]  # the fax, 858.555.0148, is left out
    assert contact["name"] == "Emily Zhang" and contact["company"] == "Helix Biotherapeutics"


def test_a_title_qualifier_is_not_taken_for_the_company(letsligo):
    # Given "Directeur commercial - Ouest" then "Batiplus": which one is the company is not certain
    contact = prepare(letsligo, DASH_QUALIFIER)
    # Then the qualifier never lands in company (empty beats wrong)
    assert contact["company"] in (None, "Batiplus")
    assert contact["position"].startswith("Directeur commercial")
    assert contact["name"] == "Jean-Baptiste Lefèvre"


def test_an_honorific_is_not_part_of_the_name(letsligo):
    contact = prepare(letsligo, MAITRE)
    assert contact["name"] == "Antoine Rousseau"
    assert contact["position"] == "Avocat associé" and contact["company"] == "ROUSSEAU & ASSOCIÉS"


# ------------------------------------------------------------------------------------------------ email
@pytest.fixture
def outbox(aws):
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    return ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages


@pytest.mark.parametrize("subject", ["Hi\x00there", "Hi\x1bthere", "Hi\x7fthere", "Hi\x9bthere"])
def test_a_subject_with_a_control_character_is_refused_and_nothing_is_sent(letsligo, outbox, subject):
    # Given a contact with an email address
    cid = letsligo.post("/api/contacts", json={"name": "Pierre Durand", "emails": ["pierre@durand.example"]}).json["id"]
    # When an email is sent with a control character in its subject
    reply = letsligo.post(f"/api/contacts/{cid}/emails/send", json={"emailData": {"subject": subject, "body": "Bonjour"}})
    # Then it is a 422 on the subject, and no mail left
    assert reply.status == 422, reply.text
    assert reply.json["violations"][0]["propertyPath"] == "emailData.subject"
    assert outbox == []
    # And a tab is still a valid (if unusual) subject character
    reply = letsligo.post(f"/api/contacts/{cid}/emails/send", json={"emailData": {"subject": "Hi\tthere", "body": "B"}})
    assert reply.status == 200, reply.text
    assert len(outbox) == 1


def test_graphql_refuses_a_control_character_in_the_subject(letsligo, outbox):
    cid = letsligo.post("/api/contacts", json={"name": "Pierre Durand", "emails": ["pierre@durand.example"]}).json["id"]
    reply = letsligo.post("/graphql", json={"query": (
        'mutation($c: ID!) { sendContactEmail(input: {contactId: $c, emailData: {subject: "a\\u0000b", body: "x"}})'
        " { sentEmail { messageId } error { __typename } } }"), "variables": {"c": cid}})
    assert reply.json["data"]["sendContactEmail"] == {"sentEmail": None, "error": {"__typename": "ValidationError"}}
    assert outbox == []


def test_the_ses_request_never_carries_a_control_character_in_a_header():
    mailer = SesMailer("noreply@example.com", client=object())
    for email in (OutgoingEmail(to="a@b.example", subject="x\x00y", body="b"),
                  OutgoingEmail(to="a@b.example", subject="s", body="b", from_name="Eve\x1b[31m")):
        with pytest.raises(ValueError):
            mailer.request(email)

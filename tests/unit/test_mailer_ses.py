"""The SES mailer: the SendEmail request it builds, header-injection refusal, error mapping, moto delivery."""
import boto3
import pytest
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.stub import Stubber
from contacthub.domain.errors import ServiceUnavailable
from contacthub.mail import UnconfiguredMailer, mailer_from_settings
from contacthub.mail.base import OutgoingEmail
from contacthub.mail.ses import SesMailer
from contacthub.settings import Settings

SENDER = "crm@contacthub.example"
EMAIL = OutgoingEmail(to="marie@acme.example", subject="Suite à notre rencontre", body="Bonjour Marie,\n\nMerci.",
                      from_name="Jöhn Admin", reply_to="john@acme.example",
                      tags=(("workspace", "ws-1"), ("contact", "c1:x")))


@pytest.fixture
def stubbed():
    client = boto3.client("sesv2", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield SesMailer(SENDER, client=client), stubber
        stubber.assert_no_pending_responses()


def test_send_email_request_is_simple_utf8_content_from_the_sender(stubbed):
    mailer, stubber = stubbed
    stubber.add_response("send_email", {"MessageId": "m-1"}, {
        # A non-ASCII display name is RFC 2047-encoded; replies go to the user; tags are SES-safe.
        "FromEmailAddress": "=?utf-8?q?J=C3=B6hn_Admin?= <crm@contacthub.example>",
        "Destination": {"ToAddresses": ["marie@acme.example"]},
        "ReplyToAddresses": ["john@acme.example"],
        "Content": {"Simple": {"Subject": {"Data": "Suite à notre rencontre", "Charset": "UTF-8"},
                               "Body": {"Text": {"Data": "Bonjour Marie,\n\nMerci.", "Charset": "UTF-8"}}}},
        "EmailTags": [{"Name": "workspace", "Value": "ws-1"}, {"Name": "contact", "Value": "c1_x"}],
    })
    assert mailer.send(EMAIL) == "m-1"


def test_plain_sender_without_name(stubbed):
    mailer, _ = stubbed
    params = mailer.request(OutgoingEmail(to="a@b.example", subject="S", body="B"))
    assert params["FromEmailAddress"] == SENDER and "ReplyToAddresses" not in params


@pytest.mark.parametrize("field, value", [
    ("subject", "Hi\r\nBcc: victim@example.com"), ("subject", "Hi\nthere"), ("to", "a@b.example\nBcc: c@d.example"),
    ("from_name", "John\rAdmin"), ("reply_to", "x@y.example\u2028"),
])
def test_header_injection_is_refused_before_any_call(stubbed, field, value):
    mailer, _ = stubbed  # no response queued: a call would fail the stubber
    email = OutgoingEmail(**{**EMAIL.__dict__, field: value})
    with pytest.raises(ValueError):
        mailer.send(email)


@pytest.mark.parametrize("code, retry_after", [
    ("TooManyRequestsException", 10), ("LimitExceededException", 30), ("MessageRejected", 300),
    ("MailFromDomainNotVerifiedException", 300), ("AccountSuspendedException", 300), ("SendingPausedException", 300),
])
def test_ses_errors_are_503_with_retry_after(stubbed, code, retry_after):
    mailer, stubber = stubbed
    stubber.add_client_error("send_email", code, "refused", 400)
    with pytest.raises(ServiceUnavailable) as caught:
        mailer.send(EMAIL)
    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize("error, message", [
    (ConnectTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"), "was not sent"),
    (ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"), "may have been sent"),
])
def test_transport_failures_say_whether_the_email_may_have_left(error, message):
    class Failing:
        def send_email(self, **_):
            raise error

    with pytest.raises(ServiceUnavailable) as caught:
        SesMailer(SENDER, client=Failing()).send(EMAIL)
    assert message in str(caught.value)


def test_the_sdk_never_retries_a_send():
    assert SesMailer(SENDER).client.meta.config.retries["total_max_attempts"] == 1


def test_delivered_through_moto(aws):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    boto3.client("sesv2").create_email_identity(EmailIdentity="contacthub.example")
    message_id = SesMailer(SENDER).send(EMAIL)
    (sent,) = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert sent.id == message_id and sent.destinations == {"ToAddresses": ["marie@acme.example"]}
    assert sent.subject == EMAIL.subject and sent.body == EMAIL.body


def test_unverified_sender_is_a_503_in_moto_too(aws):
    with pytest.raises(ServiceUnavailable) as caught:
        SesMailer(SENDER).send(EMAIL)
    assert "MessageRejected" in str(caught.value)


def test_mailer_from_configuration():
    assert isinstance(mailer_from_settings(Settings(sender_address=SENDER)), SesMailer)
    for sender in ("", "not an address", "a@b.example\nBcc: c@d.example"):
        mailer = mailer_from_settings(Settings(sender_address=sender))
        assert isinstance(mailer, UnconfiguredMailer)
        with pytest.raises(ServiceUnavailable):
            mailer.send(EMAIL)

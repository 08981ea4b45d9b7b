"""The Bedrock composer against botocore's Stubber: the Converse request it makes and how it reads answers."""
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber
from contacthub.composers import UnavailableComposer, composer_from_settings
from contacthub.composers.base import Brief
from contacthub.domain.email import EmailDraft, Turn
from contacthub.composers.bedrock import BedrockComposer
from contacthub.composers.offline import OfflineComposer
from contacthub.composers.openai_compat import OpenAICompatibleComposer
from contacthub.composers.prompt import SYSTEM
from contacthub.domain.errors import ServiceUnavailable
from contacthub.settings import Settings

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
BRIEF = Brief("Marie Dubois", "Marie", "Dubois", "Acme Corp", "Directrice", "Salon VivaTech 2025",
              notes="Prefers email to calls", recipient="marie@acme.example", tasks=("Call back (2025-03-20)",),
              sender_name="John Admin", sender_organisation="Acme Corporation")
ANSWER = {"subject": "Suite à notre rencontre", "body": "Bonjour Marie,\n\nMerci pour notre échange.\n\nJohn Admin",
          "notes": []}


def _converse_response(text: str, stop: str = "end_turn") -> dict:
    return {"output": {"message": {"role": "assistant", "content": [{"text": text}]}}, "stopReason": stop,
            "usage": {"inputTokens": 10, "outputTokens": 20, "totalTokens": 30}, "metrics": {"latencyMs": 100}}


@pytest.fixture
def stubbed():
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield BedrockComposer(MODEL, client=client), stubber
        stubber.assert_no_pending_responses()


def test_write_sends_one_converse_request_with_the_brief(stubbed):
    composer, stubber = stubbed
    # Given Bedrock answers with a JSON draft
    stubber.add_response("converse", _converse_response(json.dumps(ANSWER)), {
        "modelId": MODEL, "system": [{"text": SYSTEM}], "messages": ANY,
        "inferenceConfig": {"maxTokens": 2000, "temperature": 0.4}})
    # When a draft is written
    result = composer.write(BRIEF, "Rédige un email de relance après notre rencontre au salon",
                            [Turn("prepare", "earlier")])
    # Then the draft is the model's, checked
    assert result.draft == EmailDraft(ANSWER["subject"], ANSWER["body"]) and result.notes == ()


def test_prompt_carries_the_contact_tasks_history_and_instruction():
    captured = {}
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    client.meta.events.register("provide-client-params.bedrock-runtime.Converse",
                                lambda params, **_: captured.update(params))
    with Stubber(client) as stubber:
        stubber.add_response("converse", _converse_response(json.dumps(ANSWER)))
        BedrockComposer(MODEL, client=client).refine(BRIEF, EmailDraft("Old", "Old body"), "Shorten paragraph 2",
                                                     [Turn("prepare", "Write a follow-up")])
    text = captured["messages"][0]["content"][0]["text"]
    for expected in ("- Company: Acme Corp", "- Position: Directrice", "- Where and how we met: Salon VivaTech 2025",
                     "- Internal notes (do not quote): Prefers email to calls", "- Call back (2025-03-20)",
                     "Sender: John Admin, Acme Corporation", "- (prepare) Write a follow-up",
                     "Subject: Old\n\nOld body", "Shorten paragraph 2"):
        assert expected in text, expected


def test_throttling_is_a_503_with_retry_after(stubbed):
    composer, stubber = stubbed
    stubber.add_client_error("converse", "ThrottlingException", "Too many requests", 429)
    with pytest.raises(ServiceUnavailable) as caught:
        composer.write(BRIEF, "Write a follow-up")
    assert caught.value.retry_after == 10


def test_configuration_errors_are_503_with_a_long_retry_after(stubbed):
    composer, stubber = stubbed
    stubber.add_client_error("converse", "AccessDeniedException", "model access not granted", 403)
    with pytest.raises(ServiceUnavailable) as caught:
        composer.write(BRIEF, "Write a follow-up")
    assert caught.value.retry_after == 60 and "AccessDeniedException" in str(caught.value)


@pytest.mark.parametrize("text, stop", [
    ("Sure! Here is your email: Dear Marie...", "end_turn"),  # prose, no JSON
    ('{"subject": "Hi", "body": ', "end_turn"),  # broken JSON
    ('{"subject": "Hi"}', "end_turn"),  # no body
    ('{"subject": "", "body": "x"}', "end_turn"),  # empty subject
    ('["subject", "body"]', "end_turn"),  # not an object
    (json.dumps({"subject": "Hi", "body": "x" * 20_001}), "end_turn"),  # too long
    (json.dumps(ANSWER), "max_tokens"),  # cut off
])
def test_malformed_answers_are_a_clear_503(stubbed, text, stop):
    composer, stubber = stubbed
    stubber.add_response("converse", _converse_response(text, stop))
    with pytest.raises(ServiceUnavailable) as caught:
        composer.write(BRIEF, "Write a follow-up")
    assert "unusable answer" in str(caught.value) and caught.value.retry_after == 2


def test_fenced_json_and_multiline_subject_are_accepted_safely(stubbed):
    composer, stubber = stubbed
    answer = {"subject": "Hello\r\nBcc: evil@example.com", "body": "Body", "notes": ["could not add the joke"]}
    stubber.add_response("converse", _converse_response("```json\n" + json.dumps(answer) + "\n```"))
    result = composer.write(BRIEF, "Write")
    assert result.draft.subject == "Hello Bcc: evil@example.com"  # one line: no header can be injected
    assert result.notes == ("could not add the joke",)


def _configured(**values) -> Settings:
    """Settings with just these email values, whatever the environment holds."""
    return Settings(**{"email_composer": "", "bedrock_model_id": "", "openai_model": "", "openai_base_url": "",
                       "openai_api_key": None, **values})


def test_composer_is_chosen_by_configuration():
    assert isinstance(composer_from_settings(_configured()).composer, OfflineComposer)
    offline = composer_from_settings(_configured(email_composer="offline"))
    assert offline.name == "offline" and isinstance(offline.composer, OfflineComposer)
    bedrock = composer_from_settings(_configured(email_composer="bedrock", bedrock_model_id=MODEL))
    assert isinstance(bedrock, BedrockComposer) and bedrock.model_id == MODEL
    openai = composer_from_settings(_configured(email_composer="openai", openai_model="gpt-4o-mini",
                                                openai_base_url="http://127.0.0.1:9/v1/"))
    assert isinstance(openai, OpenAICompatibleComposer) and openai.url == "http://127.0.0.1:9/v1/chat/completions"
    # misconfiguration does not break start-up: drafting answers 503 instead
    for values in ({"email_composer": "bedrock"}, {"email_composer": "gpt"}, {"email_composer": "openai"},
                   {"email_composer": "openai", "openai_model": "m", "openai_base_url": "file:///etc/passwd"}):
        broken = composer_from_settings(_configured(**values))
        assert isinstance(broken, UnavailableComposer)
        with pytest.raises(ServiceUnavailable):
            broken.write(BRIEF, "Write")

"""The OpenAI-compatible composer against a fake chat-completions server on 127.0.0.1 (ephemeral port)."""
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from contacthub.composers.base import Brief
from contacthub.domain.email import EmailDraft
from contacthub.composers.openai_compat import OpenAICompatibleComposer
from contacthub.domain.errors import ServiceUnavailable

BRIEF = Brief("Marie Dubois", "Marie", company="Acme Corp", sender_name="John Admin")
ANSWER = {"subject": "Following up", "body": "Hello Marie,\n\nThanks again.\n\nJohn Admin", "notes": []}


def completion(content: str, finish: str = "stop") -> dict:
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
            "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}]}


@contextmanager
def fake_endpoint(*replies):
    """Serves the given (status, headers, body) replies in order, records each request, then stops by itself."""
    requests, pending = [], list(replies)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            requests.append({"path": self.path, "headers": dict(self.headers),
                             "json": json.loads(self.rfile.read(length))})
            status, headers, body = pending.pop(0)
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_success_posts_one_chat_completion():
    with fake_endpoint((200, {}, completion(json.dumps(ANSWER)))) as (url, requests):
        # Given an endpoint with a key
        composer = OpenAICompatibleComposer("test-model", url + "/", api_key="sk-test")
        # When a draft is written
        result = composer.write(BRIEF, "Write a follow-up", current=EmailDraft("Draft", "Old body"))
    # Then one POST /v1/chat/completions with the model, the system rules and the brief
    assert result.draft == EmailDraft(ANSWER["subject"], ANSWER["body"])
    (request,) = requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["json"]
    assert body["model"] == "test-model" and [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "- Company: Acme Corp" in body["messages"][1]["content"]
    assert "Subject: Draft\n\nOld body" in body["messages"][1]["content"]


def test_no_key_no_authorization_header():
    with fake_endpoint((200, {}, completion(json.dumps(ANSWER)))) as (url, requests):
        OpenAICompatibleComposer("local-model", url).refine(BRIEF, EmailDraft("S", "B"), "shorter")
    assert "Authorization" not in requests[0]["headers"]


@pytest.mark.parametrize("status, headers, retry_after", [
    (429, {"Retry-After": "7"}, 7), (429, {}, 10), (503, {"Retry-After": "bogus"}, 10), (500, {}, 10),
    (401, {}, 60), (404, {}, 60),
])
def test_http_errors_are_503_with_retry_after(status, headers, retry_after):
    with fake_endpoint((status, headers, {"error": {"message": "nope"}})) as (url, _), \
            pytest.raises(ServiceUnavailable) as caught:
        OpenAICompatibleComposer("m", url).write(BRIEF, "Write")
    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize("body", [
    completion("I cannot help with that."), completion(json.dumps(ANSWER), finish="length"),
    {"unexpected": True}, b"<html>gateway</html>", completion('{"subject": "Only a subject"}'),
])
def test_malformed_answers_are_a_clear_503(body):
    with fake_endpoint((200, {}, body)) as (url, _), pytest.raises(ServiceUnavailable) as caught:
        OpenAICompatibleComposer("m", url).write(BRIEF, "Write")
    assert "unusable answer" in str(caught.value)


def test_unreachable_endpoint_is_a_503():
    with fake_endpoint() as (url, _):
        pass  # the server is stopped: nothing listens on that port any more
    with pytest.raises(ServiceUnavailable) as caught:
        OpenAICompatibleComposer("m", url, timeout=2).write(BRIEF, "Write")
    assert caught.value.retry_after == 5


def test_only_http_urls():
    with pytest.raises(ValueError):
        OpenAICompatibleComposer("m", "file:///etc/passwd")

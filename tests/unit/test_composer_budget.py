"""The composers answer before API Gateway's 29 s, and the OpenAI key can come from SSM or Secrets Manager."""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from contacthub.composers import bedrock, composer_from_settings, secret_reader
from contacthub.composers.openai_compat import OpenAICompatibleComposer
from contacthub.domain.errors import ServiceUnavailable
from contacthub.settings import Settings
from moto import mock_aws
from test_composer_openai import ANSWER, BRIEF, completion, fake_endpoint

API_GATEWAY_SECONDS = 29


def test_bedrock_attempts_fit_in_api_gateways_timeout():
    client = bedrock.BedrockComposer("m").client
    config = client.meta.config
    assert config.retries["total_max_attempts"] == bedrock.MAX_ATTEMPTS
    assert (config.connect_timeout, config.read_timeout) == (bedrock.CONNECT_TIMEOUT, bedrock.READ_TIMEOUT)
    assert bedrock.WORST_CASE_SECONDS < API_GATEWAY_SECONDS


def test_an_answer_that_drips_is_cut_at_the_timeout():
    stop = threading.Event()

    class Dripping(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            while not stop.is_set():  # one byte at a time, each well within the socket timeout
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                stop.wait(0.05)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Dripping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(ServiceUnavailable) as caught:
            OpenAICompatibleComposer("m", f"http://127.0.0.1:{server.server_address[1]}/v1", timeout=1).write(
                BRIEF, "Write")
        assert caught.value.retry_after == 5
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("store", ["ssm", "secretsmanager"])
def test_the_openai_key_is_read_from_the_named_secret_once(store, monkeypatch):
    name = f"contacthub/openai-{uuid.uuid4().hex[:8]}"  # powertools caches by name across tests
    with mock_aws():
        if store == "ssm":
            name = "/" + name
            boto3.client("ssm").put_parameter(Name=name, Value="sk-from-ssm", Type="SecureString")
            expected = "sk-from-ssm"
        else:
            boto3.client("secretsmanager").create_secret(Name=name, SecretString="sk-from-secrets")
            expected = "sk-from-secrets"
        with fake_endpoint(*[(200, {}, completion(json.dumps(ANSWER)))] * 2) as (url, requests):
            composer = composer_from_settings(Settings(email_composer="openai", openai_model="m", openai_base_url=url,
                                                       openai_api_key_source=f"{store}:{name}"))
            composer.write(BRIEF, "Write")
            # the second call is served from the cache: the secret may be gone from the store meanwhile
            if store == "ssm":
                boto3.client("ssm").delete_parameter(Name=name)
            else:
                boto3.client("secretsmanager").delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
            composer.write(BRIEF, "Write")
    assert [r["headers"]["Authorization"] for r in requests] == [f"Bearer {expected}"] * 2


def test_a_missing_secret_is_a_503_and_a_bad_source_a_configuration_error():
    with mock_aws():
        read = secret_reader(f"ssm:/contacthub/missing-{time.monotonic_ns()}")
        with pytest.raises(ServiceUnavailable):
            read()
    with pytest.raises(ValueError):
        secret_reader("vault:/x")
    assert composer_from_settings(Settings(email_composer="openai", openai_model="m",
                                           openai_api_key_source="plain")).name == "unavailable"

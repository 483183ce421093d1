"""The REST webhook (channels/rest.py): a request it cannot read gets 400 and the reason, and the
server goes on answering. Checked on the body parser alone, then on the real Rasa server."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from rasa.core.run import create_http_input_channels
from rasa.shared.utils.io import read_config_file

from channels.credentials import channels, main, write
from channels.rest import BadRequest, RestInput, parse_body
from knowledge.formatting import amount
from settings import PROJECT_ROOT
from tests.channel_support import channel_bot


@pytest.mark.parametrize("body, reason", [
    (b"", "no body"),
    (b"   ", "no body"),
    (b'{"sender": "me", "message": "hi"', "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    (b'[{"sender": "me", "message": "hi"}]', "not an array"),
    (b'"hi"', "not a string"),
    (b"null", "not null"),
    (b'{"message": "hi"}', '"sender" is missing'),
    (b'{"sender": "", "message": "hi"}', '"sender" is missing'),
    (b'{"sender": ["me"], "message": "hi"}', '"sender" is missing'),
    (b'{"sender": "me"}', '"message" is missing'),
    (b'{"sender": "me", "message": 42}', '"message" is missing'),
    (b'{"sender": "me", "message": "hi", "metadata": [1]}', '"metadata"'),
])
def test_unreadable_bodies_are_refused_with_the_reason(body, reason):
    with pytest.raises(BadRequest, match=reason):
        parse_body(body)


def test_a_readable_body_gives_the_message():
    message = parse_body(json.dumps({"sender": 42, "message": " hi ",
                                     "metadata": {"page": "faq"}}).encode())
    assert (message.sender, message.text, message.metadata, message.input_channel) == (
        "42", " hi ", {"page": "faq"}, "rest")


@pytest.fixture(scope="module")
def bot(request):
    return channel_bot(request)


@pytest.mark.e2e
@pytest.mark.parametrize("body, content_type, reason", [
    ('{"sender": "me", "message": ', "application/json", "not valid JSON"),
    ("sender=me&message=hi", "application/x-www-form-urlencoded", "not valid JSON"),
    ('["what does a team lead make?"]', "application/json", "JSON object"),
    ('{"message": "what does a team lead make?"}', "application/json", '"sender"'),
    ('{"sender": "me"}', "application/json", '"message"'),
    ("", "application/json", "no body"),
])
def test_the_server_answers_a_bad_request_with_400_and_keeps_serving(bot, kb, body,
                                                                      content_type, reason):
    refused = requests.post(bot.rest_url, data=body, headers={"Content-Type": content_type},
                            timeout=30)
    assert refused.status_code == 400
    assert reason in refused.json()["error"]
    answered = requests.post(bot.rest_url, timeout=30, json={
        "sender": f"rest-{uuid.uuid4().hex[:8]}", "message": "what does a team lead make?"})
    assert answered.status_code == 200
    text = "\n".join(m.get("text", "") for m in answered.json())
    assert amount(kb.role("team_lead").median_usd, "USD") in text


@pytest.mark.e2e
def test_the_readme_request_gets_the_documented_reply_shape(bot, kb):
    reply = requests.post(bot.rest_url, timeout=30, json={
        "sender": "me-readme", "message": "what does a team lead make?"})
    assert reply.status_code == 200
    [message] = reply.json()
    assert message["recipient_id"] == "me-readme"
    assert amount(kb.role("team_lead").median_usd, "USD") in message["text"]
    assert all({"title", "payload"} <= set(b) for b in message["buttons"])


# --- the credentials generator: REST and the website are always on ---

def test_without_channel_variables_only_rest_and_the_website_are_on(tmp_path):
    generated = channels({}, PROJECT_ROOT / "credentials.yml")
    assert set(generated.credentials) == {"channels.rest.RestInput",
                                          "channels.socketio.SocketIOInput"}
    assert generated.credentials["channels.socketio.SocketIOInput"]["session_persistence"]
    assert any("Slack: off" in note for note in generated.notes)
    assert any("Telegram: off" in note for note in generated.notes)
    path = tmp_path / "credentials.yml"
    write(path, generated.credentials)
    made = create_http_input_channels(None, str(path))
    assert sorted(type(c).__name__ for c in made) == ["RestInput", "SocketIOInput"]
    assert [c.name() for c in made if isinstance(c, RestInput)] == ["rest"]


def test_the_generated_file_is_private_and_rasa_reads_values_as_written(tmp_path):
    path = tmp_path / "var" / "credentials.yml"
    env = {"WEB_ORIGINS": "https://coach.example.org/${HOME}"}
    write(path, channels(env, PROJECT_ROOT / "credentials.yml").credentials)
    assert path.stat().st_mode & 0o777 == 0o600
    read = read_config_file(str(path))
    assert read["channels.socketio.SocketIOInput"]["cors_allowed_origins"] == [
        "https://coach.example.org/${HOME}"]


def test_the_generator_says_what_is_wrong_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WEB_PORT", "eighty")
    out = tmp_path / "credentials.yml"
    assert main(["--out", str(out)]) == 2
    assert "WEB_PORT" in capsys.readouterr().err
    assert not out.exists()

"""The Slack app end to end: signed HTTP requests in, Web API calls out to a local fake, the real advisor behind."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import SecretStr

from advisor import Advisor
from advisor.slack import RATE_LIMIT_MESSAGE, SlackBot, SlackSettings, create_socket_handler
from tests.figures import survey_median
from tests.slack.slack_harness import (
    BAD_BLOCKS_CHANNEL,
    BOT_USER,
    RATE_LIMIT,
    TEAM,
    WEBHOOK_SECRET,
    FakeSlack,
    SlackHarness,
    block_texts,
    new_id,
    new_ts,
    sign,
)

AGENTS_Q = "What percent of AI engineer postings ask for AI agents?"
AGENTS_SOURCE = "003_2a3e108b44c3953e.txt"
AGENTS_TITLE = "A $62K Gap Has Already Opened Inside the AI Engineer Title"  # how the source is named to people
OFF_TOPIC_Q = "How do I bake a lasagna?"  # declined at once: cheap filler for tests about plumbing


def thread_id(channel: str, thread_ts: str, team: str = TEAM) -> str:
    return f"slack:{team}:{channel}:{thread_ts}"


def test_mention_is_acknowledged_at_once_and_answered_in_its_thread(slack: SlackHarness):
    channel, user = new_id("C"), new_id("U")
    event = slack.mention(AGENTS_Q, channel, user)
    t0 = time.perf_counter()
    response = slack.send(event)
    assert response.status_code == 200
    assert time.perf_counter() - t0 < 3.0  # Slack's limit; the answer itself comes later

    update = slack.fake.answer_in(channel)
    [placeholder] = slack.fake.calls_in(channel, "chat.postMessage")
    assert placeholder["params"]["thread_ts"] == event["ts"]
    assert placeholder["params"]["text"] == "Looking that up…"
    assert placeholder["auth"] == "Bearer xoxb-test"
    assert update["ts"] == placeholder["reply"]["ts"]  # the placeholder is edited, not a second message

    assert "47.3%" in update["text"]
    texts = block_texts(update["blocks"])
    assert "47.3%" in texts[0]
    assert {"type": "divider"} in update["blocks"]
    assert any(AGENTS_SOURCE in t and "47.3%" in t for t in texts)  # the numbered source with its quote
    assert any(t.startswith("*[1]*") for t in texts)
    assert all(len(t) <= 3000 for t in texts)

    history = slack.advisor.history(thread_id(channel, event["ts"]))
    assert history[0]["content"] == AGENTS_Q  # the <@UBOT> mention was stripped


def test_mention_inside_a_thread_is_answered_in_that_thread(slack: SlackHarness):
    channel, user, parent = new_id("C"), new_id("U"), new_ts()
    event = slack.mention(OFF_TOPIC_Q, channel, user, thread_ts=parent)
    assert slack.send(event).status_code == 200
    update = slack.fake.answer_in(channel)
    [placeholder] = slack.fake.calls_in(channel, "chat.postMessage")
    assert placeholder["params"]["thread_ts"] == parent
    assert "career advisor" in update["text"]
    assert {"type": "divider"} not in update["blocks"]  # a refusal has no sources
    assert slack.advisor.history(thread_id(channel, parent))


def test_direct_message_is_answered_in_thread(slack: SlackHarness):
    channel, user = new_id("D"), new_id("U")
    event = slack.dm(AGENTS_Q, channel, user)
    assert slack.send(event).status_code == 200
    update = slack.fake.answer_in(channel)
    [placeholder] = slack.fake.calls_in(channel, "chat.postMessage")
    assert placeholder["params"]["thread_ts"] == event["ts"]
    assert "47.3%" in update["text"]


@pytest.mark.parametrize("forgery", ["wrong secret", "no signature", "stale timestamp", "garbage timestamp",
                                     "tampered body"])
def test_unsigned_or_forged_requests_are_rejected(slack: SlackHarness, forgery: str):
    channel = new_id("C")
    body = json.dumps(slack.envelope(slack.mention(AGENTS_Q, channel, new_id("U")))).encode()
    headers = {
        "wrong secret": sign(body, secret="not-the-secret"),
        "no signature": {},
        "stale timestamp": sign(body, timestamp=int(time.time()) - 6 * 60),
        "garbage timestamp": {**sign(body), "X-Slack-Request-Timestamp": "soon"},
        "tampered body": sign(body.replace(b"AI agents", b"AI robots")),
    }[forgery]
    response = slack.post(body, headers=headers, signed=False)
    assert response.status_code == 401
    assert slack.fake.calls_in(channel) == []  # rejected before any listener could run


def test_url_verification_challenge_is_answered(slack: SlackHarness):
    challenge = {"token": "legacy", "challenge": "abc123", "type": "url_verification"}
    response = slack.post(challenge)
    assert response.status_code == 200 and response.json() == {"challenge": "abc123"}
    assert slack.post(challenge, signed=False).status_code == 401


def test_retried_event_is_answered_once(slack: SlackHarness):
    channel = new_id("C")
    body = slack.envelope(slack.mention(AGENTS_Q, channel, new_id("U")))
    assert slack.post(body).status_code == 200
    for n in (1, 2):
        retry = slack.post(body, headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        assert retry.status_code == 200 and retry.headers.get("x-slack-no-retry") == "1"
    slack.fake.answer_in(channel)
    assert len(slack.fake.calls_in(channel, "chat.postMessage")) == 1
    assert len(slack.fake.calls_in(channel, "chat.update")) == 1


def test_mention_in_a_dm_delivered_as_two_events_is_answered_once(slack: SlackHarness):
    channel, user, ts = new_id("D"), new_id("U"), new_ts()
    assert slack.send(slack.mention(OFF_TOPIC_Q, channel, user, ts=ts)).status_code == 200
    assert slack.send(slack.dm(f"<@{BOT_USER}> {OFF_TOPIC_Q}", channel, user, ts=ts)).status_code == 200
    slack.fake.answer_in(channel)
    assert len(slack.fake.calls_in(channel, "chat.postMessage")) == 1


def test_threads_keep_separate_memories(slack: SlackHarness):
    channel, user = new_id("C"), new_id("U")
    fake = slack.fake

    def answered(n: int) -> None:
        fake.wait_for(lambda: len(fake.calls_in(channel, "chat.update")) >= n, what=f"answer {n} in {channel}")

    first = slack.mention("How much do AI engineers earn in the US?", channel, user)  # thread A
    slack.send(first)
    answered(1)
    salary = fake.calls_in(channel, "chat.update")[0]["params"]
    table = next(t for t in block_texts(salary["blocks"]) if "```" in t)  # key figures as a compact table
    assert survey_median(job_title="AI Engineer", company_location="US") in table and "Median" in table, table

    other = slack.mention("and in the UK?", channel, user)  # top level: a new thread B, with no history
    slack.send(other)
    answered(2)
    follow_up = slack.mention("and in the UK?", channel, user, thread_ts=first["ts"])  # back in thread A
    slack.send(follow_up)
    answered(3)

    history_b = slack.advisor.history(thread_id(channel, other["ts"]))
    assert len(history_b) == 2 and history_b[0]["standalone"] == "and in the UK?"  # not rewritten from A
    history_a = slack.advisor.history(thread_id(channel, first["ts"]))
    assert len(history_a) == 4 and "United Kingdom" in history_a[2]["standalone"]  # A's memory did apply


def test_workspaces_keep_separate_memories(slack: SlackHarness):
    channel, ts = new_id("C"), new_ts()  # the same channel id and thread in two workspaces
    slack.send(slack.mention("How much do AI engineers earn in the US?", channel, new_id("U"), ts=ts))
    slack.fake.answer_in(channel)
    slack.send(slack.mention("and in the UK?", channel, new_id("U"), thread_ts=ts, team="T2"), team="T2")
    slack.fake.wait_for(lambda: len(slack.fake.calls_in(channel, "chat.update")) >= 2)
    assert slack.advisor.history(thread_id(channel, ts, team="T2"))[0]["standalone"] == "and in the UK?"
    assert len(slack.advisor.history(thread_id(channel, ts))) == 2


def test_bots_own_messages_edits_and_channel_chatter_are_ignored(slack: SlackHarness):
    channel, user = new_id("D"), new_id("U")
    ignored = [
        slack.dm("posted by another bot", channel, "UOTHERBOT", bot_id="B999", subtype="bot_message"),
        slack.dm("a bot user's message", channel, "UOTHERBOT", bot_id="B998"),
        slack.dm("the advisor's own answer", channel, BOT_USER, bot_id="BBOT"),
        slack.dm("edited", channel, user, subtype="message_changed"),
        {**slack.dm("chatting in a channel without a mention", channel, user), "channel_type": "channel"},
    ]
    for event in ignored:
        assert slack.send(event).status_code == 200  # acked (no 404, so Slack does not retry), then dropped
    sentinel = slack.dm(OFF_TOPIC_Q, channel, user)
    slack.send(sentinel)
    slack.fake.answer_in(channel)
    [post] = slack.fake.calls_in(channel, "chat.postMessage")
    assert post["params"]["thread_ts"] == sentinel["ts"]


def test_rate_limit_answers_politely(slack: SlackHarness):
    channel, user = new_id("C"), new_id("U")
    for _ in range(RATE_LIMIT + 1):
        assert slack.send(slack.mention(OFF_TOPIC_Q, channel, user)).status_code == 200
    fake = slack.fake
    fake.wait_for(lambda: len(fake.calls_in(channel, "chat.update")) == RATE_LIMIT
                  and len(fake.calls_in(channel, "chat.postEphemeral")) == 1, what="answers and the polite refusal")
    [notice] = fake.calls_in(channel, "chat.postEphemeral")
    assert notice["params"]["user"] == user
    assert notice["params"]["text"] == RATE_LIMIT_MESSAGE.format(limit=RATE_LIMIT)
    assert len(fake.calls_in(channel, "chat.postMessage")) == RATE_LIMIT

    slack.send(slack.mention(OFF_TOPIC_Q, channel, new_id("U")))  # someone else is not held back
    fake.wait_for(lambda: len(fake.calls_in(channel, "chat.update")) == RATE_LIMIT + 1)


def test_rejected_blocks_still_deliver_the_answer_as_text(slack: SlackHarness):
    slack.send(slack.mention(AGENTS_Q, BAD_BLOCKS_CHANNEL, new_id("U")))
    fake = slack.fake
    fake.wait_for(lambda: len(fake.calls_in(BAD_BLOCKS_CHANNEL, "chat.update")) == 2)
    rejected, fallback = fake.calls_in(BAD_BLOCKS_CHANNEL, "chat.update")
    assert rejected["params"]["blocks"] and not fallback["params"].get("blocks")
    assert "47.3%" in fallback["params"]["text"] and AGENTS_TITLE in fallback["params"]["text"]


def _webhook_headers(body: bytes, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    slack_style = sign(body, secret=secret)
    return {"X-Advisor-Request-Timestamp": slack_style["X-Slack-Request-Timestamp"],
            "X-Advisor-Signature": slack_style["X-Slack-Signature"], "Content-Type": "application/json"}


def test_signed_webhook_answers_with_json(slack: SlackHarness):
    thread = new_id("thread-")
    body = json.dumps({"question": AGENTS_Q, "thread_id": thread}).encode()
    response = slack.http.post(f"{slack.url}/webhook/ask", content=body, headers=_webhook_headers(body))
    assert response.status_code == 200
    data = response.json()
    assert "47.3%" in data["answer"] and data["thread_id"] == thread and not data["refused"]
    assert any(c["source"] == AGENTS_SOURCE for c in data["citations"])
    assert slack.advisor.history(f"webhook:{thread}")  # its own namespace, apart from Slack threads

    forged = slack.http.post(f"{slack.url}/webhook/ask", content=body, headers=_webhook_headers(body, "guess"))
    assert forged.status_code == 401
    junk = b"not json"
    assert slack.http.post(f"{slack.url}/webhook/ask", content=junk, headers=_webhook_headers(junk)).status_code == 400


def test_socket_mode_handler_is_built_for_the_app(advisor: Advisor, fake_slack: FakeSlack):
    settings = SlackSettings(mode="socket", bot_token=SecretStr("xoxb-test"), app_token=SecretStr("xapp-test"),
                             api_base_url=fake_slack.url)
    assert settings.missing() == []
    bot = SlackBot(advisor, settings)
    handler = create_socket_handler(bot)
    try:
        assert handler.app is bot.app
        assert handler.client.app_token == "xapp-test"
    finally:
        handler.client.close()


def _clear_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_TOKEN", "SIGNING_SECRET", "APP_TOKEN", "MODE"):
        monkeypatch.delenv(f"SLACK_{name}", raising=False)
        monkeypatch.delenv(f"ADVISOR_SLACK_{name}", raising=False)


def test_settings_come_from_env_and_say_what_is_missing(monkeypatch: pytest.MonkeyPatch):
    _clear_slack_env(monkeypatch)
    monkeypatch.setenv("ADVISOR_SLACK_RATE_LIMIT", "5")
    monkeypatch.setenv("ADVISOR_SLACK_MODE", "socket")
    settings = SlackSettings()
    assert settings.rate_limit == 5 and settings.path == "/slack/events"
    assert settings.missing() == ["ADVISOR_SLACK_BOT_TOKEN (or SLACK_BOT_TOKEN)",
                                  "ADVISOR_SLACK_APP_TOKEN (or SLACK_APP_TOKEN)"]
    assert SlackSettings(mode="http", bot_token=SecretStr("xoxb-1")).missing() == [
        "ADVISOR_SLACK_SIGNING_SECRET (or SLACK_SIGNING_SECRET)"]


def test_settings_accept_slack_bolts_standard_variable_names(monkeypatch: pytest.MonkeyPatch):
    _clear_slack_env(monkeypatch)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-std")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "std-secret")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-std")
    settings = SlackSettings()
    assert settings.missing() == []
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "xoxb-std"
    assert settings.signing_secret is not None and settings.signing_secret.get_secret_value() == "std-secret"
    assert settings.app_token is not None and settings.app_token.get_secret_value() == "xapp-std"
    monkeypatch.setenv("ADVISOR_SLACK_BOT_TOKEN", "xoxb-ours")  # the advisor's own name wins when both are set
    assert SlackSettings().bot_token.get_secret_value() == "xoxb-ours"
    assert SlackSettings(bot_token=SecretStr("xoxb-code")).bot_token.get_secret_value() == "xoxb-code"

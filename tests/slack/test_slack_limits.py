"""Hostile and broken requests against the running Slack app: size caps, signature first, malformed bodies.

The app answers over real HTTP on localhost (the session's `slack` harness). Unsigned requests must cost a
bounded read and one HMAC, never a parse; signed but broken ones get a 400, never a 500 or a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import time
from urllib.parse import urlsplit

import pytest

from advisor.slack import EVENT_MAX_BYTES, WEBHOOK_MAX_BYTES
from tests.slack.slack_harness import SIGNING_SECRET, WEBHOOK_SECRET, SlackHarness, new_id, sign

OFF_TOPIC_Q = "How do I bake a lasagna?"  # declined at once: cheap filler for tests about plumbing
PATHS = {"events": "/slack/events", "webhook": "/webhook/ask"}
LIMITS = {"events": EVENT_MAX_BYTES, "webhook": WEBHOOK_MAX_BYTES}


def _raw_exchange(url: str, head: str, body_parts: list[bytes], timeout: float = 5.0) -> bytes:
    """Send a request head and some body bytes over a bare socket, then read what the server says at once.

    A server that waited for the whole body before deciding would never answer here (the rest never comes).
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        for part in body_parts:
            sock.sendall(part)
        return sock.recv(4096)


@pytest.mark.parametrize("target", ["events", "webhook"])
def test_declared_oversized_body_is_refused_before_it_is_read(slack: SlackHarness, target: str):
    head = (f"POST {PATHS[target]} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {21 * 1024 * 1024}\r\n\r\n")
    reply = _raw_exchange(slack.url, head, [b'{"type": "event_callback", "junk": "'])  # 36 bytes of 21 MB sent
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


@pytest.mark.parametrize("target", ["events", "webhook"])
def test_chunked_body_is_cut_off_at_the_cap(slack: SlackHarness, target: str):
    head = (f"POST {PATHS[target]} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    chunks = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (LIMITS[target] // len(chunk) + 1)  # just past the cap
    reply = _raw_exchange(slack.url, head, chunks)  # and no terminating chunk: the body never ends
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("target", ["events", "webhook"])
def test_oversized_bodies_get_413_over_http(slack: SlackHarness, target: str, chunked: bool):
    big = b'{"junk": "' + b"x" * (LIMITS[target] + 10) + b'"}'
    content = iter([big[i:i + 65536] for i in range(0, len(big), 65536)]) if chunked else big
    response = slack.http.post(slack.url + PATHS[target], content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": "request too large"}


def _padded_mention(slack: SlackHarness, channel: str, size: int) -> bytes:
    """A genuine mention envelope padded with an extra field to exactly `size` bytes."""
    envelope = slack.envelope(slack.mention(OFF_TOPIC_Q, channel, new_id("U")))
    base = len(json.dumps({**envelope, "pad": ""}).encode())
    body = json.dumps({**envelope, "pad": "p" * (size - base)}).encode()
    assert len(body) == size
    return body


def test_signed_body_at_the_cap_is_answered_and_one_byte_over_is_not(slack: SlackHarness):
    channel = new_id("C")
    at_cap = _padded_mention(slack, channel, EVENT_MAX_BYTES)
    assert slack.post(at_cap).status_code == 200
    assert "career advisor" in slack.fake.answer_in(channel)["text"]

    other = new_id("C")
    assert slack.post(_padded_mention(slack, other, EVENT_MAX_BYTES + 1)).status_code == 413
    assert slack.fake.calls_in(other) == []


@pytest.mark.parametrize("body", [b"[1]", b"{bad", b"\xff\xfe", b"[" * 50_000], ids=["list", "bad-json", "not-utf8",
                                                                                    "deep"])
def test_unsigned_junk_is_401_without_parsing(slack: SlackHarness, body: bytes, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING)
    assert slack.post(body, signed=False).status_code == 401
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


MALFORMED = {
    "list": b"[1]",
    "bad-json": b"{bad",
    "null": b"null",
    "not-utf8": b'{"type": "event_callback", "x": "\xff"}',
    "deep": b"[" * 50_000,
    "event-not-object": b'{"type": "event_callback", "event": "app_mention"}',
    "event-without-type": b'{"type": "event_callback", "event": {"channel": "C1"}}',
    "authorizations-not-list": b'{"type": "event_callback", "authorizations": "x", "event": {"type": "app_mention"}}',
    "form-payload-not-json": b"payload=%7Bbad",
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_signed_malformed_body_is_400_without_traceback(slack: SlackHarness, name: str,
                                                        caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING)
    body = MALFORMED[name]
    content_type = "application/x-www-form-urlencoded" if name.startswith("form") else "application/json"
    response = slack.post(body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json() == {"error": "malformed request"}
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    [refusal] = [r for r in caplog.records if "refused (400)" in r.getMessage()]
    assert "\n" not in refusal.getMessage()


def _latin1_signed(body: bytes, timestamp: bytes, secret: str) -> tuple[bytes, bytes]:
    """Headers as raw bytes (the server reads header bytes as latin-1), signed with that very timestamp."""
    digest = hmac.new(secret.encode(), b"v0:" + timestamp + b":" + body, hashlib.sha256).hexdigest()
    return timestamp, f"v0={digest}".encode()


# "²" and "¹²³" pass str.isdigit() but int() rejects them; the old check let them through to a 500.
ODD_TIMESTAMPS = {"superscript-two": b"\xb2", "superscripts": b"\xb9\xb2\xb3",
                  "digits-then-superscript": str(int(time.time())).encode() + b"\xb2", "empty": b"",
                  "negative": b"-1", "far-future": str(int(time.time()) + 3600).encode()}


@pytest.mark.parametrize("name", list(ODD_TIMESTAMPS))
@pytest.mark.parametrize("target", ["events", "webhook"])
def test_timestamp_must_be_plain_ascii_digits_within_five_minutes(slack: SlackHarness, target: str, name: str):
    body = json.dumps({"question": OFF_TOPIC_Q} if target == "webhook"
                      else slack.envelope(slack.mention(OFF_TOPIC_Q, new_id("C"), new_id("U")))).encode()
    secret = WEBHOOK_SECRET if target == "webhook" else SIGNING_SECRET
    timestamp, signature = _latin1_signed(body, ODD_TIMESTAMPS[name], secret)
    prefix = "X-Advisor" if target == "webhook" else "X-Slack"
    headers = {f"{prefix}-Request-Timestamp": timestamp, f"{prefix}-Signature": signature,
               "Content-Type": "application/json"}
    response = slack.http.post(slack.url + PATHS[target], content=body, headers=headers)
    assert response.status_code == 401


def _webhook_headers(body: bytes) -> dict[str, str]:
    slack_style = sign(body, secret=WEBHOOK_SECRET)
    return {"X-Advisor-Request-Timestamp": slack_style["X-Slack-Request-Timestamp"],
            "X-Advisor-Signature": slack_style["X-Slack-Signature"], "Content-Type": "application/json"}


@pytest.mark.parametrize("body", [b"[" * 50_000, b'{"question": "\xff"}', b"[1]", b'{"question": 5}'],
                         ids=["deep", "not-utf8", "list", "question-not-str"])
def test_signed_malformed_webhook_body_is_400(slack: SlackHarness, body: bytes, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING)
    response = slack.http.post(slack.url + PATHS["webhook"], content=body, headers=_webhook_headers(body))
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def _wait_for_log(caplog: pytest.LogCaptureFixture, needle: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r.getMessage() for r in caplog.records if needle in r.getMessage()]
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"no log line with {needle!r}; got {[r.getMessage() for r in caplog.records]}")


@pytest.mark.parametrize("flaw", ["no channel", "ts null", "ts missing", "thread_ts not a string", "channel empty"])
def test_event_that_does_not_say_where_to_answer_is_ignored_with_a_log_line(slack: SlackHarness, flaw: str,
                                                                          caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING)
    channel = new_id("C")
    event = slack.mention(OFF_TOPIC_Q, channel, new_id("U"))
    if flaw == "no channel":
        del event["channel"]
    elif flaw == "ts null":
        event["ts"] = None
    elif flaw == "ts missing":
        del event["ts"]
    elif flaw == "thread_ts not a string":
        event["thread_ts"] = 1234.5
    else:
        event["channel"] = ""
    assert slack.send(event).status_code == 200  # acked, so Slack does not retry it
    line = _wait_for_log(caplog, "no usable channel/ts")
    assert line.startswith("app_mention event ignored")
    assert slack.fake.calls_in(channel) == []
    with slack.fake._lock:
        posted = [c["params"] for c in slack.fake.calls if c["method"].startswith("chat.")]
    assert not [p for p in posted if "None" in (p.get("channel"), p.get("thread_ts"))]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]

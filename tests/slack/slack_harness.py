"""Slack test harness: the real HTTP app on localhost, a fake Slack Web API, and signed requests.

Imported by conftest.py and the tests as `tests.slack.slack_harness` (conftest modules cannot be imported).

Nothing leaves the machine: the bot's Web API calls (auth.test, chat.postMessage,
chat.update, chat.postEphemeral) go to `FakeSlack`, an http.server on a free
port that records them, and the tests send the app real signed Events API
requests over HTTP, the way Slack does.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx

from advisor import Advisor
from advisor.slack import SlackBot

SIGNING_SECRET = "test-signing-secret"
WEBHOOK_SECRET = "test-webhook-secret"
BOT_USER = "UBOT"
TEAM = "T1"
RATE_LIMIT = 3
BAD_BLOCKS_CHANNEL = "CBADBLOCKS"  # the fake rejects blocks posted here, as Slack does with invalid_blocks
REVOKED_TOKEN = "xoxb-revoked"  # the fake answers auth.test for this token with invalid_auth, as Slack does


class FakeSlack:
    """A tiny Slack Web API: answers what the bot calls and records every call, thread-safely."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                if isinstance(params.get("blocks"), str):
                    params["blocks"] = json.loads(params["blocks"])
                reply = fake.reply(self.path.rsplit("/", 1)[-1], params, self.headers.get("Authorization", ""))
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, method: str, params: dict[str, Any], auth: str) -> dict[str, Any]:
        reply = self._reply(method, params, auth)
        with self._lock:
            self.calls.append({"method": method, "params": params, "auth": auth, "reply": reply,
                               "at": time.monotonic()})
        return reply

    def _reply(self, method: str, params: dict[str, Any], auth: str = "") -> dict[str, Any]:
        if method == "auth.test" and auth == f"Bearer {REVOKED_TOKEN}":
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "advisor",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BBOT"}
        if method in ("chat.postMessage", "chat.update"):
            if params.get("channel") == BAD_BLOCKS_CHANNEL and params.get("blocks"):
                return {"ok": False, "error": "invalid_blocks"}
            ts = params.get("ts") or self._new_ts()
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._new_ts()}
        return {"ok": False, "error": "unknown_method"}

    def _new_ts(self) -> str:
        with self._lock:
            return f"{time.time():.0f}.{next(self._ts):06d}"

    def calls_in(self, channel: str, method: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls
                    if c["params"].get("channel") == channel and (method is None or c["method"] == method)]

    def wait_for(self, done: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
        """Poll until `done()`; fail with the recorded calls after `timeout` (bounded, no fixed sleeps)."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                with self._lock:
                    recorded = [(c["method"], c["params"].get("channel")) for c in self.calls]
                raise AssertionError(f"timed out waiting for {what or 'Slack calls'}; recorded: {recorded}")
            time.sleep(0.02)

    def answer_in(self, channel: str, timeout: float = 30.0) -> dict[str, Any]:
        """The params of the chat.update that replaced the placeholder in `channel`."""
        self.wait_for(lambda: bool(self.calls_in(channel, "chat.update")), timeout, f"chat.update in {channel}")
        return self.calls_in(channel, "chat.update")[-1]["params"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free localhost port, in a daemon thread."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound before the server starts, so no other process can take the port
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def sign(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature: v0= HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


_counter = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8].upper()}"


def new_ts() -> str:
    return f"{int(time.time())}.{next(_counter):06d}"


@dataclass
class SlackHarness:
    url: str
    fake: FakeSlack
    bot: SlackBot
    advisor: Advisor
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    def post(self, payload: dict[str, Any] | bytes, headers: dict[str, str] | None = None,
             signed: bool = True, path: str = "/slack/events") -> httpx.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json", **(sign(body) if signed else {}), **(headers or {})}
        return self.http.post(self.url + path, content=body, headers=all_headers)

    @staticmethod
    def envelope(event: dict[str, Any], team: str = TEAM, event_id: str | None = None) -> dict[str, Any]:
        return {
            "token": "legacy-token-unused", "team_id": team, "api_app_id": "A1", "type": "event_callback",
            "event": event, "event_id": event_id or new_id("Ev"), "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
        }

    @staticmethod
    def mention(text: str, channel: str, user: str, ts: str | None = None, thread_ts: str | None = None,
                team: str = TEAM, **extra: Any) -> dict[str, Any]:
        ts = ts or new_ts()
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts,
                 "channel": channel, "team": team, "event_ts": ts, **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    @staticmethod
    def dm(text: str, channel: str, user: str, ts: str | None = None, **extra: Any) -> dict[str, Any]:
        return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts or new_ts(),
                "channel": channel, "team": TEAM, **extra}

    def send(self, event: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.post(self.envelope(event, **kwargs))


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text object in a Block Kit message, in order."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", []) if "text" in e]
        out += [f["text"] for f in block.get("fields", [])]
    return out

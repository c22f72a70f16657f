"""Slack front end: the advisor answers @mentions and direct messages in their thread.

Started by `advisor slack`. Two transports, chosen by `ADVISOR_SLACK_MODE`:

* ``http`` (default): the Events API. Slack POSTs signed events to `path`. The
  endpoint refuses bodies over 1 MB unread (413), then checks the signature
  over the raw bytes (HMAC-SHA256 with the signing secret, 5-minute window)
  before anything parses them, so an unsigned request costs a bounded read and
  one HMAC. Bolt then acknowledges at once, and the listener does the slow work
  afterwards in Bolt's thread pool (`process_before_response=False`), so a cold
  model or a long answer never trips Slack's 3-second limit and its retries.
* ``socket``: Socket Mode over a websocket opened with an app-level token, for
  workspaces where nothing can reach the advisor from outside.

Each Slack thread is one conversation: memory is keyed by workspace, channel
and thread (`slack:{team}:{channel}:{thread_ts}`), so a follow-up such as "and in
the UK?" is rewritten from that thread's history and nobody else's. Answers go
out as a placeholder that is then edited into the answer with Block Kit
citations, because a message that appears only after ten seconds looks broken.

The same HTTP app can also serve a small signed JSON webhook for other chat
tools (`ADVISOR_SLACK_WEBHOOK_SECRET`), capped and verified the same way.

Credentials are read from `ADVISOR_SLACK_*` or slack-bolt's standard
`SLACK_BOT_TOKEN` / `SLACK_SIGNING_SECRET` / `SLACK_APP_TOKEN`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Literal

# Module-level, not lazy: FastAPI resolves the route functions' annotations here to find their Request parameter.
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from advisor.http_body import json_question, read_capped
from advisor.postings import POSTINGS_YEAR, hits_in
from advisor.sources import describe as describe_source
from advisor.types import Answer, Chart, Citation

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from advisor.api import Advisor

logger = logging.getLogger("advisor.slack")

# Slack retries a delivery up to three times (at once, after 1 minute, after 5 minutes) with the same event_id.
DEDUPE_TTL_S = 15 * 60
DEDUPE_MAX_KEYS = 50_000
# Block Kit limits: 3000 characters per text object, 50 blocks per message.
TEXT_LIMIT = 3000
MAX_BLOCKS = 50
MAX_ANSWER_BLOCKS = 6
MAX_SOURCES = 15
QUOTE_CHARS = 300
TABLE_ROWS = 8
WEBHOOK_MAX_BYTES = 64 * 1024
# Slack's event payloads are a few KB (a message is at most 40,000 characters); nothing genuine comes near 1 MB.
EVENT_MAX_BYTES = 1024 * 1024
SIGNATURE_WINDOW_S = 5 * 60  # Slack's replay window for X-Slack-Request-Timestamp
RATE_LIMIT_MESSAGE = (
    "You've asked me {limit} questions in the last minute, which is my limit for now. "
    "Please wait a moment and ask again; I'll be right here."
)
ERROR_MESSAGE = "Sorry, something went wrong while I was looking that up. Please try again in a moment."
# Message subtypes that still carry a person's question; edits, joins, deletions and bot posts do not.
ANSWERED_SUBTYPES = {None, "file_share", "thread_broadcast"}


class SlackSetupError(RuntimeError):
    """The Slack app cannot start: a setting is missing or Slack refused or did not answer. One line, no traceback."""


def _either_env(name: str) -> AliasChoices:
    """`ADVISOR_SLACK_X` or slack-bolt's standard `SLACK_X`; ours wins when both are set (it is the more specific)."""
    return AliasChoices(f"ADVISOR_SLACK_{name.upper()}", f"SLACK_{name.upper()}")


class SlackSettings(BaseSettings):
    """Slack-only settings (env prefix `ADVISOR_SLACK_`), kept apart from the core `Settings`.

    They live here so the core package needs no Slack knowledge and the Slack
    extra stays optional. The three credentials are also read from the names
    every Bolt tutorial uses (`SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`,
    `SLACK_APP_TOKEN`), so an existing Slack app's environment works as is.
    """

    model_config = SettingsConfigDict(env_prefix="ADVISOR_SLACK_", extra="ignore", validate_by_name=True,
                                      validate_by_alias=True)

    bot_token: SecretStr | None = Field(default=None, validation_alias=_either_env("bot_token"),
                                        description="xoxb-… bot token (OAuth & Permissions)")
    signing_secret: SecretStr | None = Field(default=None, validation_alias=_either_env("signing_secret"),
                                             description="Basic Information → Signing Secret (http)")
    app_token: SecretStr | None = Field(default=None, validation_alias=_either_env("app_token"),
                                        description="xapp-… app-level token (socket mode)")
    mode: Literal["http", "socket"] = "http"
    # Slack only calls HTTPS URLs, so a TLS proxy or tunnel normally sits in front on the same host.
    host: str = "127.0.0.1"
    port: int = 3000
    path: str = "/slack/events"
    rate_limit: int = Field(default=10, ge=0, description="questions per user per minute; 0 = unlimited")
    api_base_url: str | None = Field(default=None, description="Web API base URL; tests point it at a fake")
    placeholder: str = "Looking that up…"
    webhook_secret: SecretStr | None = Field(default=None, description="enables the signed JSON webhook")
    webhook_path: str = "/webhook/ask"

    def missing(self) -> list[str]:
        """Env vars that must be set for the chosen mode, each with both spellings (empty when usable)."""
        need = ["bot_token"] + (["app_token"] if self.mode == "socket" else ["signing_secret"])
        return [f"ADVISOR_SLACK_{name.upper()} (or SLACK_{name.upper()})" for name in need
                if not _secret(getattr(self, name))]


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def _one_line(value: object, limit: int = 200) -> str:
    """`value` as one short log/message line: request data must not forge log lines or flood them."""
    return _clip(str(value), limit)


# The start-up check gets a logger of its own that prints nothing: its failure is reported once, as one line.
_quiet = logging.getLogger("advisor.slack.startup_check")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


def check_slack(token: str, base_url: str, timeout: float = 10.0) -> dict[str, Any]:
    """Call auth.test once, before anything slow loads; SlackSetupError with one readable line when it fails.

    Bolt calls auth.test too, but through a client that logs each failed try
    and retries, and it lets connection errors escape as tracebacks.
    """
    probe = WebClient(token=token, base_url=base_url, timeout=int(timeout), logger=_quiet, retry_handlers=[])
    try:
        return probe.auth_test().data  # type: ignore[return-value]
    except SlackApiError as exc:
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else exc.response.status_code
        raise SlackSetupError(f"Slack refused the bot token at {base_url} (auth.test: {error})") from exc
    except (SlackClientError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise SlackSetupError(f"Cannot reach Slack at {base_url} (auth.test: {_one_line(reason)})") from exc


class TTLCache:
    """A thread-safe "seen before?" set whose keys expire, bounded in size.

    Slack redelivers an event whenever it thinks the first delivery failed, and
    the first delivery may be the one still being answered, so duplicates are
    caught by id rather than by the X-Slack-Retry-Num header.
    """

    def __init__(self, ttl: float, max_keys: int = DEDUPE_MAX_KEYS, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str) -> bool:
        """Record `key`; True when it is new (not seen within the TTL)."""
        now = self._clock()
        with self._lock:
            while self._seen:
                oldest = next(iter(self._seen.values()))
                if oldest > now - self.ttl and len(self._seen) < self.max_keys:
                    break
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def __len__(self) -> int:
        return len(self._seen)


class RateLimiter:
    """Sliding-window limit per key (a user): at most `limit` events in `window` seconds.

    One person pasting questions in a loop would otherwise hold the model and
    the Web API for everybody else.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle users so the dict does not grow forever
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            return True


# -- text in and out ---------------------------------------------------------------
_LABELLED_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>")
_USER = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|[^>]*)?>")


def clean_text(text: str, bot_user_id: str | None) -> str:
    """The question as the person typed it: the bot's mention removed, Slack markup undone.

    The mention would otherwise reach retrieval and memory as "<@U0123>"
    noise, and Slack escapes &, < and > in everything it sends.
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _LABELLED_LINK.sub(r"\2", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(1) or 'channel'}", text)
    text = _USER.sub("someone", text)
    text = _SPECIAL.sub(r"@\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def escape(text: str) -> str:
    """Slack's required escaping: &, < and > would otherwise start entities and links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """Cut escaped text to `limit` characters without splitting an `&amp;`-style entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _split(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split escaped text into pieces of at most `limit`, at paragraph, line, sentence or word ends."""
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind(sep) for sep in ("\n\n", "\n", ". ", " ")) + 1
        if cut <= limit // 2:  # no good break: cut hard, but never inside an &amp;-style entity
            amp = window.rfind("&")
            cut = amp if amp > 0 and ";" not in window[amp:] else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text.strip():
        pieces.append(text)
    return pieces


def _mrkdwn(text: str) -> str:
    """Escape, then map the Markdown an LLM backend may write (**bold**, # headings) onto Slack mrkdwn."""
    text = escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    return re.sub(r"(?m)^#{1,6}\s+(.+)$", r"*\1*", text)


def _money(value: Any) -> str:
    """As the answer's text writes a figure (halves rounded up), so the table and the sentence agree."""
    from advisor.tools.salary import fmt_money

    return fmt_money(value) if isinstance(value, Real) else "–"


def salary_table(chart: Chart, max_rows: int = TABLE_ROWS) -> str:
    """The chart's key figures as a fixed-width table; the figures are the tool's own, never re-derived."""
    header = ("Source", "25th", "Median", "75th", "n", "Year")
    rows = [
        (
            _clip(str(r.get("label") or r.get("source") or ""), 30),
            _money(r.get("p25")),
            _money(r.get("median")),
            _money(r.get("p75")),
            f"{r['n']:,}" if isinstance(r.get("n"), Integral) else "–",
            str(r.get("year") or ""),
        )
        for r in chart.rows[:max_rows]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in [header, *rows]
    ]
    if len(chart.rows) > max_rows:
        lines.append(f"(+{len(chart.rows) - max_rows} more rows)")
    return "\n".join(line.rstrip() for line in lines)


def postings_list(citations: list[Citation], max_rows: int = TABLE_ROWS) -> str:
    """The postings an answer cites, one compact line each (the CLI's and the page's row text), '' if none."""
    found = hits_in(citations)
    lines = [f"*[{n}]* {escape(_clip(hit.line(), 300))}" for n, hit in found[:max_rows]]
    if len(found) > max_rows:
        lines.append(f"(+{len(found) - max_rows} more postings)")
    return f"*Job postings ({POSTINGS_YEAR})*\n" + "\n".join(lines) if lines else ""


def _cited_first(citations: list[Citation], text: str, limit: int) -> tuple[list[Citation], int]:
    """The citations to list: every one the text points at, then the rest, up to `limit`, in number order."""
    marked = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    chosen = [c for c in citations if c.n in marked] + [c for c in citations if c.n not in marked]
    shown = sorted(chosen[:limit], key=lambda c: c.n)
    return shown, len(citations) - len(shown)


def _source_line(c: Citation) -> str:
    """A source as Slack shows it: the plain heading, the rows summary or quote, then the details in small code.

    The heading is `advisor.sources`' (the page and the CLI show the same); the exact filter and file only appear
    in the details line, never as the source's name.
    """
    view = describe_source(c)
    head = f"*[{c.n}]* {escape(_clip(view.heading, 200))}"
    body = view.summary or (f"“{_clip(c.quote, QUOTE_CHARS)}”" if c.quote else "")
    body = f"\n{escape(body)}" if body else ""
    details = f"\n`{escape(_clip(view.details, 300))}`" if view.details else ""
    return _fit(head + body + details)


def render_answer(answer: Answer, max_sources: int = MAX_SOURCES) -> tuple[str, list[dict[str, Any]]]:
    """Block Kit for an answer, plus the plain-text fallback Slack shows in notifications.

    Layout: the answer (sections), notices, salary tables, the postings cited (one line each), a divider, then the
    numbered sources with their quotes. Every text object is held under 3000
    characters and the message under 50 blocks, because Slack rejects the
    whole update (`invalid_blocks`) when either is exceeded.
    """
    blocks: list[dict[str, Any]] = []
    pieces = _split(_mrkdwn(answer.text or "(no answer)"))
    if len(pieces) > MAX_ANSWER_BLOCKS:
        pieces = [*pieces[: MAX_ANSWER_BLOCKS - 1], _fit(pieces[MAX_ANSWER_BLOCKS - 1] + " …", TEXT_LIMIT)]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": p}} for p in pieces]
    if answer.notices:
        note = "\n".join(f":information_source: {escape(_clip(n, 400))}" for n in answer.notices[:5])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _fit(note)}]})
    for chart in answer.charts:
        if chart.kind == "salary_ranges" and chart.rows:
            title = f"*{escape(_clip(chart.title, 200))}* (USD a year)"
            table = _fit(escape(salary_table(chart)), TEXT_LIMIT - len(title) - 10)
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"{title}\n```{table}```"}})
    if listing := postings_list(answer.citations):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _fit(listing)}})
    shown, more = _cited_first(answer.citations, answer.text, max_sources)
    if shown:
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Sources*"}})
        room = MAX_BLOCKS - len(blocks) - 1
        blocks += [{"type": "context", "elements": [{"type": "mrkdwn", "text": _source_line(c)}]} for c in shown[:room]]
        more += max(0, len(shown) - room)
        if more:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"…and {more} more sources"}]})
    return plain_text(answer), blocks[:MAX_BLOCKS]


def plain_text(answer: Answer) -> str:
    """The fallback `text`: what notifications, screen readers and old clients show."""
    text = answer.text or "(no answer)"
    if answer.citations:
        text += "\n\nSources:\n" + "\n".join(f"[{c.n}] {describe_source(c).heading}" for c in answer.citations)
    return _fit(escape(text))


def answer_payload(answer: Answer, thread_id: str | None) -> dict[str, Any]:
    """The webhook's JSON: the same fields `advisor ask --json` prints."""
    return {
        "answer": answer.text,
        "citations": [
            {"n": c.n, "source": c.source, "title": c.title, "quote": c.quote, "score": c.score, "kind": c.kind,
             "locator": c.locator, "heading": describe_source(c).heading}
            for c in answer.citations
        ],
        "refused": answer.refused,
        "intent": answer.intent,
        "support": answer.support,
        "backend": answer.backend,
        "notices": list(answer.notices),
        "charts": [{"kind": ch.kind, "title": ch.title, "rows": ch.rows} for ch in answer.charts],
        "thread_id": thread_id,
    }


# -- the Bolt app --------------------------------------------------------------------
class SlackBot:
    """Slack events in, advisor answers out: one Bolt `App` plus the state it needs between requests.

    The state (seen event ids, answered messages, rate-limit windows, per-thread
    locks) is in memory, which fits one process; run one replica per app.
    """

    def __init__(self, advisor: Advisor, settings: SlackSettings, *, client: WebClient | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.advisor = advisor
        self.settings = settings
        self._events = TTLCache(DEDUPE_TTL_S, clock=clock)
        self._messages = TTLCache(DEDUPE_TTL_S, clock=clock)
        self.limiter = RateLimiter(settings.rate_limit, 60.0, clock=clock)
        # Striped locks: turns in one thread run in order (memory stays consistent), other threads run in parallel.
        self._turn_locks = [threading.Lock() for _ in range(64)]
        self.app = self._build_app(client)

    def _build_app(self, client: WebClient | None) -> App:
        """Construct the Bolt app; this calls auth.test once, so a bad token fails at startup, not on a question.

        Raises SlackSetupError (one line) when Slack is unreachable or refuses the token.
        """
        if client is None:
            base_url = self.settings.api_base_url or WebClient.BASE_URL
            check_slack(_secret(self.settings.bot_token), base_url)
            client = WebClient(token=_secret(self.settings.bot_token), base_url=base_url)
        socket = self.settings.mode == "socket"
        try:
            app = App(
                name="advisor",
                client=client,
                signing_secret=_secret(self.settings.signing_secret) or ("unused-in-socket-mode" if socket else ""),
                request_verification_enabled=not socket,  # Socket Mode has no HTTP signature to check
                process_before_response=False,  # ack first, answer in Bolt's thread pool
                logger=logger,
            )
        except (BoltError, SlackClientError, OSError) as exc:  # Slack went away between the check and here
            raise SlackSetupError(f"Slack auth.test failed at {client.base_url}: {_one_line(exc)}") from exc
        app.middleware(self._dedupe_events)
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)  # every message event must be acked, even those we skip
        return app

    # Bolt passes arguments by parameter name, so these names are fixed.
    def _dedupe_events(self, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not self._events.add(str(event_id)):
            logger.info("duplicate delivery of %s ignored", event_id)
            return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})
        return next()

    def _on_mention(self, event: dict[str, Any], body: dict[str, Any], client: WebClient,
                    context: BoltContext) -> None:
        self.handle(event, body, client, context)

    def _on_message(self, event: dict[str, Any], body: dict[str, Any], client: WebClient,
                    context: BoltContext) -> None:
        if event.get("channel_type") == "im":  # in channels only mentions are for us
            self.handle(event, body, client, context)

    @staticmethod
    def _ignored(event: dict[str, Any], bot_user_id: str | None) -> bool:
        """Bots (ours and others: two bots answering each other never stop), edits, joins and the like."""
        user, subtype = event.get("user"), event.get("subtype")
        return (
            bool(event.get("bot_id"))
            or not (subtype is None or (isinstance(subtype, str) and subtype in ANSWERED_SUBTYPES))
            or not isinstance(user, str)
            or not user
            or user == bot_user_id
        )

    @staticmethod
    def _where(event: dict[str, Any]) -> tuple[str, str, str] | None:
        """(channel, ts, thread_ts) when the event says where it was posted; None (logged) when it does not.

        A reply needs all three as Slack ids; `str(None)` would post to channel "None" or start thread "None".
        """
        channel, ts, thread_ts = event.get("channel"), event.get("ts"), event.get("thread_ts") or event.get("ts")
        if all(isinstance(v, str) and v.strip() for v in (channel, ts, thread_ts)):
            return channel, ts, thread_ts  # type: ignore[return-value]
        logger.warning("%s event ignored: no usable channel/ts (channel=%.40r, ts=%.40r, thread_ts=%.40r)",
                       _one_line(event.get("type")), channel, event.get("ts"), event.get("thread_ts"))
        return None

    def handle(self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Answer one message in its thread: placeholder first, then the answer edited into it."""
        if self._ignored(event, context.bot_user_id):
            return
        where = self._where(event)
        if where is None:
            return
        channel, ts, thread_ts = where
        team = str(body.get("team_id") or context.team_id or event.get("team") or "-")
        # A DM that mentions the bot can arrive twice (app_mention and message.im) under different event ids.
        if not self._messages.add(f"{team}:{channel}:{ts}"):
            return
        user = str(event["user"])
        if not self.limiter.allow(f"{team}:{user}"):
            self._say_rate_limited(client, channel, thread_ts, user)
            return
        question = clean_text(str(event.get("text") or ""), context.bot_user_id)
        thread_id = f"slack:{team}:{channel}:{thread_ts}"
        try:
            placeholder = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=self.settings.placeholder)
        except SlackApiError as exc:
            logger.error("cannot post in %s: %s", channel, exc.response.get("error"))
            return
        placeholder_ts = str(placeholder["ts"])
        try:
            answer = self.ask(question, thread_id)
        except Exception:
            logger.exception("answering %s failed", thread_id)
            self._update(client, channel, placeholder_ts, ERROR_MESSAGE, None)
            return
        text, blocks = render_answer(answer)
        self._update(client, channel, placeholder_ts, text, blocks)

    def ask(self, question: str, thread_id: str) -> Answer:
        """Ask the advisor, one turn at a time per conversation."""
        with self._turn_locks[hash(thread_id) % len(self._turn_locks)]:
            return self.advisor.ask(question, thread_id=thread_id)

    @staticmethod
    def _update(client: WebClient, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None) -> None:
        try:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            if not blocks:
                logger.error("chat.update failed in %s: %s", channel, exc.response.get("error"))
                return
            # Rejected blocks must not lose the answer: send it again as plain text.
            logger.warning("blocks rejected (%s); sending the answer as text", exc.response.get("error"))
            try:
                client.chat_update(channel=channel, ts=ts, text=text)
            except SlackApiError as again:
                logger.error("chat.update failed in %s: %s", channel, again.response.get("error"))

    def _say_rate_limited(self, client: WebClient, channel: str, thread_ts: str, user: str) -> None:
        """Tell only the asker (ephemeral); fall back to a thread reply where ephemeral posts are refused."""
        text = RATE_LIMIT_MESSAGE.format(limit=self.settings.rate_limit)
        try:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text)
        except SlackApiError:
            try:
                client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
            except SlackApiError as exc:
                logger.error("cannot post in %s: %s", channel, exc.response.get("error"))


# -- transports ----------------------------------------------------------------------
def signature_ok(secret: bytes, body: bytes, timestamp: str, signature: str, now: float | None = None) -> bool:
    """Slack's v0 signature (HMAC-SHA256 over `v0:{timestamp}:{raw body}`), checked before anything is parsed.

    The timestamp must be plain ASCII digits ("²" passes `str.isdigit`, " 1" and
    "1_0" pass `int`; none is Slack's) and within 5 minutes of now, so a
    captured request cannot be replayed later.
    """
    if not secret or not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > SIGNATURE_WINDOW_S:
        return False
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}".encode(), signature.encode("latin-1", "replace"))


def _well_formed(body: Any) -> bool:
    """What Bolt's routing reads without checking types: an object, and any `event` an object with a string type."""
    if not isinstance(body, dict):
        return False
    event = body.get("event")
    return event is None or (isinstance(event, dict) and isinstance(event.get("type"), str))


def to_bolt_request(request: Request, raw: bytes) -> BoltRequest | None:
    """A signed body as Bolt's request; None (logged in one line) when it is not a well-formed Slack payload.

    Bolt parses while it builds the request and turns any later surprise into
    a 500 with a traceback; a signed but broken body is the sender's mistake, a 400.
    """
    try:
        bolt_request = BoltRequest(body=raw.decode("utf-8"), query=str(request.url.query),
                                   headers=request.headers)  # type: ignore[arg-type]
        problem = "" if _well_formed(bolt_request.body) else "not a Slack payload object"
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        logger.warning("signed Slack request refused (400): %s", _one_line(problem))
        return None
    return bolt_request


def _refuse(status: int, message: str) -> JSONResponse:
    # 413 closes the connection: the rest of the body is never read, so the connection cannot be reused.
    headers = {"Connection": "close"} if status == 413 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _webhook_request(raw: bytes) -> tuple[str, str | None] | None:
    """(question, thread_id) from the webhook's JSON body; None when the body is not that shape, or its thread id
    is empty or over 200 characters."""
    parsed = json_question(raw)
    if parsed is None or (parsed[1] is not None and not 0 < len(parsed[1]) <= 200):
        return None
    return parsed


def create_http_api(bot: SlackBot) -> FastAPI:
    """FastAPI app: Slack events at `settings.path`, `/healthz`, and the optional signed webhook.

    Every POST is size-capped, then signature-checked over its raw bytes, and
    only then parsed: an unsigned request costs a bounded read and one HMAC,
    never a parse, so it cannot grow memory or stall the event loop that acks
    genuine events.
    """
    settings = bot.settings
    signing_secret = _secret(settings.signing_secret).encode()
    if not signing_secret:
        raise SlackSetupError("the Events API endpoint needs a signing secret (ADVISOR_SLACK_SIGNING_SECRET)")
    api = FastAPI(title="advisor for Slack", docs_url=None, redoc_url=None, openapi_url=None)

    @api.post(settings.path)
    async def slack_events(request: Request) -> Response:
        raw = await read_capped(request, EVENT_MAX_BYTES)
        if raw is None:
            return _refuse(413, "request too large")
        headers = request.headers
        if not signature_ok(signing_secret, raw, headers.get("x-slack-request-timestamp", ""),
                            headers.get("x-slack-signature", "")):
            return _refuse(401, "invalid request")
        bolt_request = to_bolt_request(request, raw)
        if bolt_request is None:
            return _refuse(400, "malformed request")
        # Bolt acks here and answers later in its thread pool (process_before_response=False).
        return to_starlette_response(bot.app.dispatch(bolt_request))

    @api.get("/healthz")
    async def healthz() -> dict[str, bool]:
        return {"ok": True}

    if _secret(settings.webhook_secret):
        _add_webhook(api, bot, _secret(settings.webhook_secret).encode())
    return api


def _add_webhook(api: FastAPI, bot: SlackBot, secret: bytes) -> None:
    from fastapi.concurrency import run_in_threadpool

    @api.post(bot.settings.webhook_path)
    async def webhook(request: Request) -> JSONResponse:
        """POST {"question", "thread_id"?} → the answer as JSON; signed like Slack's requests.

        Headers: X-Advisor-Request-Timestamp (unix seconds) and X-Advisor-Signature
        = "v0=" + hex HMAC-SHA256(secret, f"v0:{timestamp}:{body}").
        """
        raw = await read_capped(request, WEBHOOK_MAX_BYTES)
        if raw is None:
            return _refuse(413, "request too large")
        if not signature_ok(secret, raw, request.headers.get("x-advisor-request-timestamp", ""),
                            request.headers.get("x-advisor-signature", "")):
            return _refuse(401, "invalid signature")
        parsed = _webhook_request(raw)
        if parsed is None:
            return _refuse(400, 'body must be JSON: {"question": str, "thread_id": str?}')
        question, thread = parsed
        # Webhook threads get their own namespace so a caller can never read or extend a Slack thread.
        if thread:
            answer = await run_in_threadpool(bot.ask, question, f"webhook:{thread}")
        else:
            answer = await run_in_threadpool(bot.advisor.ask, question, None)
        return JSONResponse(answer_payload(answer, thread))


def create_socket_handler(bot: SlackBot) -> SocketModeHandler:
    """Socket Mode: Slack pushes events over a websocket the advisor opens, so no public URL is needed."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(bot.app, app_token=_secret(bot.settings.app_token))


def connect(advisor: Advisor, settings: SlackSettings | None = None) -> SlackBot:
    """Check the settings and that Slack accepts the token, then build the bot; SlackSetupError (one line) if not.

    `advisor slack` calls this before the model loads, so a missing variable,
    a wrong token or an unreachable Slack is reported in a second, not after
    the minute a cold start takes.
    """
    settings = settings or SlackSettings()
    missing = settings.missing()
    if missing:
        raise SlackSetupError(f"Slack {settings.mode} mode needs {' and '.join(missing)} to be set "
                              "(see README: Run it in Slack)")
    return SlackBot(advisor, settings)


def serve(bot: SlackBot) -> None:
    """Run until interrupted: uvicorn for the Events API, or a Socket Mode connection."""
    settings = bot.settings
    if settings.mode == "socket":
        logger.info("connecting to Slack in Socket Mode")
        create_socket_handler(bot).start()
        return
    import uvicorn

    logger.info("listening on http://%s:%d%s", settings.host, settings.port, settings.path)
    uvicorn.run(create_http_api(bot), host=settings.host, port=settings.port, log_level="info")


__all__ = [
    "RateLimiter",
    "SlackBot",
    "SlackSettings",
    "SlackSetupError",
    "TTLCache",
    "answer_payload",
    "check_slack",
    "clean_text",
    "connect",
    "create_http_api",
    "create_socket_handler",
    "render_answer",
    "serve",
]

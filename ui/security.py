"""Sign-in throttling for the web UI: repeated wrong passwords are refused for a while.

Gradio's login route checks a password as often as it is asked, so a script
could try thousands a minute. `LoginThrottle` counts failed sign-ins per
(client address, user name) in a sliding window; after too many, that pair is
locked out for a while and the route answers 429 without checking anything.
The pair, not the user name alone, is the key so that someone failing on
purpose from elsewhere can't lock the real user out. It is wired in as a plain
ASGI middleware (`login_throttle_middleware`) that watches only POST /login.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request

Key = tuple[str, str]  # (client address, user name)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_LOGIN_BODY = 64 * 1024  # a user name and a password; anything bigger is not a sign-in
MAX_TRACKED = 10_000  # pairs remembered at most; stale ones are dropped first


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class LoginThrottle:
    """At most `max_failures` failed sign-ins per (client, user) in `window_s`; then `lockout_s` of refusals."""

    def __init__(self, max_failures: int = 5, window_s: float = 60.0, lockout_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.window_s, self.lockout_s = max_failures, window_s, lockout_s
        self._clock = clock
        self._records: dict[Key, _Record] = {}
        self._lock = threading.Lock()

    def policy(self) -> str:
        """The rule in words, for the login page (which shows nothing of its own while a pair is locked out)."""
        return (f"After {self.max_failures} wrong passwords within {self.window_s:.0f} seconds, sign-in pauses for "
                f"{self.lockout_s / 60:.0f} minutes.")

    def retry_after(self, key: Key) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            record = self._records.get(key)
            return max(0.0, record.locked_until - self._clock()) if record else 0.0

    def failed(self, key: Key) -> None:
        """Count a wrong password; the `max_failures`-th within the window starts the lockout."""
        now = self._clock()
        with self._lock:
            if len(self._records) >= MAX_TRACKED:
                self._forget_stale(now)
            record = self._records.setdefault(key, _Record())
            record.failures.append(now)
            while record.failures and record.failures[0] <= now - self.window_s:
                record.failures.popleft()
            if len(record.failures) >= self.max_failures:
                record.locked_until = now + self.lockout_s
                record.failures.clear()

    def succeeded(self, key: Key) -> None:
        with self._lock:
            self._records.pop(key, None)

    def _forget_stale(self, now: float) -> None:
        """Bound memory: drop pairs with nothing recent; if none, the oldest not locked out (never a lockout)."""
        unlocked = [k for k, r in self._records.items() if r.locked_until <= now]
        stale = [k for k in unlocked if not self._records[k].failures
                 or self._records[k].failures[-1] <= now - self.window_s]
        for k in stale or unlocked[: len(unlocked) // 2 + 1]:
            del self._records[k]


def _is_login(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root):]
    return scope["type"] == "http" and scope.get("method") == "POST" and path.rstrip("/") == "/login"


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is over `limit` bytes."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = bool(message.get("more_body"))
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the buffered body out once, then waits on the real one (for a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _user_name(scope: Scope, body: bytes, receive: Receive) -> str:
    """The form's `username` (URL-encoded from scripts, multipart from the login page); "" when unreadable."""
    try:
        form = await Request(scope, _replay(body, receive)).form()
    except Exception:  # a malformed form: Gradio's own route answers it; it still counts against the client
        return ""
    return str(form.get("username") or "").strip()[:256]


async def _send_json(send: Send, status: int, payload: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(payload).encode()
    base = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": base + headers})
    await send({"type": "http.response.body", "body": body})


class ThrottledLogin:
    """ASGI middleware: refuses POST /login for a locked-out (client, user) and counts the route's verdicts."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle) -> None:
        self.app, self.throttle = app, throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_login(scope):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, MAX_LOGIN_BODY)
        if body is None:
            await _send_json(send, 413, {"detail": "The sign-in request is too large."}, [])
            return
        client = scope.get("client")
        key = (str(client[0]) if client else "", await _user_name(scope, body, receive))
        wait = self.throttle.retry_after(key)
        if wait > 0:
            seconds = math.ceil(wait)
            detail = f"Too many failed sign-ins. Try again in {seconds} seconds."
            await _send_json(send, 429, {"detail": detail}, [(b"retry-after", str(seconds).encode())])
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, _replay(body, receive), watch)
        if status == 200:
            self.throttle.succeeded(key)
        elif 400 <= status < 500:
            self.throttle.failed(key)


def login_throttle_middleware(throttle: LoginThrottle) -> Middleware:
    """The middleware entry for FastAPI's `middleware=` (Gradio's `launch(app_kwargs=...)`)."""
    return Middleware(ThrottledLogin, throttle=throttle)

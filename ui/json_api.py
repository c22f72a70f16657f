"""POST /api/ask: the web UI server's JSON API as one plain route in front of Gradio's.

Why a route of our own beside Gradio's "/gradio_api/run/ask": a script sends a question and reads one JSON
answer, and Gradio's API route builds a session state of every component of the chat page for each call and
runs through its own request processing, which cost the UI server ~20% of the throughput the Slack app reached
on the same cores (bench.load, bench/README.md). This route does only what a JSON API needs: read a bounded
body, check the login, answer in a worker thread (`ChatHandlers.answer_json`, bounded by `ui_workers`), reply.

Auth: when the UI has a login (`ADVISOR_AUTH_USER`/`PASSWORD`), this route takes the same user and password as
HTTP Basic credentials, compared in constant time; failures count towards the login throttle (the same
(client, user) lockout as the login page), so the route is no way around it.

    curl -s localhost:7860/api/ask -H 'content-type: application/json' \
         -d '{"question": "What do data engineers earn in Canada?", "thread_id": ""}'
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
from collections.abc import Callable
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from advisor.http_body import json_question, read_capped
from ui.security import LoginThrottle

ASK_PATH = "/api/ask"
MAX_BODY_BYTES = 64_000  # a question is at most `max_question_chars` (4,000): room for JSON escapes, not more
USAGE = 'POST JSON: {"question": "...", "thread_id": "" (or the one a previous answer gave back)}'
Answerer = Callable[[str, str], tuple[int, dict[str, Any]]]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _credentials(request: Request) -> tuple[str, str] | None:
    """(user, password) of an HTTP Basic Authorization header; None when there is none or it doesn't decode."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def _login_refusal(request: Request, auth: tuple[str, str], throttle: LoginThrottle) -> JSONResponse | None:
    """None when the request carries the UI's login; else the 401 (or 429 while locked out) to send."""
    given = _credentials(request)
    key = (request.client.host if request.client else "", given[0] if given else "")  # the login page's key
    if (wait := throttle.retry_after(key)) > 0:
        seconds = math.ceil(wait)
        return _error(429, f"Too many failed sign-ins. Try again in {seconds} seconds.",
                      {"Retry-After": str(seconds)})
    if given:
        # both compared, each in constant time: the reply doesn't tell which one was wrong, nor how early
        user_ok = hmac.compare_digest(given[0].encode(), auth[0].encode())
        password_ok = hmac.compare_digest(given[1].encode(), auth[1].encode())
        if user_ok and password_ok:
            throttle.succeeded(key)
            return None
        throttle.failed(key)
    return _error(401, "Sign in: send the UI's user and password as HTTP Basic credentials.",
                  {"WWW-Authenticate": 'Basic realm="AI Career Advisor"'})


def ask_route(answer: Answerer, auth: tuple[str, str] | None, throttle: LoginThrottle) -> Route:
    """The POST /api/ask route: `answer(question, thread_id)` gives the status and the JSON body."""

    async def ask(request: Request) -> JSONResponse:
        if auth and (refusal := _login_refusal(request, auth, throttle)) is not None:
            return refusal
        body = await read_capped(request, MAX_BODY_BYTES)
        if body is None:
            return _error(413, f"The request is over {MAX_BODY_BYTES:,} bytes; nothing was answered.")
        asked = json_question(body)
        if asked is None:
            return _error(400, USAGE)
        status, data = await anyio.to_thread.run_sync(answer, asked[0], asked[1] or "")
        return JSONResponse(data, status_code=status)

    return Route(ASK_PATH, ask, methods=["POST"])

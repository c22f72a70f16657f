"""Request bodies of the web servers (the Slack app's endpoints, the UI's JSON API): read with a size cap, and
the one JSON shape a question is sent in."""

from __future__ import annotations

import json

from starlette.requests import Request


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The raw body, or None when it is over `limit` bytes.

    A declared Content-Length over the limit is refused before a byte is read;
    a chunked body (no length) is read as it streams and dropped at the limit.
    So an oversized upload costs at most `limit` bytes and never reaches a
    parser, whoever sends it and however it is framed.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def json_question(raw: bytes) -> tuple[str, str | None] | None:
    """(question, thread_id or None) of a JSON body `{"question": ..., "thread_id": ...}` (the thread id
    optional); None when the body is not that shape (not JSON, not UTF-8, nested too deep, wrong types)."""
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    question, thread = payload.get("question"), payload.get("thread_id")
    if not isinstance(question, str) or not (thread is None or isinstance(thread, str)):
        return None
    return question, thread

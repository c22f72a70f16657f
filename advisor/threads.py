"""Conversation ids per surface: each surface (web UI, CLI, Slack) owns a namespace of thread ids.

All surfaces share one conversation memory. Were a client-supplied id used as
is, a caller of the UI's JSON API could pass a Slack thread's id
("slack:T0TEAM:C1:1700000001.000100") and continue — and read — that Slack
conversation. So an id from outside is checked (short, a safe character set)
and put under its surface's prefix: "ui:<id>", "cli:<id>". Slack builds its
own "slack:..." ids from the event and never takes one from a person.
"""

from __future__ import annotations

import re
import uuid
from typing import Literal

Surface = Literal["ui", "cli"]
MAX_THREAD_ID_CHARS = 128
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")  # no ':' — a caller can't write another surface's prefix
_ALLOWED = "letters, digits, '.', '_' and '-'"


class ThreadIdError(ValueError):
    """A thread id from outside that can't be used; the message is written for the person who sent it."""


def new_thread_id(surface: Surface) -> str:
    """A fresh id in `surface`'s namespace; random so that nobody can guess another's conversation."""
    return f"{surface}:{uuid.uuid4().hex}"


def scoped_thread_id(surface: Surface, given: str | None) -> str:
    """The memory key for an id a client of `surface` gave: validated and put under "<surface>:".

    An empty id starts a new conversation. An id this surface handed out before
    (already "<surface>:<id>") is accepted as it is, so a client can pass back
    the `thread_id` it was given. Raises `ThreadIdError` with a one-line reason
    that never echoes the id (it may be huge or not printable).
    """
    if not given:
        return new_thread_id(surface)
    prefix = f"{surface}:"
    local = given[len(prefix):] if given.startswith(prefix) else given
    if len(local) > MAX_THREAD_ID_CHARS:
        raise ThreadIdError(
            f"The thread id is {len(local):,} characters long; the limit is {MAX_THREAD_ID_CHARS}. "
            "Leave it empty to start a new conversation."
        )
    if not _SAFE_ID.fullmatch(local):
        raise ThreadIdError(
            f"A thread id may contain only {_ALLOWED} (at most {MAX_THREAD_ID_CHARS}); this one has other "
            "characters. Leave it empty to start a new conversation."
        )
    return prefix + local


def display_thread_id(surface: Surface, thread_id: str) -> str:
    """The id as a person types it back (without the surface prefix, which is added again on the way in)."""
    prefix = f"{surface}:"
    return thread_id[len(prefix):] if thread_id.startswith(prefix) else thread_id

"""Pure helpers that turn an `Answer` into what the chat page shows.

Nothing here touches Gradio or the advisor's models, so every rule about what
the user sees (which sources are listed, how a quote is found in its passage,
when a question is refused before it is sent) is unit-testable in
milliseconds. Everything that reaches the page as HTML is escaped here: the
corpus and the user's question are untrusted text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from advisor.postings import POSTINGS_YEAR, hits_in
from advisor.sources import describe as describe_source
from advisor.types import Answer, Citation

EMPTY_SOURCES = (
    '<div class="adv-empty">Sources for the latest answer appear here. '
    "Every <b>[n]</b> in an answer points to one of them.</div>"
)


# --- input -------------------------------------------------------------------


def counter_html(max_chars: int) -> str:
    """The visible character counter under the input; ui/page.js keeps its text in step with the box."""
    return (
        f'<div class="adv-receipt" style="text-align:right"><span id="adv-counter" data-limit="{max_chars}" '
        f'aria-live="polite">0 / {max_chars:,} characters</span> · answers cite their sources</div>'
    )


def check_question(text: str | None, max_chars: int) -> str | None:
    """Return why `text` must not be sent, or None when it may be.

    The UI refuses over-long input itself (instead of letting the advisor trim
    it) so the person sees the limit and can shorten their own words.
    """
    stripped = (text or "").strip()
    if not stripped:
        return "Type a question first."
    if len(stripped) > max_chars:
        return (
            f"Your question is {len(stripped):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it — it was not sent."
        )
    return None


def content_text(content: Any) -> str:
    """Flatten a chat message's content to plain text.

    Gradio 6 hands history back with `content` as a list of parts
    (`[{"type": "text", "text": ...}]`) even when we sent a plain string.
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        if "text" in content:
            return str(content["text"])
        if content.get("type") == "file" or "path" in content or "file" in content:
            return ""
        return str(content.get("value", ""))
    if isinstance(content, Iterable):
        return "\n".join(t for t in (content_text(part) for part in content) if t)
    return str(content)


def normalise_history(history: Sequence[Any] | None) -> list[dict[str, str]]:
    """Chatbot history as `{"role", "content": str}` dicts, whatever shape Gradio sent."""
    out: list[dict[str, str]] = []
    for msg in history or []:
        if isinstance(msg, dict):
            role, content = msg.get("role", "assistant"), msg.get("content")
        else:
            role, content = getattr(msg, "role", "assistant"), getattr(msg, "content", msg)
        out.append({"role": str(role), "content": content_text(content)})
    return out


def chat_markdown(text: str) -> str:
    """A chat message as Markdown that cannot inject: HTML shows as text, and no link or image renders.

    The grounding check already removes markup no source supports from answers; this is the second line of
    defence, for anything that still reaches a chat bubble (a bad answer, the person's own message). `<` and `>`
    become entities (no tag, no `<https://...>` autolink) and Markdown link, image and link-definition syntax
    is escaped. It is idempotent (no `&` is touched), because Gradio hands the shown history back and it is
    shown again.
    """
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("](", "]\\(").replace("]:", "]\\:")


# --- sources -----------------------------------------------------------------


def _esc(text: Any) -> str:
    return html.escape(str(text or ""), quote=True)


def kind_label(kind: str) -> str:
    return describe_source(Citation(0, "", "", "", 0.0, kind=kind)).kind_label


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def source_label(c: Citation) -> str:
    """One line naming a source: number and plain heading (never the filter or the file)."""
    return _short(f"[{c.n}] {describe_source(c).heading}", 110)


def source_anchor(n: int) -> str:
    """The element id of source `n`'s card: where a clicked [n] in an answer scrolls to."""
    return f"adv-src-{n}"


def _card(c: Citation) -> str:
    view = describe_source(c)
    body = (
        f'<div class="adv-rows">{_esc(view.summary)}</div>'
        if view.summary
        else f'<blockquote class="adv-quote">{_esc(c.quote)}</blockquote>'
    )
    return (
        f'<li class="adv-src" id="{source_anchor(c.n)}" data-n="{c.n}" tabindex="-1">'
        f'<div class="adv-src-head"><span class="adv-n">[{c.n}]</span> '
        f'<span class="adv-badge adv-kind-{_esc(c.kind)}">{_esc(view.kind_label)}</span> '
        f'<span class="adv-title">{_esc(view.heading)}</span></div>'
        f"{body}"
        f'<details class="adv-ctx"><summary>{"Show the rows" if view.summary else "Show in context"}</summary>'
        f"{context_body(c)}</details>"
        "</li>"
    )


def sources_html(citations: Sequence[Citation]) -> str:
    """The sources panel: one card per numbered source, each opening onto its passage or rows in place.

    Every card is reachable as `#adv-src-<n>`, which is what a clicked `[n]` in an answer scrolls to; the
    context sits inside the card (a `<details>`), so following a citation never needs a second control.
    """
    if not citations:
        return EMPTY_SOURCES
    count = f"{len(citations)} source" + ("s" if len(citations) != 1 else "")
    return (
        f'<div class="adv-sources"><div class="adv-count">{count} · tap a card to see the passage or rows</div>'
        f'<ol class="adv-src-list">{"".join(_card(c) for c in citations)}</ol></div>'
    )


POSTING_COLUMNS = (("company", "Company"), ("title", "Title"), ("place", "Place"), ("month", "Posted"),
                   ("pay", "Pay (year)"), ("skills", "Skills"))


def postings_html(citations: Sequence[Citation]) -> str:
    """The postings an answer cites as a table (company, title, place, month, pay, matched skills), above the
    source cards; '' when it cites none. The table scrolls inside its own box, so a phone's page never does."""
    found = hits_in(citations)
    if not found:
        return ""
    head = "".join(f"<th>{label}</th>" for _, label in POSTING_COLUMNS)
    rows = []
    for n, hit in found:
        cells = hit.cells()
        tds = "".join(f"<td>{_esc(getattr(cells, key))}</td>" for key, _ in POSTING_COLUMNS)
        rows.append(f'<tr><td><a class="adv-n" href="#{source_anchor(n)}">[{n}]</a></td>{tds}</tr>')
    return (f'<div class="adv-postings"><div class="adv-count">{len(found)} job posting'
            f'{"s" if len(found) != 1 else ""} from {POSTINGS_YEAR}</div><div class="adv-table-scroll">'
            f'<table class="adv-posting-table"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table></div></div>")


def sources_panel(citations: Sequence[Citation]) -> str:
    """The right-hand panel: the postings table when the answer cites postings, then the source cards."""
    return postings_html(citations) + sources_html(citations)


def _loose_pattern(quote: str) -> re.Pattern[str] | None:
    """A regex that finds `quote` in a passage despite Markdown emphasis, escapes and spacing."""
    words = re.findall(r"[$€£]?\w+(?:[.,'’-]\w+)*%?", quote)
    if len(words) < 3:
        return None
    gap = r"[\W_]{0,12}?"
    trail = re.search(r"[^\w\s]*$", quote)
    tail = f"(?:[*_]*{re.escape(trail.group())})?" if trail and trail.group() else ""
    return re.compile(gap.join(re.escape(w) for w in words) + tail, re.IGNORECASE)


def find_quote(context: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits inside `context` (exact first, then tolerant of markup); None if absent."""
    quote = quote.strip().strip('"')
    if not quote or not context:
        return None
    pos = context.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    pattern = _loose_pattern(quote)
    if pattern is not None and (m := pattern.search(context)):
        return m.start(), m.end()
    return None


_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)")
_MD_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)


def readable(text: str) -> str:
    """Passage text without Markdown syntax (emphasis, escapes, headings, link targets) for reading."""
    text = text.replace("\\$", "$").replace("\\_", "_").replace("\\*", "*")
    text = text.replace("**", "").replace("__", "")
    text = _MD_LINK.sub(r"\1", text)
    return _MD_HEADING.sub("", text)


def _passage(c: Citation) -> str:
    """An article's whole passage with the quoted part highlighted (or the quote above it when not found)."""
    context = readable(c.context or c.quote)
    span = find_quote(context, c.quote)
    if span:
        start, end = span
        body = f"{_esc(context[:start])}<mark>{_esc(context[start:end])}</mark>{_esc(context[end:])}"
        return f'<div class="adv-passage">{body}</div>'
    lead = f'<div class="adv-quoted">Quoted: <mark>{_esc(c.quote)}</mark></div>'
    return f'{lead}<div class="adv-passage">{_esc(context)}</div>'


def context_body(c: Citation) -> str:
    """What "show in context" opens: an article's passage, or a data source's rows summary and exact filter.

    A data source's quote is the tool's own sentence, already summarised in the card; what a person can add by
    opening it is which rows were counted, so the filter and file are shown there, in full.
    """
    view = describe_source(c)
    details = f'<div class="adv-details">{_esc(view.details)}</div>' if view.details else ""
    if view.summary:
        return f'<div class="adv-rows-detail"><div class="adv-rows">{_esc(view.summary)}</div>{details}</div>'
    return f"{_passage(c)}{details}"


# --- status ------------------------------------------------------------------


def notice_html(message: str, level: str = "info") -> str:
    """A status banner; `level` (info, warn, error, ok) picks its colour. No emoji: not every system has the font."""
    role = "alert" if level == "error" else "status"
    return f'<div class="adv-notice adv-{level}" role="{role}">{message}</div>'


# Short notes (a failing LLM endpoint, a trimmed question) are shown in full; longer ones fold.
NOTES_SHOWN_CHARS = 240

REFUSAL_REASONS: dict[str, str] = {
    "off_topic": "This question is outside what the advisor covers (careers in AI engineering), "
    "so it was not answered.",
    "abuse": "The advisor declined this message.",
    "empty": "The question could not be read; please type it again.",
    "error": "The advisor could not answer right now.",
}


def status_html(answer: Answer) -> str:
    """What the status area says after an answer: refusals, backend notices, and a short receipt."""
    parts: list[str] = []
    if answer.refused and answer.intent != "greeting":  # a greeting declines nothing: no warning for "hi"
        reason = REFUSAL_REASONS.get(
            answer.intent, "The sources don't cover this well enough to answer, so the advisor didn't guess."
        )
        level = "error" if answer.intent == "error" else "warn"
        parts.append(notice_html(html.escape(reason), level))
    if answer.notices:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in answer.notices)
        if sum(len(n) for n in answer.notices) <= NOTES_SHOWN_CHARS:
            parts.append(notice_html(f"Notes on this answer:<ul>{items}</ul>", "warn"))
        else:  # long data-coverage notes would push the chat off screen; one click away instead
            label = f"Notes on this answer ({len(answer.notices)})"
            parts.append(notice_html(f"<details><summary>{label}</summary><ul>{items}</ul></details>", "warn"))
    if not answer.refused:
        bits = [f"{len(answer.citations)} source" + ("s" if len(answer.citations) != 1 else "")]
        bits.append("answered offline" if answer.backend == "offline" else f"backend: {html.escape(answer.backend)}")
        if answer.support < 1.0:
            bits.append(f"{answer.support:.0%} of claims verified against sources")
        if "total_s" in answer.timings:
            bits.append(f"{answer.timings['total_s']:.1f} s")
        parts.append(f'<div class="adv-receipt">{" · ".join(bits)}</div>')
    return "".join(parts)


def progress_html(stage: str, done: int, total: int, elapsed: float | None = None) -> str:
    """The first-start banner: which ingest stage runs, how far it is, and for how long.

    Before the first batch is embedded there is no count to show, so the bar
    slides (indeterminate) and the elapsed time keeps moving: the page must
    never look frozen during a build that takes minutes.
    """
    if total:
        step = f"{html.escape(stage)} {done:,}/{total:,}"
        bar = f'<div class="adv-bar"><div style="width:{done / total:.0%}"></div></div>'
    else:
        step = "reading the corpus and embedding the first passages…"
        bar = '<div class="adv-bar adv-indeterminate"><div></div></div>'
    clock = f" · {elapsed:.0f} s" if elapsed is not None else ""
    return notice_html(f"<b>Preparing the knowledge base</b> (first start only): {step}{clock}{bar}", "info")

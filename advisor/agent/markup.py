"""Links, HTML and URLs in a model's answer: only a URL the cited evidence contains may stay.

A model that obeys an injection can append a Markdown link, an image, a bare
URL or an `<img>` tag to a sentence the sources do support; the sentence passes
the grounding check and the payload rides along (a page that renders it makes
the browser fetch the attacker's URL with no click). An answer is prose with
`[n]` markers, so none of that markup belongs in it:

* `defang` removes HTML (tags, comments, and the content of `<script>` and
  `<style>`), Markdown images and non-web URIs (`javascript:`, `data:` ...);
  a Markdown link or autolink becomes its text and its URL, which is then just
  a bare URL;
* `urls` / `drop_urls` find bare URLs; the grounding check keeps one only when
  the evidence its sentence cites contains it verbatim;
* `settled` splits streamed text into the part without unfinished markup and
  the part that waits for more text, so no tag or link is ever cut in half by
  the sentence splitter and shown before it is complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FLAGS = re.IGNORECASE | re.DOTALL
_ELEMENT = re.compile(r"<(script|style|iframe|object|template|svg|math)\b[^>]*>.*?</\1\s*>", _FLAGS)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+|www\.[^\s<>]+)>", re.IGNORECASE)
_TARGET = r"(?:[^()\s]|\([^()\s]*\))*"  # a link target, with one level of parentheses: alert(document.cookie)
_IMAGE = re.compile(r"!\[[^\[\]]*\]\(\s*" + _TARGET + r'(?:\s+"[^"]*")?\s*\)')
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*(" + _TARGET + r')(?:\s+"[^"]*")?\s*\)')
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<![^<>]*>|<\?[^<>]*>")
_SCHEME = re.compile(r"\b(?:javascript|vbscript|data|file|blob|about):[^\s<>\"')\]]+", re.IGNORECASE)
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'\[\]]+", re.IGNORECASE)
_WEB = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)

# Markup still open at the end of streamed text: it must not reach the sentence splitter yet.
_UNFINISHED = [
    re.compile(r"<(script|style|iframe|object|template|svg|math)\b(?!.*</\1\s*>).*$", _FLAGS),
    re.compile(r"<!--(?!.*-->).*$", re.DOTALL),
    re.compile(r"<[A-Za-z/!?][^<>]*$|<$"),
    re.compile(r"!?\[[^\[\]]*$"),  # "[" not closed yet
    re.compile(r"!?\[[^\[\]]*\]$"),  # "[text]" at the very end: a "(target)" may follow
    re.compile(r"!?\[[^\[\]]*\]\(" + _TARGET + r"(?:\([^()]*)?$"),  # "[text](targ"
    re.compile(r"!$"),  # may begin an image
    re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.|\b(?:javascript|vbscript|data):)\S*$", re.IGNORECASE),
]

# What the model left unfinished when it stopped: removed (a link keeps its text).
_CUT_OFF = [
    (re.compile(r"<(script|style|iframe|object|template|svg|math)\b.*$", _FLAGS), " "),
    (re.compile(r"<!--.*$", re.DOTALL), " "),
    (re.compile(r"<[A-Za-z/!?][^<>]*$"), " "),
    (re.compile(r"!\[[^\[\]]*(?:\]\(.*)?$", re.DOTALL), " "),
    (re.compile(r"\[([^\[\]]*)\]\(.*$", re.DOTALL), r"\1"),
    (re.compile(r"\[([^\[\]]*)$"), r"\1"),
]


def settled(text: str) -> tuple[str, str]:
    """(`ready`, `pending`): `pending` begins at the first markup that is still open at the end of `text`."""
    cut = len(text)
    for pattern in _UNFINISHED:
        m = pattern.search(text)
        if m is not None:
            cut = min(cut, m.start())
    opened = text.rfind("<", 0, cut)
    if opened >= 0 and ">" not in text[opened:cut]:
        cut = opened  # the cut fell inside a tag (a URL in its attribute): the whole tag waits
    return text[:cut], text[cut:]


def _link_text(m: re.Match[str]) -> str:
    target = m.group(2).strip()
    return f"{m.group(1)} {target}" if _WEB.match(target) else m.group(1)


def defang(text: str, final: bool = False) -> str:
    """`text` without HTML, images or non-web URIs; links reduced to their text and (web) URL.

    With `final`, markup left unfinished at the end (the model stopped inside a
    tag or link) is removed too; otherwise it is the caller's to hold back
    (`settled`).
    """
    text = _ELEMENT.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _AUTOLINK.sub(r" \1 ", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(_link_text, text)
    text = _TAG.sub(" ", text)
    text = _SCHEME.sub(" ", text)
    if final:
        for pattern, replacement in _CUT_OFF:
            text = pattern.sub(replacement, text)
    return _tidy(text)


def urls(text: str) -> list[str]:
    """Bare URLs in `text`, without the punctuation that ends the sentence around them."""
    return [_trim(m.group()) for m in _URL.finditer(text)]


def drop_urls(text: str, keep: set[str] | frozenset[str] = frozenset()) -> str:
    """`text` without its URLs, except those in `keep`."""

    def one(m: re.Match[str]) -> str:
        url = _trim(m.group())
        return m.group() if url in keep else m.group()[len(url):]

    return _tidy(_URL.sub(one, text))


def split_keeping_urls(text: str, split: Callable[[str], list[str]]) -> list[str]:
    """`split(text)` with every URL kept whole ("...?id=12345" is no sentence end): masked, split, restored."""
    found: list[str] = []

    def mask(m: re.Match[str]) -> str:
        url = _trim(m.group())
        found.append(url)
        return f"XURL{len(found) - 1}X{m.group()[len(url):]}"

    parts = split(_URL.sub(mask, text))
    return [re.sub(r"XURL(\d+)X", lambda m: found[int(m.group(1))], p) for p in parts] if found else parts


def _trim(url: str) -> str:
    url = url.rstrip(".,;:!?'\"")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?")
    return url


def _tidy(text: str) -> str:
    """Collapse what removal leaves behind: doubled spaces, empty brackets, space before punctuation."""
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([,.;:!?)])", r"\1", text)
    return re.sub(r"\( +", "(", text)

"""Articles → chunks that follow the article's own structure.

Each article is cut into sections at its headings (short lines without final
punctuation, or FAQ questions); tables stay whole; prose is split by
LangChain's RecursiveCharacterTextSplitter with overlap. The heading is put in
front of every chunk so the chunk means something on its own to BM25 and to the
embedder (MiniLM reads only ~256 tokens, so chunks stay under ~900 chars).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from advisor.corpus.docs import Doc
from advisor.text import clean_markup

CHUNK_CHARS = 900
_BROKEN_SENTENCE = re.compile(r"(?m)^(.{60,}[a-z,])[ \t]*\n\s*\n\s*(?=[a-z])")  # prose, not a list of tags
OVERLAP_CHARS = 150
MAX_TABLE_CHARS = 1600

_COUNTRIES = {
    "United States": r"\b(US|U\.S\.|USA|United States|American)\b",
    "United Kingdom": r"\b(UK|United Kingdom|Britain|British)\b",
    "Germany": r"\bGerman(y)?\b",
    "India": r"\bIndia\b",
    "Canada": r"\bCanada\b",
}
_ROLES = {
    "AI Engineer": r"\bAI engineer",
    "Machine Learning Engineer": r"\b(ML|machine learning) engineer",
    "Data Scientist": r"\bdata scientist",
    "Data Engineer": r"\bdata engineer",
    "MLOps Engineer": r"\bMLOps\b",
    "Prompt Engineer": r"\bprompt engineer",
}


@dataclass(frozen=True)
class ArticleMeta:
    file: str
    title: str
    publisher: str | None
    date: str | None
    exclude_from: str | None = None

    @property
    def year(self) -> int | None:
        m = re.match(r"(\d{4})", self.date or "")
        return int(m.group(1)) if m else None

    @property
    def cited_as(self) -> str:
        """'Title (Publisher, 2025-11-25)': every citation of a passage says who published it and when."""
        byline = ", ".join(x for x in (self.publisher, self.date) if x)
        return f"{self.title} ({byline})" if byline else self.title


def load_article_meta(articles_dir: Path) -> dict[str, ArticleMeta]:
    """Metadata from `articles.json`; an article without an entry is titled by its first line."""
    meta_path = articles_dir / "articles.json"
    entries = json.loads(meta_path.read_text()) if meta_path.exists() else []
    known = {
        e["file"]: ArticleMeta(e["file"], e["title"], e.get("publisher"), e.get("date"), e.get("exclude_from"))
        for e in entries
    }
    for path in sorted(articles_dir.glob("*.txt")):
        if path.name not in known:
            first = next((ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()), "")
            known[path.name] = ArticleMeta(path.name, clean_markup(first)[:120] or path.stem, None, None)
    return {k: v for k, v in known.items() if (articles_dir / k).exists()}


def _is_heading(line: str) -> bool:
    if line.startswith(("-", "|", "*", "•")) or len(line) > 100:
        return False
    if line.startswith(("Q.", "Q:")) or (line.endswith("?") and len(line) < 140):
        return True
    return not re.search(r"[.!:;,)\"']$", line) and len(line.split()) <= 14


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """(kind, heading, body) blocks; kind is 'prose' or 'table'."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for raw in text.splitlines():
        line = clean_markup(raw)
        if not line:
            sections[-1][1].append("")
            continue
        if _is_heading(line):
            if sections[-1][1] and any(x for x in sections[-1][1]):
                sections.append((line, []))
            else:  # consecutive headings: keep the more specific (later) one
                sections[-1] = (line, [])
            continue
        sections[-1][1].append(line)
    out: list[tuple[str, str, str]] = []
    for heading, lines in sections:
        prose: list[str] = []
        table: list[str] = []
        for line in lines + [""]:
            if line.startswith("|"):
                if prose:
                    out.append(("prose", heading, "\n".join(prose).strip()))
                    prose = []
                table.append(line)
                continue
            if table:
                out.append(("table", heading, "\n".join(table)))
                table = []
            prose.append(line)
        if "".join(prose).strip():
            out.append(("prose", heading, "\n".join(prose).strip()))
    return [b for b in out if b[2].strip()]


def _mostly_link(line: str) -> bool:
    """A line whose text is mostly a URL ("- [23] <https://…>"), not a claim with an inline source."""
    urls = sum(len(m.group(0)) for m in re.finditer(r"<?(https?://|www\.)\S+", line))
    return urls > 0 and urls >= 0.6 * len(line.strip())


def is_reference_list(piece: str) -> bool:
    """A bibliography ("External Sources: - [1] <https://…>"): links, no claims. Indexed, it would be retrieved
    for any question sharing a word with a URL and quoted as if it said something. A claim that cites a link
    inline ("Seattle had 1,472 posted AI jobs (www.axios.com)") is kept."""
    lines = [ln for ln in piece.splitlines() if ln.strip()]
    linked = sum(1 for ln in lines if _mostly_link(ln))
    return linked >= 2 and linked * 2 >= len(lines)


def chunk_article(text: str, meta: ArticleMeta) -> list[Doc]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    if meta.exclude_from and meta.exclude_from in text:
        text = text[: text.index(meta.exclude_from)]
    # 002 breaks a sentence across paragraphs ("... plus knowledge of\n\nmodel deployment, ..."): a paragraph
    # that ends mid-sentence continues in the next one when that one starts in lower case
    text = _BROKEN_SENTENCE.sub(r"\1 ", text)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_CHARS, chunk_overlap=OVERLAP_CHARS, separators=["\n\n", "\n", ". ", "; ", ", ", " "],
        keep_separator="end",
    )
    docs: list[Doc] = []
    stem = Path(meta.file).stem
    for kind, heading, body in _blocks(text):
        pieces = [body] if kind == "table" and len(body) <= MAX_TABLE_CHARS else splitter.split_text(body)
        for piece in pieces:
            piece = piece.strip()
            if len(piece) < 25 or is_reference_list(piece):
                continue
            body_text = f"{heading}\n{piece}" if heading else piece
            docs.append(
                Doc(
                    id=f"{stem}:{len(docs):03d}",
                    text=body_text,
                    kind="article",
                    source=meta.file,
                    title=meta.cited_as,
                    locator=heading,
                    metadata={
                        "section": heading,
                        "block": kind,
                        "year": meta.year or 0,
                        "publisher": meta.publisher or "",
                        "date": meta.date or "",
                        "role": ",".join(r for r, p in _ROLES.items() if re.search(p, body_text, re.I)),
                        "location": ",".join(c for c, p in _COUNTRIES.items() if re.search(p, body_text)),
                    },
                )
            )
    return docs


def load_articles(articles_dir: Path) -> list[Doc]:
    docs: list[Doc] = []
    for name, meta in sorted(load_article_meta(articles_dir).items()):
        raw = (articles_dir / name).read_bytes().decode("utf-8", errors="replace")
        docs.extend(chunk_article(raw, meta))
    return docs

"""The incremental index: unchanged corpus → nothing embedded; add/change/delete reflected."""

from pathlib import Path

import pytest

from advisor import Settings
from advisor.index import PASSAGES, Index
from advisor.types import IndexNotReadyError

ARTICLE = "Salaries\nAI engineers in the sample earn a median of $150,000 a year according to this text.\n"


def _corpus(root: Path) -> Settings:
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "a.txt").write_text(ARTICLE)
    skills = "Skills\nPostings ask for Python, SQL and experience with RAG pipelines.\n"
    (root / "articles" / "b.txt").write_text(skills)
    return Settings(corpus_dir=root, data_dir=root / "data", include_postings=False)


def test_reingest_embeds_nothing_and_changes_are_reflected(tmp_path: Path):
    settings = _corpus(tmp_path)
    index = Index(settings)
    first = index.ingest()
    assert first.built_from_scratch and first.embedded == 2
    assert first.collections[PASSAGES]["added"] == 2

    again = Index(settings).ingest()  # a new process would start like this
    assert again.embedded == 0 and again.collections[PASSAGES]["unchanged"] == 2

    (tmp_path / "articles" / "a.txt").write_text(ARTICLE.replace("$150,000", "$160,000"))
    (tmp_path / "articles" / "b.txt").unlink()
    advice = "Advice\nSysadmins can move into MLOps by automating model deployment.\n"
    (tmp_path / "articles" / "c.txt").write_text(advice)
    third = Index(settings).ingest()
    c = third.collections[PASSAGES]
    assert (c["added"], c["updated"], c["deleted"]) == (1, 1, 1)
    texts = {e.source: e.text for e in index.all_docs(PASSAGES)}
    assert set(texts) == {"a.txt", "c.txt"}
    assert "$160,000" in texts["a.txt"] and "$150,000" not in texts["a.txt"]


def test_unchanged_reingest_never_opens_chroma_but_any_change_does(tmp_path: Path):
    """Nothing new in the corpus: the manifest's fingerprint answers, Chroma is not even opened. A changed
    setting that chooses the documents, or a damaged store, still goes the full way."""
    settings = _corpus(tmp_path)
    Index(settings).ingest()
    quiet = Index(settings)
    report = quiet.ingest()
    assert quiet._client is None and report.collections[PASSAGES]["unchanged"] == 2 and report.embedded == 0

    wider = Index(settings.model_copy(update={"include_postings": True}))
    wider.ingest()  # the slice has no postings file: same documents, but it had to look
    assert wider._client is not None

    (settings.index_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexNotReadyError, match="rebuild"):
        Index(settings).ingest()


def test_interrupted_ingest_leaves_previous_index_answering(tmp_path: Path):
    settings = _corpus(tmp_path)
    index = Index(settings)
    index.ingest()
    (tmp_path / "articles" / "c.txt").write_text("Advice\nData analysts can learn Python and SQL to move into AI.\n")

    def boom(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt  # the user pressed Ctrl-C during embedding

    with pytest.raises(KeyboardInterrupt):
        Index(settings).ingest(progress=boom)
    vec = index.embedder.encode_one("median salary of AI engineers")
    hits = Index(settings).query(PASSAGES, vec, 2)
    assert hits and hits[0].source == "a.txt"
    report = Index(settings).ingest()
    assert report.collections[PASSAGES]["added"] == 1


def test_corrupt_index_gives_a_rebuild_message(tmp_path: Path):
    settings = _corpus(tmp_path)
    Index(settings).ingest()
    for f in settings.index_dir.rglob("*.sqlite3"):
        f.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexNotReadyError, match="advisor ingest --rebuild"):
        Index(settings).all_docs(PASSAGES)
    index = Index(settings)
    index.destroy()
    assert index.ingest().embedded == 0  # vectors come from the cache: rebuilding is cheap


def test_rebuild_interrupted_while_embedding_keeps_the_old_index(tmp_path: Path):
    """`ingest --rebuild` must not remove the index before the new one can be written."""
    settings = _corpus(tmp_path)
    Index(settings).ingest()
    (tmp_path / "articles" / "c.txt").write_text("Advice\nData analysts can learn Python and SQL to move into AI.\n")

    def ctrl_c(stage: str, done: int, total: int) -> None:
        if stage == "embedding":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Index(settings).rebuild(progress=ctrl_c)
    index = Index(settings)
    assert index.is_ready() and {e.source for e in index.all_docs(PASSAGES)} == {"a.txt", "b.txt"}

    report = Index(settings).rebuild()
    assert report.built_from_scratch and report.collections[PASSAGES]["added"] == 3
    assert report.embedded == 1 and not report.moved_aside  # only c.txt: the old documents come from the cache
    assert not list(settings.data_dir.glob("chroma.*"))  # a readable old index is replaced, not piled up


def test_rebuild_keeps_an_unreadable_index_aside(tmp_path: Path):
    settings = _corpus(tmp_path)
    Index(settings).ingest()
    for f in settings.index_dir.rglob("*.sqlite3"):
        f.write_bytes(b"this is not a database" * 100)

    report = Index(settings).rebuild()
    moved = Path(report.moved_aside)
    assert moved.name.startswith("chroma.corrupt-") and (moved / "chroma.sqlite3").read_bytes().startswith(b"this is")
    assert str(moved) in report.summary()
    vec = Index(settings).embedder.encode_one("median salary of AI engineers")
    assert Index(settings).query(PASSAGES, vec, 1)[0].source == "a.txt"

"""The Chroma index: incremental ingest of the corpus, and the raw dense query.

Two collections: `passages` (article chunks and BLS rows: small, searched with
a high `hnsw:search_ef` so it is effectively exact) and `postings` (one
document per posting). Each record carries a content hash; ingest compares
hashes, embeds only new or changed documents, and deletes the ones that
disappeared.

Ingest runs in two stages, so a new install answers within a minute: first the
passages (all embedding before the first write, so an interrupted stage leaves
the previous index whole and answering), then the manifest is written and the
index is usable; then the 32,672 postings, embedded and written in batches, the
manifest recording after each how many are in (`CollectionState`). A stopped
postings stage resumes where it stopped: the next ingest's plan finds the
written postings by their content hash. One process at a time writes
(`IngestLock`).

`rebuild` (for `advisor ingest --rebuild`) keeps the same promise: it checks
that it can write, embeds everything, and only then moves the old index aside;
a broken old index is kept under a new name, never deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from advisor.config import Settings
from advisor.corpus import Doc, load_articles, load_bls, load_postings
from advisor.embed_backend import Precision
from advisor.embeddings import Embedder
from advisor.ingest_lock import LOCK_NAME, IngestLock
from advisor.storage import DataDirNotWritableError, move_aside, not_writable_message, require_writable, writable
from advisor.types import AdvisorError, Evidence, IndexNotReadyError

log = logging.getLogger(__name__)

PASSAGES = "passages"
POSTINGS = "postings"
CHROMA_MAX_BATCH = 5000  # one add takes at most 5,461 items
POSTINGS_BATCH = 2000  # postings embedded and written per step: ~25 s on 2 cores, the most a stop loses
MANIFEST = "manifest.json"


class StageState(StrEnum):
    PENDING = "pending"  # nothing of the current corpus is known to be in yet
    PARTIAL = "partial"  # some batches written; the next ingest continues
    COMPLETE = "complete"


@dataclass(frozen=True)
class CollectionState:
    """How much of a collection's current corpus is in the index, as the manifest last recorded it."""

    state: StageState
    indexed: int = 0
    total: int | None = None  # None: not counted yet (the postings stage has not started)

    @property
    def complete(self) -> bool:
        return self.state is StageState.COMPLETE

    def progress_text(self) -> str:
        if self.total is None:
            return "not started yet"
        return f"{self.indexed:,} of {self.total:,} embedded"

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.value, "indexed": self.indexed, "total": self.total}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CollectionState:
        return cls(StageState(data["state"]), int(data.get("indexed") or 0), data.get("total"))


@dataclass
class IngestReport:
    collections: dict[str, dict[str, int]] = field(default_factory=dict)
    embedded: int = 0
    seconds: float = 0.0
    built_from_scratch: bool = False
    moved_aside: str = ""  # where `rebuild` put an old index it could not read (kept for the person to inspect)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)  # per collection: CollectionState.to_json()

    def summary(self) -> str:
        parts = [
            f"{name}: {c['total']:,} docs ({c['added']:,} added, {c['updated']:,} changed, "
            f"{c['deleted']:,} removed, {c['unchanged']:,} unchanged)"
            for name, c in self.collections.items()
        ]
        text = "; ".join(parts) + f". Embedded {self.embedded:,} texts in {self.seconds:.1f} s."
        for name, data in self.state.items():
            if (state := CollectionState.from_json(data)).state is not StageState.COMPLETE:
                text += f" {name}: {state.progress_text()} ({state.state.value})."
        if self.moved_aside:
            text += f" The old index could not be read; it was moved to {self.moved_aside} (delete it when done)."
        return text


ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


def chroma_failure(exc: BaseException) -> bool:
    """Whether `exc` is Chroma failing, not the person stopping us (Ctrl-C, exit).

    Chroma's Rust core panics on some damaged files, and a pyo3 `PanicException`
    derives from BaseException, so `except Exception` alone lets it through.
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def corpus_docs(settings: Settings, postings: bool = True) -> dict[str, list[Doc]]:
    """What the index should hold, per collection, straight from `corpus/` (`postings=False`: all but the
    postings, which the first stage of an ingest does without)."""
    passages = load_articles(settings.articles_dir)
    if settings.bls_csv.exists():
        passages += load_bls(settings.bls_csv)
    docs = {PASSAGES: passages}
    if postings and wants_postings(settings):
        # the vector space is part of each posting's hash: switching `posting_precision` re-embeds them all
        space = {"vectors": settings.posting_precision.space}
        docs[POSTINGS] = [replace(d, metadata={**d.metadata, **space}) for d in load_postings(settings.postings_csv)]
    return docs


def wants_postings(settings: Settings) -> bool:
    return settings.include_postings and settings.postings_csv.exists()


def inputs_fingerprint(settings: Settings) -> str:
    """What an index is a function of: the corpus files, and the code and settings that turn them into documents.

    (Not the index files themselves: Chroma rewrites them on every query, with the same contents.)
    """
    from importlib.metadata import version

    import advisor.corpus

    h = hashlib.sha256(f"{settings.include_postings}|{settings.posting_precision.space}|"
                       f"{version('langchain-text-splitters')}".encode())
    sources = sorted(p for p in settings.articles_dir.glob("*") if p.is_file())
    sources += [settings.bls_csv] + ([settings.postings_csv] if settings.include_postings else [])
    code = [*sorted(Path(advisor.corpus.__file__).parent.glob("*.py")), Path(__file__).with_name("text.py")]
    for path in sources + code:
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.exists() else b"<missing>")
    return h.hexdigest()


def _sqlite_intact(path: Path) -> bool:
    """Whether Chroma's SQLite file is there and its pages check out (what a full plan's read would find)."""
    import sqlite3
    from contextlib import closing

    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)) as db:
            return db.execute("PRAGMA quick_check").fetchone() == ("ok",)
    except sqlite3.Error:
        return False


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(settings.embed_cache_path, backend=settings.embed_backend,
                                             models_dir=settings.onnx_dir)
        self._posting_embedder = self.embedder if settings.posting_precision is Precision.FP32 else None
        self._client: Any = None
        # Collections the read path has opened: `get_or_create_collection` costs as much as a query (a tenth of a
        # loaded server's CPU). Dropped with the client and whenever this process writes or deletes collections.
        self._opened: dict[str, Any] = {}
        self.lock = IngestLock(settings.data_dir / LOCK_NAME)
        self.postings_batch = POSTINGS_BATCH
        self._inputs = ""  # the inputs' fingerprint, computed once per ingest (the manifest is written per batch)

    @property
    def posting_embedder(self) -> Embedder:
        """What embeds the postings and the queries searched against them (`Settings.posting_precision`): the
        passages' embedder when that is fp32, else a MiniLM of that precision with its own vector cache."""
        if self._posting_embedder is None:
            self._posting_embedder = Embedder(self.settings.posting_cache_path, backend=self.settings.embed_backend,
                                              models_dir=self.settings.onnx_dir,
                                              precision=self.settings.posting_precision)
        return self._posting_embedder

    def embedder_for(self, collection: str) -> Embedder:
        return self.posting_embedder if collection == POSTINGS else self.embedder

    # -- storage ---------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            if self.settings.chroma_host:
                try:
                    self._client = chromadb.HttpClient(
                        host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
                    )
                except Exception as exc:  # server down or unreachable: say which server, not a traceback
                    raise IndexNotReadyError(self._broken_message(exc)) from exc
            else:
                try:
                    self.settings.index_dir.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(
                        path=str(self.settings.index_dir), settings=chroma_settings
                    )
                except BaseException as exc:  # a corrupt store fails here, with many exception types
                    if not chroma_failure(exc):
                        raise
                    raise self._broken(exc) from exc
        return self._client

    def _forget_client(self) -> None:
        """Drop the client, and Chroma's per-path cached system, so the next client opens the files anew."""
        self._client = None
        self._opened.clear()
        if self.settings.chroma_host:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        key = str(self.settings.index_dir)  # Chroma's identifier for a persistent client: its path
        SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)

    def collection(self, name: str) -> Any:
        self._opened.pop(name, None)  # a caller that may write or recreate it: the read path opens it anew
        # embedding_function=None: we always pass vectors, so Chroma never fetches its own model.
        return self.client.get_or_create_collection(
            name=name,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "hnsw:search_ef": self.settings.hnsw_search_ef,
                      "hnsw:construction_ef": 200},
        )

    @property
    def manifest_path(self) -> Path:
        return self.settings.data_dir / MANIFEST

    def is_ready(self) -> bool:
        return self.manifest_path.exists()

    def manifest(self) -> dict[str, Any]:
        try:
            return json.loads(self.manifest_path.read_text())
        except (OSError, ValueError):
            return {}

    # -- ingest ----------------------------------------------------------------
    def ingest(self, progress: ProgressFn | None = None, docs: dict[str, list[Doc]] | None = None,
               defer_postings: bool = False, wait: bool = True) -> IngestReport:
        """Bring the index up to date: the passages first (the index is usable once they are in), then the
        postings in batches, unless `defer_postings` leaves them to a later ingest (`advisor ask` on a new
        install runs that in the background). `wait=False`: raise `IngestBusyError` at once when another
        process is ingesting, instead of waiting for it."""
        start = time.perf_counter()
        require_writable(self.settings.data_dir, "the search index can't be built or updated")
        with self.lock.hold(wait):
            if docs is None and (unchanged := self._unchanged_report()) is not None:
                self.embedder.prepare()  # the query models' exports: only a stat each when they exist
                if wants_postings(self.settings):
                    self.posting_embedder.prepare()
                unchanged.seconds = time.perf_counter() - start
                return unchanged
            self._inputs = inputs_fingerprint(self.settings)
            report = IngestReport(built_from_scratch=not self.is_ready())
            docs = dict(docs if docs is not None else corpus_docs(self.settings, postings=not defer_postings))
            postings = docs.pop(POSTINGS, None)
            self._first_stage(report, docs, progress, start)
            if postings is not None:
                self._postings_stage(report, postings, progress)
            report.seconds = time.perf_counter() - start
            self._write_manifest(report)
            return report

    def _first_stage(self, report: IngestReport, docs: dict[str, list[Doc]], progress: ProgressFn | None,
                     start: float) -> None:
        """Everything but the postings: embedded whole, then written; the manifest written after marks the
        index usable (the postings as far as an earlier ingest got them, or pending)."""
        plans = self._guarded(lambda: {name: self._plan(name, wanted) for name, wanted in docs.items()})
        todo = [d for plan in plans.values() for d in plan["upsert"]]
        self.embedder.prepare()  # the query model's export, once, so the first question needs no export
        before = self.embedder.encoded_count
        vectors = self._embed(todo, progress)
        report.embedded = self.embedder.encoded_count - before
        self._guarded(lambda: self._write(plans, vectors, progress))
        for name, plan in plans.items():
            report.collections[name] = _counts(plan, len(docs[name]))
            report.state[name] = CollectionState(StageState.COMPLETE, len(docs[name]), len(docs[name])).to_json()
        keep = set(docs) | ({POSTINGS} if wants_postings(self.settings) else set())
        self._guarded(lambda: self._drop_stale(keep))
        if POSTINGS in keep:
            report.state[POSTINGS] = self._earlier_postings_state().to_json()
        report.seconds = time.perf_counter() - start
        self._write_manifest(report)

    def _earlier_postings_state(self) -> CollectionState:
        """What the last manifest said of the postings, as no more than partial (they are checked next)."""
        earlier = self.collection_state(POSTINGS)
        if earlier is None or earlier.indexed == 0:
            return CollectionState(StageState.PENDING, 0, earlier.total if earlier else None)
        return CollectionState(StageState.PARTIAL, earlier.indexed, earlier.total)

    def _postings_stage(self, report: IngestReport, wanted: list[Doc], progress: ProgressFn | None) -> None:
        """Embed and write the postings not yet in, `postings_batch` at a time, the manifest updated after each
        batch; shortest first (one global sort: each batch pads as little as one big encode would)."""
        plan = self._guarded(lambda: self._plan(POSTINGS, wanted))
        total, done = len(wanted), plan["unchanged"]
        todo = sorted(plan["upsert"], key=lambda d: len(d.text))
        self._record(report, CollectionState(StageState.PARTIAL if done else StageState.PENDING, done, total))
        embedder, first_stage_embedded = self.posting_embedder, report.embedded
        embedder.prepare()  # the postings' model (int8: quantized once, ~3 s) before the first batch
        before = embedder.encoded_count
        for b in range(0, len(todo), self.postings_batch):
            part = todo[b : b + self.postings_batch]
            self._add_batch(part, progress, done, total)
            report.embedded = first_stage_embedded + embedder.encoded_count - before  # cached vectors don't count
            done += len(part)
            self._record(report, CollectionState(StageState.PARTIAL, done, total))
            if progress:
                progress("postings indexed", done, total)
        col = self.collection(POSTINGS)
        for b in range(0, len(plan["delete"]), CHROMA_MAX_BATCH):
            self._guarded(lambda b=b: col.delete(ids=plan["delete"][b : b + CHROMA_MAX_BATCH]))
        report.collections[POSTINGS] = _counts(plan, total)
        report.state[POSTINGS] = CollectionState(StageState.COMPLETE, total, total).to_json()

    def _add_batch(self, part: list[Doc], progress: ProgressFn | None, done: int, total: int) -> None:
        """Embed one batch of postings (progress counted over all of them) and upsert it."""
        so_far = done

        def tick(n: int) -> None:
            nonlocal so_far
            so_far += n
            if progress:
                progress("embedding postings", so_far, total)

        vectors = self.posting_embedder.encode([d.embedded_text for d in part], progress=tick)
        self._guarded(lambda: self.collection(POSTINGS).upsert(
            ids=[d.id for d in part], embeddings=vectors.tolist(), documents=[d.text for d in part],
            metadatas=[d.chroma_metadata() for d in part]))

    def _record(self, report: IngestReport, state: CollectionState) -> None:
        report.state[POSTINGS] = state.to_json()
        self._write_manifest(report)

    def collection_state(self, name: str) -> CollectionState | None:
        """How far the last ingest got with collection `name`; None when the index has no such collection.
        A manifest from before staged ingest has no states: its ingest was whole."""
        manifest = self.manifest()
        if (data := manifest.get("state", {}).get(name)) is not None:
            return CollectionState.from_json(data)
        if (counts := manifest.get("collections", {}).get(name)) is not None:
            return CollectionState(StageState.COMPLETE, counts["total"], counts["total"])
        return None

    def _guarded(self, step: Callable[[], Any]) -> Any:
        """Run a Chroma step; a broken store's many exception types become one readable error."""
        try:
            return step()
        except AdvisorError:
            raise
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            raise self._broken(exc) from exc

    def _encoded_count(self) -> int:
        """Texts sent to a model so far, by the passages' embedder and, when it is another, the postings'."""
        posting = self._posting_embedder
        return self.embedder.encoded_count + (posting.encoded_count if posting not in (None, self.embedder) else 0)

    def _embed(self, todo: Sequence[Doc], progress: ProgressFn | None,
               embedder: Embedder | None = None) -> np.ndarray | None:
        total = len(todo)
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress("embedding", done, total)

        return (embedder or self.embedder).encode([d.embedded_text for d in todo], progress=tick) if todo else None

    def _write(self, plans: dict[str, dict[str, Any]], vectors: np.ndarray | None, progress: ProgressFn | None) -> None:
        offset = 0
        for name, plan in plans.items():
            col = self.collection(name)
            upsert: list[Doc] = plan["upsert"]
            for b in range(0, len(upsert), CHROMA_MAX_BATCH):
                part = upsert[b : b + CHROMA_MAX_BATCH]
                assert vectors is not None
                col.upsert(
                    ids=[d.id for d in part],
                    embeddings=vectors[offset + b : offset + b + len(part)].tolist(),
                    documents=[d.text for d in part],
                    metadatas=[d.chroma_metadata() for d in part],
                )
                if progress:
                    progress(f"writing {name}", b + len(part), len(upsert))
            offset += len(upsert)
            for b in range(0, len(plan["delete"]), CHROMA_MAX_BATCH):
                col.delete(ids=plan["delete"][b : b + CHROMA_MAX_BATCH])

    def _drop_stale(self, keep: set[str]) -> None:
        for name in self._collection_names():
            if name not in keep:  # e.g. postings switched off: drop the stale collection
                self.client.delete_collection(name)
                self._opened.pop(name, None)

    # -- rebuild ---------------------------------------------------------------
    def rebuild(self, progress: ProgressFn | None = None) -> IngestReport:
        require_writable(self.settings.data_dir, "the search index can't be rebuilt")  # before the lock file
        with self.lock.hold():
            return self._rebuild(progress)

    def _rebuild(self, progress: ProgressFn | None) -> IngestReport:
        """Build the index afresh without ever leaving less than there was.

        Nothing is touched until the data directory proved writable, the corpus
        loaded and every document is embedded (into the vector cache). Then the
        old index is moved aside and a new one written from the cached vectors.
        A readable old index is deleted after that succeeds; an unreadable one is
        kept under `chroma.corrupt-<time>`; if writing fails, the old one is put back.
        """
        start = time.perf_counter()
        require_writable(self.settings.data_dir, "the search index can't be rebuilt")
        docs = corpus_docs(self.settings)
        before = self._encoded_count()
        for name, wanted in docs.items():
            self._embed(wanted, progress, self.embedder_for(name))
        healthy = self._readable()
        aside = self._set_aside(healthy)
        try:
            report = self.ingest(progress, docs=docs)
        except BaseException:
            self._put_back(aside)
            raise
        report.embedded = self._encoded_count() - before
        report.built_from_scratch = True
        report.seconds = time.perf_counter() - start
        if aside is not None and healthy:
            shutil.rmtree(aside, ignore_errors=True)
        elif aside is not None:
            report.moved_aside = str(aside)
            self._write_manifest(report)
        return report

    def _readable(self) -> bool:
        """Whether the existing index reads whole: every collection's every record (a server counts as readable)."""
        if not self.settings.chroma_host and not self.settings.index_dir.exists():
            return True
        try:
            for name in self._collection_names():
                self.client.get_collection(name).get(include=["metadatas"])
            return True
        except BaseException as exc:  # chroma raises many types for a corrupt store
            if not chroma_failure(exc):
                raise
            log.info("the old index is unreadable: %s", exc)
            return False

    def _set_aside(self, healthy: bool) -> Path | None:
        """Move the local index out of the way (a server's collections are dropped instead)."""
        if self.settings.chroma_host:
            self._guarded(lambda: [self.client.delete_collection(n) for n in self._collection_names()])
            self._opened.clear()
            return None
        self._forget_client()
        if not self.settings.index_dir.exists():
            return None
        return move_aside(self.settings.index_dir, "old" if healthy else "corrupt")

    def _put_back(self, aside: Path | None) -> None:
        if aside is None:
            return
        self._forget_client()
        shutil.rmtree(self.settings.index_dir, ignore_errors=True)  # the half-written new index
        os.rename(aside, self.settings.index_dir)

    def _collection_names(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self.client.list_collections()]

    def _plan(self, name: str, wanted: Sequence[Doc]) -> dict[str, Any]:
        col = self.collection(name)
        existing: dict[str, str] = {}
        got = col.get(include=["metadatas"])
        for id_, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
            existing[id_] = (meta or {}).get("hash", "")
        wanted_ids = {d.id for d in wanted}
        upsert = [d for d in wanted if existing.get(d.id) != d.content_hash]
        added = sum(1 for d in upsert if d.id not in existing)
        return {
            "upsert": upsert,
            "delete": [i for i in existing if i not in wanted_ids],
            "added": added,
            "updated": len(upsert) - added,
            "unchanged": len(wanted) - len(upsert),
        }

    def _write_manifest(self, report: IngestReport) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_path.with_suffix(".tmp")
        inputs = self._inputs or inputs_fingerprint(self.settings)
        tmp.write_text(json.dumps({"built_at": time.time(), **asdict(report), "inputs": inputs}, indent=1))
        os.replace(tmp, self.manifest_path)  # atomic: readers see the old or the new manifest

    def _unchanged_report(self) -> IngestReport | None:
        """The last ingest's counts, all unchanged, when nothing it was made from has changed since; else None.

        Planning an ingest opens Chroma (~1 s of imports) and loads and chunks the corpus (~1.7 s with the
        postings) only to find nothing to do. A fingerprint of the inputs, written with the manifest, says the
        same in a few milliseconds. An index whose store is missing or no longer reads as a database still
        goes the full way, and gets its "rebuild" message there.
        """
        if self.settings.chroma_host:
            return None  # a server's store is not ours to check
        manifest = self.manifest()
        if not manifest.get("inputs") or manifest["inputs"] != inputs_fingerprint(self.settings):
            return None
        states = manifest.get("state", {})
        if any(CollectionState.from_json(d).state is not StageState.COMPLETE for d in states.values()):
            return None  # a stage to finish (the postings, after a first `ask` or a stopped ingest)
        if not _sqlite_intact(self.settings.index_dir / "chroma.sqlite3"):
            return None
        collections = {
            name: {"total": c["total"], "added": 0, "updated": 0, "deleted": 0, "unchanged": c["total"]}
            for name, c in manifest.get("collections", {}).items()
        }
        return IngestReport(collections=collections, state=states)

    # -- reading ---------------------------------------------------------------
    def _check_present(self) -> None:
        """The manifest says an index was built, so a missing local store was deleted, not never made.

        Chroma would silently create an empty one, and every answer would then
        be "the sources don't cover that" (or worse, BM25 over nothing).
        """
        if (not self.settings.chroma_host and self.is_ready()
                and not (self.settings.index_dir / "chroma.sqlite3").exists()):
            raise IndexNotReadyError(
                f"The search index at {self.settings.index_dir} is missing (it was built, then deleted). "
                "Rebuild it with `advisor ingest --rebuild`."
            )

    def all_docs(self, name: str) -> list[Evidence]:
        """Every record of a collection (for BM25); raises a readable error if unreadable."""
        self._check_present()
        try:
            got = self.collection(name).get(include=["documents", "metadatas"])
        except IndexNotReadyError:
            raise
        except BaseException as exc:  # chroma raises many types for a corrupt store
            if not chroma_failure(exc):
                raise
            raise self._broken(exc) from exc
        return [_to_evidence(i, t, m, 0.0) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"],
                                                              strict=True)]

    def query(self, name: str, vector: Iterable[float], n: int, where: dict[str, Any] | None = None) -> list[Evidence]:
        self._check_present()
        try:
            # No count() first: it costs as much as the query at 26k passages (bench/retrieval.py), and Chroma
            # returns fewer than n results (or none, for an empty collection) by itself.
            res = self._query(name, vector, n, where)
        except IndexNotReadyError:
            raise
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            raise self._broken(exc) from exc
        return [
            _to_evidence(i, t, m, 1.0 - float(d))
            for i, t, m, d in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0],
                                  strict=True)
        ]

    def _query(self, name: str, vector: Iterable[float], n: int, where: dict[str, Any] | None) -> Any:
        """One Chroma query on the collection opened before; if that fails (another process may have dropped and
        made it again), once more on the collection opened anew."""
        def run(col: Any) -> Any:
            return col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n,
                             where=where or None, include=["documents", "metadatas", "distances"])

        opened = self._opened.get(name)
        if opened is not None:
            try:
                return run(opened)
            except BaseException as exc:
                if not chroma_failure(exc):
                    raise
        fresh = self.collection(name)
        result = run(fresh)
        self._opened[name] = fresh
        return result

    def _broken(self, exc: Exception) -> IndexNotReadyError:
        """The readable error for a failed Chroma call: a read-only data directory is named as such
        (rebuilding would not help there, and would delete nothing useful either)."""
        if not self.settings.chroma_host and not writable(self.settings.data_dir):
            return DataDirNotWritableError(not_writable_message(
                self.settings.data_dir, "the search index can't be opened (Chroma writes to its files even to read)"))
        return IndexNotReadyError(self._broken_message(exc))

    def _broken_message(self, exc: Exception) -> str:
        if self.settings.chroma_host:  # nothing local to rebuild: the server is the problem
            return (
                f"The Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port} could not be used "
                f"({type(exc).__name__}). Check that it is running (`chroma run --path DIR --host HOST --port PORT`)."
            )
        return (
            f"The search index at {self.settings.index_dir} could not be read ({type(exc).__name__}). "
            "Rebuild it with `advisor ingest --rebuild` (the broken index is moved aside, not deleted)."
        )

    def destroy(self) -> None:
        """Remove the local index outright (tests; `ingest --rebuild` uses `rebuild`, which keeps a broken one)."""
        self._forget_client()  # chroma caches one system per path
        shutil.rmtree(self.settings.index_dir, ignore_errors=True)
        self.manifest_path.unlink(missing_ok=True)


def _counts(plan: dict[str, Any], total: int) -> dict[str, int]:
    return {"total": total, "added": plan["added"], "updated": plan["updated"], "deleted": len(plan["delete"]),
            "unchanged": plan["unchanged"]}


def _to_evidence(id_: str, text: str, meta: dict[str, Any] | None, score: float) -> Evidence:
    meta = dict(meta or {})
    return Evidence(
        id=id_,
        text=text,
        source=str(meta.pop("source", "")),
        title=str(meta.pop("title", "")),
        kind=meta.pop("kind", "article"),  # type: ignore[arg-type]
        score=score,
        locator=str(meta.pop("locator", "")),
        metadata=meta,
    )

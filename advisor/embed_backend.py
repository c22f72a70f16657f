"""Which runtime computes MiniLM's vectors: its own module so that `Settings` can name it without importing
the embedding code (numpy, SQLite) at start."""

from __future__ import annotations

import enum


class EmbedBackend(enum.StrEnum):
    """The same vectors either way (cosine >= 0.999, tests/test_onnx_minilm.py); they differ in start-up."""

    ONNX = "onnx"  # ONNX Runtime + tokenizers: ~0.4 s to load, torch never imported
    TORCH = "torch"  # sentence-transformers itself: ~6 s to import torch and load

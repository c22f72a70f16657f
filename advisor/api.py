"""`Advisor`: the one object every surface (CLI, UI, Slack, evals) talks to.

It owns the components (embedder, index, retriever, tools, composer, grounding
check, optional LLM backend) and the compiled graph with its checkpointer.
Heavy parts load lazily: constructing an Advisor is instant; the first
question loads the model and, if there is no index yet, builds it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from advisor.config import Settings
from advisor.types import Answer, Chart, Citation, IndexNotReadyError

MEMORY_BUSY_MESSAGE = (
    "The conversation memory is busy (another process is writing to it), so I couldn't answer just now. "
    "Please try again in a moment."
)
MEMORY_UNSAVED_NOTICE = (
    "The conversation memory was busy (another process is writing to it), so this turn was not saved: "
    "a follow-up may not see it."
)


@dataclass(frozen=True)
class StreamEvent:
    """`delta` carries text as it is produced; the last event carries the whole `answer`.

    `reset` means: discard the text streamed so far (the LLM's answer was
    replaced by the offline composer's after the grounding check).
    """

    delta: str = ""
    answer: Answer | None = None
    reset: bool = False


class Advisor:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        if settings is not None and overrides:
            self.settings = settings.model_copy(update=overrides)
        self._lock = threading.RLock()
        self._graph: Any = None
        self._index: Any = None
        self._embedder: Any = None
        self._postgres_cm: Any = None  # keeps the Postgres checkpointer's connection open (see _checkpointer)
        self.on_ingest_progress: Callable[[str, int, int], None] | None = None

    # -- components ----------------------------------------------------------
    @property
    def embedder(self):  # type: ignore[no-untyped-def]
        if self._embedder is None:
            from advisor.embeddings import Embedder

            self._embedder = Embedder(self.settings.embed_cache_path)
        return self._embedder

    @property
    def index(self):  # type: ignore[no-untyped-def]
        if self._index is None:
            from advisor.index import Index

            self._index = Index(self.settings, self.embedder)
        return self._index

    def ingest(self, progress: Callable[[str, int, int], None] | None = None):  # type: ignore[no-untyped-def]
        """Build or update the index (incremental); returns an `IngestReport`."""
        with self._lock:
            report = self.index.ingest(progress=progress or self.on_ingest_progress)
            self._graph = None  # BM25 and tools see the new corpus
            return report

    def ensure_index(self) -> bool:
        """Build the index if there is none; True when it had to be built."""
        if self.index.is_ready():
            return False
        self.ingest()
        return True

    @property
    def graph(self) -> Any:
        with self._lock:
            if self._graph is None:
                self._graph = self._build_graph()
            return self._graph

    def _build_graph(self) -> Any:
        from advisor.agent.compose import Composer
        from advisor.agent.graph import build_graph
        from advisor.agent.grounding import GroundingChecker
        from advisor.agent.nodes import Nodes
        from advisor.agent.tools import Toolbox
        from advisor.retrieval import RetrievalConfig, Retriever

        self.ensure_index()
        retriever = Retriever(self.index, self.embedder, RetrievalConfig.from_settings(self.settings))
        backend = None
        if self.settings.llm_base_url:
            from advisor.backends.openai_compat import OpenAICompatBackend

            backend = OpenAICompatBackend(self.settings)
        nodes = Nodes(
            settings=self.settings,
            toolbox=Toolbox(self.settings, retriever),
            composer=Composer(self.embedder, self.settings.min_evidence_score, self.settings.max_answer_sentences,
                              idf=retriever.idf),
            checker=GroundingChecker(self.embedder, self.settings.support_threshold),
            backend=backend,
        )
        self.retriever = retriever
        self.nodes = nodes
        return build_graph(nodes, checkpointer=self._checkpointer())

    def _checkpointer(self) -> Any:
        kind = self.settings.checkpointer
        if kind == "memory":
            from langgraph.checkpoint.memory import InMemorySaver

            return InMemorySaver()
        if kind == "postgres":
            from langgraph.checkpoint.postgres import PostgresSaver  # optional extra: advisor[postgres]

            if not self.settings.postgres_dsn:
                raise ValueError("ADVISOR_POSTGRES_DSN must be set when ADVISOR_CHECKPOINTER=postgres")
            # from_conn_string is a context manager around the connection: keep it referenced, or garbage
            # collection closes it (and the connection with it) as soon as this method returns.
            self._postgres_cm = PostgresSaver.from_conn_string(self.settings.postgres_dsn)
            saver = self._postgres_cm.__enter__()
            saver.setup()
            return saver
        from langgraph.checkpoint.sqlite import SqliteSaver

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        busy = max(0.0, self.settings.memory_busy_timeout)
        conn = sqlite3.connect(self.settings.memory_path, check_same_thread=False, timeout=busy)
        conn.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        conn.execute("PRAGMA journal_mode=WAL")
        return SqliteSaver(conn)

    # -- asking ----------------------------------------------------------------
    def ask(self, question: str | bytes | None, thread_id: str | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, thread_id=thread_id):
            if event.answer is not None:
                answer = event.answer
        assert answer is not None
        return answer

    def stream(self, question: str | bytes | None, thread_id: str | None = None) -> Iterator[StreamEvent]:
        """Yield grounded text as it is produced, then the full `Answer` (citations included)."""
        from advisor.agent.state import turn_input

        t0 = time.perf_counter()
        thread = thread_id or f"once-{uuid.uuid4().hex}"
        config = {"configurable": {"thread_id": thread}, "recursion_limit": 25}
        final: dict[str, Any] = {}
        unsaved = False
        t_ready = t0
        try:
            graph = self.graph
            t_ready = time.perf_counter()
            # durability="exit": one checkpoint write per turn, at its end (a turn is atomic; nothing resumes
            # mid-turn), so a locked memory database costs one bounded wait, not one per node.
            for mode, chunk in graph.stream(turn_input(question), config, stream_mode=["custom", "values"],  # type: ignore[arg-type]
                                            durability="exit"):
                if mode == "custom" and "delta" in chunk:
                    yield StreamEvent(delta=chunk["delta"])
                elif mode == "custom" and "reset" in chunk:
                    yield StreamEvent(reset=True)
                elif mode == "values":
                    final = chunk
        except IndexNotReadyError as exc:
            answer = Answer(text=str(exc), refused=True, intent="error", thread_id=thread_id)
            yield StreamEvent(delta=answer.text, answer=answer)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            # Another process holds memory.sqlite's write lock for longer than memory_busy_timeout.
            if not final.get("answer"):
                answer = Answer(text=MEMORY_BUSY_MESSAGE, refused=True, intent="error", thread_id=thread_id)
                yield StreamEvent(delta=answer.text, answer=answer)
                return
            unsaved = True  # the answer is complete; only saving the turn failed
        answer = self._to_answer(final, thread_id)
        if unsaved:
            answer.notices.append(MEMORY_UNSAVED_NOTICE)
        answer.timings = {
            **{k: v for k, v in final.get("timings", {}).items()},
            "startup_s": round(t_ready - t0, 4),
            "total_s": round(time.perf_counter() - t0, 4),
        }
        yield StreamEvent(answer=answer)

    async def astream(self, question: str | bytes | None, thread_id: str | None = None) -> AsyncIterator[StreamEvent]:
        """Async variant: the graph runs in a worker thread; events arrive as they are produced."""
        queue: asyncio.Queue[StreamEvent | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def run() -> None:
            try:
                for event in self.stream(question, thread_id=thread_id):
                    loop.call_soon_threadsafe(queue.put_nowait, event)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        task = loop.run_in_executor(None, run)
        while (event := await queue.get()) is not None:
            yield event
        await task

    async def aask(self, question: str | bytes | None, thread_id: str | None = None) -> Answer:
        answer = None
        async for event in self.astream(question, thread_id=thread_id):
            if event.answer is not None:
                answer = event.answer
        assert answer is not None
        return answer

    def history(self, thread_id: str) -> list[dict[str, Any]]:
        state = self.graph.get_state({"configurable": {"thread_id": thread_id}})
        return list(state.values.get("messages", [])) if state and state.values else []

    @staticmethod
    def _to_answer(final: dict[str, Any], thread_id: str | None) -> Answer:
        return Answer(
            text=final.get("answer", ""),
            citations=[Citation(**c) for c in final.get("citations", [])],
            refused=bool(final.get("refused")),
            intent=final.get("intent") or "factual",
            support=float(final.get("support") or 0.0),
            question=final.get("standalone") or final.get("question") or "",
            backend=final.get("backend", "offline"),
            notices=list(final.get("notices", [])),
            charts=[Chart(**c) for c in final.get("charts", [])],
            thread_id=thread_id,
            removed_claims=list(final.get("removed_claims", [])),
        )

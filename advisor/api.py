"""`Advisor`: the one object every surface (CLI, UI, Slack, evals) talks to.

It owns the components (embedder, index, retriever, tools, composer, grounding
check, optional LLM backend) and the compiled graph with its checkpointer.
Heavy parts load lazily: constructing an Advisor is instant; the first
question loads the model and, if there is no index yet, builds it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from advisor.config import Settings
from advisor.postings import PostingSearch, SkillsGap
from advisor.types import Answer, Chart, Citation, IndexNotReadyError, InputError

log = logging.getLogger(__name__)

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


@dataclass
class _Gate:
    lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0  # turns holding or waiting for `lock`


class ThreadLocks:
    """One lock per conversation, so its turns run one at a time.

    Two turns of one thread run together both start from the same saved
    history, and the second save drops the first one's turn. A lock exists only
    while a turn of its thread runs or waits, so a server that has seen a
    million conversations holds locks for the few active now.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._gates: dict[str, _Gate] = {}

    def __len__(self) -> int:
        return len(self._gates)

    @contextmanager
    def hold(self, thread_id: str) -> Iterator[None]:
        with self._guard:
            gate = self._gates.setdefault(thread_id, _Gate())
            gate.users += 1
        try:
            with gate.lock:  # a plain Lock: a generator closed from another thread may release it
                yield
        finally:
            with self._guard:
                gate.users -= 1
                if not gate.users:
                    del self._gates[thread_id]




class Advisor:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        if settings is not None and overrides:
            self.settings = settings.model_copy(update=overrides)
        self._lock = threading.RLock()
        self._graph: Any = None  # keeps conversations (checkpointer)
        self._one_shot_graph: Any = None  # no checkpointer: a question without a thread id leaves nothing behind
        self._nodes: Any = None
        self._saver: Any = None
        self.turn_locks = ThreadLocks()
        self._index: Any = None
        self._embedder: Any = None
        self._passage_vectors: Any = None
        self._postgres_cm: Any = None  # keeps the Postgres checkpointer's connection open (see _checkpointer)
        self.on_ingest_progress: Callable[[str, int, int], None] | None = None

    # -- components ----------------------------------------------------------
    @property
    def embedder(self):  # type: ignore[no-untyped-def]
        if self._embedder is None:
            from advisor.embeddings import Embedder

            self._embedder = Embedder(self.settings.embed_cache_path, backend=self.settings.embed_backend,
                                      models_dir=self.settings.onnx_dir)
        return self._embedder

    @property
    def passage_vectors(self):  # type: ignore[no-untyped-def]
        """mpnet vectors of the article passages, or None when `passage_ranking` doesn't use them."""
        from advisor.config import PassageRanking

        # PassageRanking(...): `model_copy(update=...)` does not validate, so "mpnet" may arrive as a string
        if self._passage_vectors is None and PassageRanking(self.settings.passage_ranking).needs_mpnet:
            from advisor.passage_vectors import MpnetEmbedder, PassageVectors

            mpnet = MpnetEmbedder(self.settings.mpnet_cache_path, self.settings.models_dir)
            self._passage_vectors = PassageVectors(self.index, mpnet)
        return self._passage_vectors

    @property
    def index(self):  # type: ignore[no-untyped-def]
        if self._index is None:
            from advisor.index import Index

            self._index = Index(self.settings, self.embedder)
        return self._index

    def ingest(self, progress: Callable[[str, int, int], None] | None = None,  # type: ignore[no-untyped-def]
               defer_postings: bool = False, wait: bool = True):
        """Build or update the index (incremental); returns an `IngestReport`. `defer_postings`: only the
        first stage (the index answers after it; the postings wait for a later ingest)."""
        with self._lock:
            report = self.index.ingest(progress=progress or self.on_ingest_progress, defer_postings=defer_postings,
                                       wait=wait)
            if self.passage_vectors is not None:  # embedded here, so no question waits for them
                self.passage_vectors.build(progress=progress or self.on_ingest_progress)
            self._graph = self._one_shot_graph = self._nodes = None  # BM25 and tools see the new corpus
            return report

    def ensure_index(self) -> bool:
        """Build the index if there is none; True when it had to be built."""
        if self.index.is_ready():
            return False
        self.ingest()
        return True

    @property
    def graph(self) -> Any:
        """The graph that keeps conversations, one checkpoint per thread."""
        from advisor.agent.graph import build_graph

        with self._lock:
            if self._graph is None:
                nodes = self._components()
                self._saver = self._checkpointer()
                self._graph = build_graph(nodes, checkpointer=self._saver)
            return self._graph

    @property
    def one_shot_graph(self) -> Any:
        """The same graph with no checkpointer, for questions asked without a thread id: nobody can read their
        state back, so saving it only grew memory.sqlite."""
        from advisor.agent.graph import build_graph

        with self._lock:
            if self._one_shot_graph is None:
                self._one_shot_graph = build_graph(self._components())
            return self._one_shot_graph

    def _components(self) -> Any:
        """The nodes both graphs share (retriever, tools, composer, checker, backend); built once."""
        if self._nodes is None:
            self._nodes = self._build_nodes()
        return self._nodes

    def _build_nodes(self) -> Any:
        from advisor.agent.compose import Composer
        from advisor.agent.grounding import GroundingChecker
        from advisor.agent.nodes import Nodes
        from advisor.agent.tools import Toolbox
        from advisor.retrieval import RetrievalConfig, Retriever

        self.ensure_index()
        _ = self.index.client  # made here, under self._lock: `Index.client` has no lock, and concurrent first
        # questions each built a Chroma client (8 threads: 8 clients)
        second = self.passage_vectors
        if second is not None:
            second.build()  # the model verified and every passage vector loaded before the first question
        retriever = Retriever(self.index, self.embedder, RetrievalConfig.from_settings(self.settings), second)
        backend = None
        if self.settings.llm_base_url:
            from advisor.backends.openai_compat import OpenAICompatBackend

            backend = OpenAICompatBackend(self.settings)
        nodes = Nodes(
            settings=self.settings,
            toolbox=Toolbox(self.settings, retriever),
            composer=Composer(self.embedder, self.settings.min_evidence_score, self.settings.max_answer_sentences,
                              idf=retriever.idf, max_words=self.settings.answer_words),
            checker=GroundingChecker(self.embedder, self.settings.support_threshold),
            backend=backend,
        )
        self.retriever = retriever
        self.nodes = nodes
        return nodes

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
        try:
            conn = sqlite3.connect(self.settings.memory_path, check_same_thread=False, timeout=busy)
            conn.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            from advisor.storage import DataDirNotWritableError, not_writable_message, writable

            if writable(self.settings.data_dir):
                raise
            # A read-only data dir: say which directory, not "database is locked" or "run --rebuild".
            raise DataDirNotWritableError(
                not_writable_message(self.settings.data_dir, "the conversation memory can't be opened")) from exc
        return SqliteSaver(conn)

    # -- postings ----------------------------------------------------------------
    def _toolbox(self) -> Any:
        with self._lock:
            return self._components().toolbox

    def find_postings(self, query: str, *, country: str | None = None, remote: bool | None = None,
                      skills: list[str] | None = None, role: str | None = None, level: str | None = None,
                      min_pay: float | None = None, limit: int = 10, has_pay: bool = False,
                      month: int | None = None) -> PostingSearch:
        """Search the 2023 job postings: `query` is read as chat reads a question (role, place, remote, skills
        named), explicit arguments override it, and every filter is applied inside Chroma (a city is matched in
        the location; `month`: 1-12, posted in that month of 2023). Hits listing more of `skills` (or of the skills
        the query names) come first.

        Bad input (an unknown country, role, level or skill; a limit outside 1–50) raises `InputError` with a
        message for the person; postings not in the index come back with `indexed=False` and a notice.
        """
        from advisor.data.normalize import NormalizationError
        from advisor.postings import PostingRequest, request_error

        try:
            request = PostingRequest(query=query or "", country=country, remote=remote, skills=skills, role=role,
                                     level=level, min_pay=min_pay, limit=limit, has_pay=has_pay, month=month)
        except ValueError as exc:
            raise InputError(request_error(exc)) from exc
        toolbox = self._toolbox()
        try:
            reading, have = toolbox.read_posting_request(request)
        except NormalizationError as exc:
            raise InputError(exc.message) from exc
        return toolbox.search_postings(reading, have, request.limit, request.has_pay)

    def skills_gap(self, have: list[str], role: str, country: str | None = None) -> SkillsGap:
        """The skills most often listed in `role`'s 2023 postings (in `country`) that `have` lacks, with shares,
        counts and example postings. Unknown roles, countries or skills raise `InputError`."""
        from advisor.agent.interpret import Intent, Interpretation
        from advisor.agent.slots import Slots
        from advisor.data.normalize import NormalizationError, resolve_country, resolve_role
        from advisor.tools.skills import resolve_skill

        toolbox = self._toolbox()
        try:
            resolve_role(role)
            countries = [resolve_country(country).postings_name] if country else []
            mine = list(dict.fromkeys(resolve_skill(toolbox.store, s) for s in have if s.strip()))
        except NormalizationError as exc:
            raise InputError(exc.message) from exc
        reading = Interpretation(question=f"{role} jobs", intent=Intent.SKILLS,
                                 slots=Slots(role=role, countries=countries), skills_had=mine)
        return toolbox.gap(reading, mine)

    # -- asking ----------------------------------------------------------------
    def ask(self, question: str | bytes | None, thread_id: str | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, thread_id=thread_id):
            if event.answer is not None:
                answer = event.answer
        assert answer is not None
        return answer

    def stream(self, question: str | bytes | None, thread_id: str | None = None) -> Iterator[StreamEvent]:
        """Yield grounded text as it is produced, then the full `Answer` (citations included).

        Turns of one thread run one at a time, in the order they get its lock, so each sees the turns before
        it and none is lost; different threads and one-shot questions run side by side.
        """
        if not thread_id:
            yield from self._turn(question, None)
            return
        with self.turn_locks.hold(thread_id):
            yield from self._turn(question, thread_id)

    def _turn(self, question: str | bytes | None, thread_id: str | None) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        final: dict[str, Any] = {}
        unsaved = False
        t_ready = t0
        try:
            graph = self.graph if thread_id else self.one_shot_graph
            t_ready = time.perf_counter()
            yield from self._run_graph(graph, question, thread_id, final)
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
        if thread_id and not unsaved:
            self._prune(thread_id)
        answer = self._to_answer(final, thread_id)
        if unsaved:
            answer.notices.append(MEMORY_UNSAVED_NOTICE)
        answer.timings = {
            **{k: v for k, v in final.get("timings", {}).items()},
            "startup_s": round(t_ready - t0, 4),
            "total_s": round(time.perf_counter() - t0, 4),
        }
        yield StreamEvent(answer=answer)

    @staticmethod
    def _run_graph(graph: Any, question: str | bytes | None, thread_id: str | None,
                   final: dict[str, Any]) -> Iterator[StreamEvent]:
        """Stream one run of `graph`; its last state lands in `final`."""
        from advisor.agent.state import turn_input

        config: dict[str, Any] = {"recursion_limit": 25}
        saving: dict[str, Any] = {}
        if thread_id:
            config["configurable"] = {"thread_id": thread_id}
            # durability="exit": one checkpoint write per turn, at its end (a turn is atomic; nothing resumes
            # mid-turn), so a locked memory database costs one bounded wait, not one per node.
            saving["durability"] = "exit"
        for mode, chunk in graph.stream(turn_input(question), config, stream_mode=["custom", "values"],  # type: ignore[arg-type]
                                        **saving):
            if mode == "custom" and "delta" in chunk:
                yield StreamEvent(delta=chunk["delta"])
            elif mode == "custom" and "reset" in chunk:
                yield StreamEvent(reset=True)
            elif mode == "values":
                final.clear()
                final.update(chunk)

    def _prune(self, thread_id: str) -> None:
        """Keep only the thread's latest checkpoint.

        It holds the whole state a follow-up needs (the windowed `messages`, and the last turn's evidence the
        evals read back); the older ones are states nobody loads, and kept they made memory.sqlite grow with
        every turn. Runs under the thread's turn lock, so no turn of the thread is writing meanwhile.
        """
        kind = self.settings.checkpointer
        try:
            if kind == "memory":
                _prune_memory(self._saver, thread_id)
            elif kind == "postgres":
                self._saver.prune([thread_id], strategy="keep_latest")
            else:
                _prune_sqlite(self._saver, thread_id)
        except Exception:  # the turn is answered and saved: failing to tidy up must not lose it (next turn retries)
            log.warning("could not prune the checkpoints of thread %r", thread_id, exc_info=True)

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
            citations=_with_meta([Citation(**c) for c in final.get("citations", [])], final.get("evidence", [])),
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


def _with_meta(citations: list[Citation], evidence: list[dict[str, Any]]) -> list[Citation]:
    """Citations carrying their Evidence's metadata, so a source can be named in words, not by its filter.

    The graph numbers citations from the turn's evidence; the metadata (subject, counts, years) stays on the
    evidence. A citation whose evidence has none (a summary the agent wrote over a tool's result) borrows it
    from the evidence with the same exact filter: same rows, same description.
    """
    by_id = {e.get("id"): e.get("metadata") or {} for e in evidence if isinstance(e, dict)}
    by_filter: dict[str, dict[str, Any]] = {}
    for e in evidence:
        meta = (e.get("metadata") or {}) if isinstance(e, dict) else {}
        if meta.get("subject") and e.get("locator"):
            by_filter.setdefault(e["locator"], meta)
    return [
        replace(c, meta=dict(c.meta or by_id.get(c.evidence_id) or by_filter.get(c.locator) or {})) for c in citations
    ]


# Older checkpoints of a thread, and writes no kept checkpoint owns (langgraph-checkpoint-sqlite's schema: the
# latest checkpoint of a namespace is the one with the largest id, as `SqliteSaver.get_tuple` reads it).
_PRUNE_SQLITE = (
    "DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_id < (SELECT max(c.checkpoint_id) FROM checkpoints"
    " AS c WHERE c.thread_id = checkpoints.thread_id AND c.checkpoint_ns = checkpoints.checkpoint_ns)",
    "DELETE FROM writes WHERE thread_id = ? AND NOT EXISTS (SELECT 1 FROM checkpoints AS c WHERE c.thread_id ="
    " writes.thread_id AND c.checkpoint_ns = writes.checkpoint_ns AND c.checkpoint_id = writes.checkpoint_id)",
)


def _prune_sqlite(saver: Any, thread_id: str) -> None:
    """Delete the thread's older checkpoints and orphaned writes, in one transaction on the saver's connection
    (under its lock, so it never interleaves with another thread's write)."""
    with saver.cursor() as cur:
        for sql in _PRUNE_SQLITE:
            cur.execute(sql, (thread_id,))


def _prune_memory(saver: Any, thread_id: str) -> None:
    """`InMemorySaver`: drop the thread's older checkpoints, their writes, and channel values (blobs) that the
    latest checkpoint does not reference."""
    for ns, checkpoints in list(saver.storage.get(thread_id, {}).items()):
        if not checkpoints:
            continue
        latest = max(checkpoints)
        for old in [c for c in list(checkpoints) if c != latest]:
            del checkpoints[old]
            saver.writes.pop((thread_id, ns, old), None)
        versions = saver.serde.loads_typed(checkpoints[latest][0]).get("channel_versions", {})
        live = {(thread_id, ns, channel, version) for channel, version in versions.items()}
        for key in [k for k in list(saver.blobs) if k[:2] == (thread_id, ns) and k not in live]:
            saver.blobs.pop(key, None)

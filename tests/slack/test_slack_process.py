"""`advisor slack` as a real process: start-up from slack-bolt's standard variables, clear start-up failures,
and what an oversized unsigned body costs the server (its own RSS, measured by the kernel) while it acks.

The server's Web API calls go to the session's fake Slack (ADVISOR_SLACK_API_BASE_URL); nothing leaves the host.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from advisor import Advisor, Settings
from tests.slack.slack_harness import REVOKED_TOKEN, FakeSlack, SlackHarness, new_id, sign

REPO = Path(__file__).resolve().parents[2]
STD_TOKEN = "xoxb-standard-name"
STD_SECRET = "standard-signing-secret"
OFF_TOPIC_Q = "How do I bake a lasagna?"  # declined at once: cheap, so the measurements are the endpoint's
UPLOAD_BYTES = 21 * 1024 * 1024
RSS_BUDGET_MB = 20.0
ACK_BUDGET_S = 0.100


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**slack_vars: str) -> dict[str, str]:
    """This process's environment without any Slack variables, plus `slack_vars`: only what the test names counts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVISOR_SLACK_", "SLACK_"))}
    return {**env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **slack_vars}


def _cli(settings: Settings, *args: str) -> list[str]:
    return [sys.executable, "-m", "advisor.cli", "--data-dir", str(settings.data_dir), "--corpus-dir",
            str(settings.corpus_dir), "slack", *args]


@dataclass
class SlackProcess:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def slack_process(advisor: Advisor, settings: Settings, fake_slack: FakeSlack,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackProcess]:
    """`advisor slack` started with only SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (plus the fake's URL)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("slack-process") / "server.log"
    env = _env(SLACK_BOT_TOKEN=STD_TOKEN, SLACK_SIGNING_SECRET=STD_SECRET, ADVISOR_SLACK_API_BASE_URL=fake_slack.url,
               ADVISOR_SLACK_RATE_LIMIT="0")
    with log.open("wb") as out:
        proc = subprocess.Popen(_cli(settings, "--port", str(port)), cwd=REPO, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    server = SlackProcess(proc, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, f"advisor slack exited with {proc.returncode}:\n{server.tail()}"
            assert time.monotonic() < deadline, f"advisor slack did not come up:\n{server.tail()}"
            try:
                if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _mention(channel: str) -> bytes:
    event = SlackHarness.mention(OFF_TOPIC_Q, channel, new_id("U"))
    return json.dumps(SlackHarness.envelope(event)).encode()


def _post_mention(http: httpx.Client, server: SlackProcess, channel: str) -> tuple[int, float]:
    body = _mention(channel)
    headers = {"Content-Type": "application/json", **sign(body, secret=STD_SECRET)}
    t0 = time.perf_counter()
    response = http.post(server.url + "/slack/events", content=body, headers=headers)
    return response.status_code, time.perf_counter() - t0


def test_advisor_slack_starts_with_bolts_standard_variables(slack_process: SlackProcess, fake_slack: FakeSlack):
    auth = [c for c in fake_slack.calls if c["method"] == "auth.test" and c["auth"] == f"Bearer {STD_TOKEN}"]
    assert auth, "auth.test was never called with SLACK_BOT_TOKEN"
    channel = new_id("C")
    with httpx.Client(timeout=10) as http:
        status, _ = _post_mention(http, slack_process, channel)  # signed with SLACK_SIGNING_SECRET
        assert status == 200
        body = _mention(new_id("C"))
        forged = http.post(slack_process.url + "/slack/events", content=body, headers=sign(body))  # other secret
        assert forged.status_code == 401
    update = fake_slack.answer_in(channel, timeout=60)
    assert "career advisor" in update["text"]
    [post] = fake_slack.calls_in(channel, "chat.postMessage")
    assert post["auth"] == f"Bearer {STD_TOKEN}"


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def _reset_peak_rss(pid: int) -> None:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS, so the next peak is this test's alone."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _upload(url: str, chunked: bool, sent: threading.Event) -> str:
    """POST 21 MB of unsigned JSON (many small objects: costly to parse); sets `sent` once every byte is handed over."""
    item = b'{"k": 1}, '
    body = b'{"type": "event_callback", "junk": [' + item * ((UPLOAD_BYTES - 40) // len(item)) + b'{"k": 1}]}'

    def parts() -> Iterator[bytes]:
        for i in range(0, len(body), 256 * 1024):
            yield body[i:i + 256 * 1024]
        sent.set()

    headers = {"Content-Type": "application/json"}
    if not chunked:
        headers["Content-Length"] = str(len(body))
    try:
        with httpx.Client(timeout=60) as http:
            return str(http.post(url, content=parts(), headers=headers).status_code)
    except httpx.HTTPError as exc:  # the server may close the connection before the client has sent it all
        return type(exc).__name__
    finally:
        sent.set()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_unsigned_body_costs_no_memory_and_acks_stay_fast(slack_process: SlackProcess,
                                                                    fake_slack: FakeSlack, chunked: bool):
    pid = slack_process.proc.pid
    with httpx.Client(timeout=30) as http:
        warm = new_id("C")
        assert _post_mention(http, slack_process, warm)[0] == 200
        fake_slack.answer_in(warm, timeout=60)  # a full turn first: what the server allocates for an answer is in
        _reset_peak_rss(pid)
        before = _status_kb(pid, "VmHWM")
        sent = threading.Event()
        acks: list[tuple[str, int, float]] = []
        with ThreadPoolExecutor(1) as pool:
            upload = pool.submit(_upload, slack_process.url + "/slack/events", chunked, sent)
            assert sent.wait(60)
            # Mentions back to back from the moment the last byte went out until the upload is answered (and at
            # least 5): whatever the server does with those 21 MB, some mention is in flight while it does it.
            while not upload.done() or len(acks) < 5:
                channel = new_id("C")
                acks.append((channel, *_post_mention(http, slack_process, channel)))
            outcome = upload.result()
        for channel, _, _ in acks:
            fake_slack.answer_in(channel, timeout=60)
        delta_mb = (_status_kb(pid, "VmHWM") - before) / 1024
    slowest = max(ack for _, _, ack in acks)
    print(f"\n[{'chunked' if chunked else 'content-length'}] 21 MB unsigned: {outcome}; server peak RSS "
          f"{before / 1024:.0f} MB -> +{delta_mb:.1f} MB; {len(acks)} concurrent signed mentions acked, "
          f"slowest in {slowest * 1000:.1f} ms")
    assert delta_mb < RSS_BUDGET_MB
    assert slowest < ACK_BUDGET_S
    assert all(status == 200 for _, status, _ in acks)
    assert outcome in ("413", "WriteError", "RemoteProtocolError", "ReadError")  # refused unread, not parsed


def _run_cli(settings: Settings, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cli(settings, "--port", str(_free_port())), cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def _closed_port_url() -> str:
    return f"http://127.0.0.1:{_free_port()}/api/"  # bound then released: nothing listens there


@pytest.mark.parametrize("problem", ["unreachable", "invalid_auth"])
def test_slack_that_cannot_be_reached_or_refuses_the_token_is_one_line(settings: Settings, fake_slack: FakeSlack,
                                                                       problem: str):
    url, token = (_closed_port_url(), STD_TOKEN) if problem == "unreachable" else (fake_slack.url, REVOKED_TOKEN)
    env = _env(SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=STD_SECRET, ADVISOR_SLACK_API_BASE_URL=url)
    t0 = time.perf_counter()
    done = _run_cli(settings, env)
    took = time.perf_counter() - t0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr
    expected = "Cannot reach Slack at" if problem == "unreachable" else "refused the bot token"
    assert expected in lines[0] and url in lines[0]
    if problem == "invalid_auth":
        assert "invalid_auth" in lines[0]
    assert took < 60  # reported before the model loads


def test_missing_credentials_name_both_spellings(settings: Settings):
    done = _run_cli(settings, _env())
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode != 0 and len(lines) == 1, done.stderr
    for name in ("ADVISOR_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN", "ADVISOR_SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET"):
        assert re.search(rf"(?<![A-Z_]){name}\b", lines[0]), (name, lines[0])

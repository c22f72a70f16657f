"""The running app through `gradio_client`, the way a script or another service would call it."""

from __future__ import annotations

import pytest

from advisor import Advisor
from ui.render import content_text

client_mod = pytest.importorskip("gradio_client", reason="gradio_client is not installed (dev extra)")

AGENTS_Q = "What percent of AI engineer postings ask for AI agents?"


def test_ask_endpoint_returns_a_cited_answer(ui_url: str, advisor: Advisor) -> None:
    client = client_mod.Client(ui_url, verbose=False)
    api = client.view_api(print_info=False, return_format="dict")
    assert {"/ask", "/chat"} <= set(api["named_endpoints"])

    data = client.predict(AGENTS_Q, "", api_name="/ask")
    assert "47.3%" in data["answer"] and not data["refused"]
    assert any(c["source"] == "003_2a3e108b44c3953e.txt" and "47.3%" in c["quote"] for c in data["citations"])
    assert {f"[{c['n']}]" for c in data["citations"]} & set(data["answer"].replace("]", "] ").split())
    assert data["thread_id"]

    with pytest.raises(Exception, match="limit"):
        client.predict("x" * (advisor.settings.max_question_chars + 1), "", api_name="/ask")


def test_chat_endpoint_streams(ui_url: str) -> None:
    client = client_mod.Client(ui_url, verbose=False)
    job = client.submit(AGENTS_Q, [], api_name="/chat")
    updates = list(job)
    assert len(updates) >= 3  # the question, streamed words, then the finished answer with sources
    chat, *_rest = updates[-1]
    text = " ".join(str(m.get("content")) for m in chat if m.get("role") == "assistant")
    assert "47.3%" in text


SLACK_THREAD = "slack:T0TEAM:CA:1700000001.000100"


def test_ask_cannot_open_a_slack_thread(ui_url: str, advisor: Advisor) -> None:
    """The Slack bot keeps its conversations under "slack:..."; a caller of /ask must not read or extend them."""
    secret = "What do AI engineers earn in Germany?"
    advisor.ask(secret, thread_id=SLACK_THREAD)  # what the Slack webhook would have stored
    client = client_mod.Client(ui_url, verbose=False)

    for given in (SLACK_THREAD, "ui:" + SLACK_THREAD):
        data = client.predict("and what about that in the UK?", given, api_name="/ask")
        assert data["refused"] and data["error"] == "invalid_thread_id" and data["thread_id"] is None
        assert "thread id" in data["answer"] and "Germany" not in data["answer"] and not data["citations"]
    history = advisor.history(SLACK_THREAD)
    assert [m["content"] for m in history if m["role"] == "user"] == [secret]  # untouched


def test_ask_refuses_a_huge_thread_id(ui_url: str) -> None:
    client = client_mod.Client(ui_url, verbose=False)
    data = client.predict(AGENTS_Q, "x" * 1_000_000, api_name="/ask")
    assert data["refused"] and data["error"] == "invalid_thread_id"
    assert "1,000,000 characters" in data["answer"] and "limit is 128" in data["answer"]
    assert len(data["answer"]) < 300


def test_ask_own_thread_ids_keep_the_conversation(ui_url: str, advisor: Advisor) -> None:
    client = client_mod.Client(ui_url, verbose=False)
    first = client.predict("What do AI engineers earn in Germany?", "my-script.1", api_name="/ask")
    assert first["thread_id"] == "ui:my-script.1"
    follow = client.predict("and in the UK?", first["thread_id"], api_name="/ask")
    assert follow["thread_id"] == "ui:my-script.1"
    assert "engineers earn" in follow["question"]  # the follow-up was read with the first question
    assert len([m for m in advisor.history("ui:my-script.1") if m["role"] == "user"]) == 2


def test_chat_bubble_and_banner_agree_on_input_without_words(ui_url: str) -> None:
    client = client_mod.Client(ui_url, verbose=False)
    for raw in ("????", "🤔🤔"):
        chat, _question, status, *_rest = list(client.submit(raw, [], api_name="/chat"))[-1]
        reply = next(content_text(m["content"]) for m in reversed(chat) if m["role"] == "assistant")
        assert "no words to look up" in reply and "empty" not in reply
        assert reply in status.replace("&#x27;", "'") and "could not be read" not in status


def test_questions_are_answered_at_once_not_one_by_one(ui_url: str, advisor: Advisor, monkeypatch) -> None:
    """Several callers: their answers overlap in time (`ui_workers` at once), and each caller gets its own
    conversation's answer. Plain HTTP POSTs from threads: gradio_client sends calls to an endpoint outside the
    queue one at a time itself, so it could not show the server's concurrency."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    assert advisor.settings.ui_workers >= 2
    real_ask, lock = advisor.ask, threading.Lock()
    running, most = 0, 0

    def counting_ask(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.5)  # hold the slot long enough for the other callers to arrive
            return real_ask(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(advisor, "ask", counting_ask)
    roles = ["data analyst", "data engineer", "data scientist", "machine learning engineer"]

    def post(role: str) -> dict:
        reply = httpx.post(f"{ui_url}gradio_api/run/ask", timeout=240,
                           json={"data": [f"What skills do {role} postings ask for most?", ""]})
        assert reply.status_code == 200, reply.text
        return reply.json()["data"][0]

    with ThreadPoolExecutor(len(roles)) as pool:
        answers = list(pool.map(post, roles))
    assert most >= 2, "/ask answered one question at a time"
    assert len({a["thread_id"] for a in answers}) == len(roles)
    for role, answer in zip(roles, answers, strict=True):
        assert not answer["refused"] and role.split()[-1] in answer["answer"].lower()


# -- POST /api/ask: the plain JSON route in front of Gradio's (ui.json_api) ----------------------------------------
def _post(url: str, **kwargs):  # type: ignore[no-untyped-def]
    import httpx

    return httpx.post(f"{url.rstrip('/')}/api/ask", timeout=60, **kwargs)


def test_the_plain_route_gives_the_same_answer_as_gradios(ui_url: str) -> None:
    client = client_mod.Client(ui_url, verbose=False)
    via_gradio = client.predict(AGENTS_Q, "", api_name="/ask")
    reply = _post(ui_url, json={"question": AGENTS_Q, "thread_id": ""})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/json")
    data = reply.json()
    assert (data["answer"], data["citations"], data["refused"]) == (
        via_gradio["answer"], via_gradio["citations"], via_gradio["refused"])
    follow = _post(ui_url, json={"question": "and which skills do they ask for?", "thread_id": data["thread_id"]})
    assert follow.status_code == 200 and follow.json()["thread_id"] == data["thread_id"]  # the same conversation


@pytest.mark.parametrize(("body", "status", "says"), [
    (b"", 400, "POST JSON"),
    (b"not json", 400, "POST JSON"),
    (b"\xff\xfe\x00binary", 400, "POST JSON"),
    (b'["a list"]', 400, "POST JSON"),
    (b'{"question": 42}', 400, "POST JSON"),
    (b'{"question": "   "}', 400, "Type a question first"),
    (b'{"question": "' + b"x" * 5000 + b'"}', 400, "limit"),
    (b'{"question": "' + b"x" * 70_000 + b'"}', 413, "nothing was answered"),
])
def test_bad_requests_get_a_clear_message_and_no_traceback(ui_url: str, body: bytes, status: int, says: str) -> None:
    reply = _post(ui_url, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == status and says in reply.json()["error"], reply.text
    assert "Traceback" not in reply.text


def test_the_plain_route_cannot_open_a_slack_thread(ui_url: str) -> None:
    data = _post(ui_url, json={"question": AGENTS_Q, "thread_id": SLACK_THREAD}).json()
    assert data["refused"] and data["error"] == "invalid_thread_id" and data["thread_id"] is None


def test_only_post_is_routed(ui_url: str) -> None:
    import httpx

    assert httpx.get(f"{ui_url.rstrip('/')}/api/ask", timeout=10).status_code == 405

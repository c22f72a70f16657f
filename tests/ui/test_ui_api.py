"""The running app through `gradio_client`, the way a script or another service would call it."""

from __future__ import annotations

import pytest

from advisor import Advisor

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

"""The chat UI served in-process over the session's sliced-corpus `advisor`.

One server for all UI tests: starting Gradio is cheap (0.3 s) but the
advisor's first answer loads the model and graph, which only happens once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from advisor import Advisor, Settings
from evals.local_llm import free_port


@pytest.fixture(scope="session")
def ui_url(advisor: Advisor, settings: Settings) -> Iterator[str]:
    """URL of the running chat app (127.0.0.1, free port); closed at the end of the session."""
    pytest.importorskip("gradio", reason="the web UI needs the 'ui' extra (gradio)")
    from ui.app import launch

    port = free_port()
    demo = launch(settings.model_copy(update={"port": port}), advisor=advisor, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()

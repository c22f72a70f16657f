from collections.abc import Iterator

import pytest

from tests.backends.scripted import ScriptedOpenAI


@pytest.fixture()
def scripted_llm() -> Iterator[ScriptedOpenAI]:
    server = ScriptedOpenAI()
    yield server
    server.close()

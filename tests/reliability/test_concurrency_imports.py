"""Every data tool's module is imported once, under the store's lock, before any tool runs in a question thread."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import advisor.tools
from advisor.agent.tools import DATA_TOOL_MODULES


def test_every_data_tool_module_is_imported_when_the_store_opens() -> None:
    """A module defining a tool for the model (`make_*_tool`) builds pydantic models at import; importing it for
    the first time in several question threads at once races CPython 3.11's compiler, so each one must be in
    the list the store imports under its lock."""
    folder = Path(advisor.tools.__file__).parent
    tools = {m.name for m in pkgutil.iter_modules([str(folder)])
             if re.search(r"^def make_\w+_tool\(", (folder / f"{m.name}.py").read_text(encoding="utf-8"), re.M)}
    assert tools and tools <= set(DATA_TOOL_MODULES), tools - set(DATA_TOOL_MODULES)

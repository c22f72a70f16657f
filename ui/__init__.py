"""Web chat UI for the advisor (Gradio). `advisor serve` starts it.

Exports are loaded lazily so the pure helpers (`ui.render`, `ui.charts`) can
be imported and tested without paying for the Gradio import.
"""

from __future__ import annotations

import os
from typing import Any

# Before anything imports gradio: no usage analytics from an offline product (advisor.config does the same).
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

__all__ = ["build_app", "launch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")

"""Fixtures for the fault tests (helpers live in `tests.reliability.helpers`: conftest modules can't be imported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import Settings
from tests.reliability.helpers import tiny_settings as _tiny_settings


@pytest.fixture()
def tiny_settings(tmp_path: Path) -> Settings:
    """A fresh tiny corpus (three one-chunk articles) and an empty data dir."""
    return _tiny_settings(tmp_path)

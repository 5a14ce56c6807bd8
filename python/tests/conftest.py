"""Shared fixtures of the ito Python tests (run by ctest with PYTHONPATH=build/python)."""
import os
import pathlib

import pytest

import ito  # noqa: F401  (fails the whole run if the module does not import)

SOURCE_DIR = pathlib.Path(os.environ.get("ITO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
QUICK = os.environ.get("ITO_QUICK") == "1"


@pytest.fixture
def source_dir():
    return SOURCE_DIR

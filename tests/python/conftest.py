"""Fixtures for the Python package tests: where the shared conformance files are.

The package itself is imported from PYTHONPATH (CTest sets it to build/python);
RISKSCALE_SHARED_DIR names the folder holding SPEC.md and conformance/ (default:
../shared beside the repository). Conformance files are read in place, never copied.
"""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# Plots are drawn off screen, whatever the environment says.
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes several seconds (deselect with -m 'not slow')")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    value = os.environ.get("RISKSCALE_SHARED_DIR")
    path = Path(value).resolve() if value else (REPO_ROOT.parent / "shared").resolve()
    if not (path / "conformance" / "accounts.csv").is_file():
        pytest.fail(f"conformance files not found under {path}; set RISKSCALE_SHARED_DIR")
    return path


@pytest.fixture(scope="session")
def conformance(shared_dir) -> Path:
    return shared_dir / "conformance"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT

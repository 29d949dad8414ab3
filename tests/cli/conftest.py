"""Fixtures for the command-line tests: where the binary and the shared conformance files are.

RISKSCALE_CLI names the built ``riskscale`` program (default: build/bin/riskscale under the
repository root); RISKSCALE_SHARED_DIR names the folder holding SPEC.md and conformance/
(default: ../shared beside the repository). Both are set by CTest (tests/cli/CMakeLists.txt).
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _path_from_env(name, default):
    value = os.environ.get(name)
    return Path(value).resolve() if value else default.resolve()


@pytest.fixture(scope="session")
def cli():
    """Absolute path of the riskscale binary; fails (never skips) when it is not built."""
    path = _path_from_env("RISKSCALE_CLI", REPO_ROOT / "build" / "bin" / "riskscale")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"riskscale binary not found at {path}; build it with "
                    "`cmake --preset release && cmake --build build --target riskscale_cli` "
                    "or set RISKSCALE_CLI")
    return path


@pytest.fixture(scope="session")
def shared_dir():
    path = _path_from_env("RISKSCALE_SHARED_DIR", REPO_ROOT.parent / "shared")
    if not (path / "conformance" / "accounts.csv").is_file():
        pytest.fail(f"conformance files not found under {path}; set RISKSCALE_SHARED_DIR")
    return path


@pytest.fixture(scope="session")
def conformance(shared_dir):
    return shared_dir / "conformance"


@pytest.fixture(scope="session")
def run(cli):
    """run(*args, stdin=bytes|None, cwd=None) -> CompletedProcess with bytes stdout/stderr."""

    def _run(*args, stdin=None, cwd=None, timeout=300):
        return subprocess.run([str(cli), *map(str, args)], input=stdin, cwd=cwd,
                              capture_output=True, timeout=timeout)

    return _run


@pytest.fixture(scope="session")
def portfolio_50k(tmp_path_factory):
    """A generated 50,000-row portfolio with 40 invalid rows (examples/data/generate_accounts.py)."""
    path = tmp_path_factory.mktemp("generated") / "accounts_50k.csv"
    subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "data" / "generate_accounts.py"),
                    "--rows", "50000", "--invalid-rows", "40", "--output", str(path)],
                   check=True, timeout=600)
    return path

"""Fixtures for the Python package tests: where the shared conformance files are.

The package itself is imported from PYTHONPATH (CTest sets it to build/python);
RISKSCALE_SHARED_DIR names the folder holding SPEC.md and conformance/ (default:
../shared beside the repository). Conformance files are read in place, never copied.
"""
import os
import subprocess
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


@pytest.fixture(scope="session")
def data(repo_root) -> Path:
    """The bundled sample data (examples/data)."""
    return repo_root / "examples" / "data"


@pytest.fixture(scope="session")
def cli(repo_root) -> Path:
    """The command-line tool, for tests that compare the two front ends byte for byte."""
    path = Path(os.environ.get("RISKSCALE_CLI") or repo_root / "build" / "bin" / "riskscale")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"riskscale binary not found at {path}; build the target riskscale_cli or set RISKSCALE_CLI")
    return path


#: The plan start date both front ends' reports are drawn with.
REPORT_START = "2027-01-04"


@pytest.fixture(scope="session")
def cli_report(cli):
    """``cli_report(folder, *args, exits=(0,))``: the bytes of ``riskscale report ARGS`` written in `folder`."""
    def run(folder: Path, *args, exits=(0,)) -> bytes:
        out = folder / "cli.html"
        done = subprocess.run([str(cli), "report", *map(str, args), "--start", REPORT_START, "-o", str(out)],
                              capture_output=True, timeout=300)
        assert done.returncode in exits, done.stderr
        return out.read_bytes()
    return run

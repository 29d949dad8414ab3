"""`pip install .` works offline (pyproject.toml + setup.py driving CMake) and the result imports.

By default setup.py is pointed (RISKSCALE_CMAKE_BUILD_DIR) at the CMake tree that built the
riskscale under test, so the extension is not compiled a second time (a few seconds).
RISKSCALE_TEST_WHEEL_FROM_SCRATCH=1 configures and compiles a fresh tree instead, as a
user's `pip install .` does (about a minute on two cores).
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import riskscale

FROM_SCRATCH = os.environ.get("RISKSCALE_TEST_WHEEL_FROM_SCRATCH", "") not in ("", "0")


def _pip_available():
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True)
    return probe.returncode == 0


def _cmake_tree_of_imported_package():
    """build/ when riskscale was imported from build/python/riskscale, else None."""
    tree = Path(riskscale.__file__).resolve().parents[2]
    return tree if (tree / "CMakeCache.txt").is_file() else None


@pytest.mark.slow
@pytest.mark.skipif(not _pip_available(), reason=f"{sys.executable} has no pip")
def test_pip_install_into_a_target_dir_and_import(tmp_path, repo_root):
    target = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    env["RISKSCALE_BUILD_BASE"] = str(tmp_path / "build")  # setuptools' scratch, out of the work tree
    reused = None if FROM_SCRATCH else _cmake_tree_of_imported_package()
    if reused is not None:
        env["RISKSCALE_CMAKE_BUILD_DIR"] = str(reused)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
         "--no-cache-dir", "--disable-pip-version-check", "--target", str(target), str(repo_root)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout[-4000:] + install.stderr[-4000:]

    assert (target / f"riskscale-{riskscale.__version__}.dist-info").is_dir()  # CMake's version is the wheel's
    package = target / "riskscale"
    shipped = {p.name for p in package.iterdir()}
    assert {"__init__.py", "_policy.py", "_assess.py", "_classify.py", "_summary.py", "_plot.py",
            "_core.pyi", "py.typed"} <= shipped, shipped
    assert {name for name in shipped if name.endswith(".pyi")} == {"_core.pyi"}  # the pure modules annotate inline
    extensions = [name for name in shipped if name.startswith("_core.") and name.endswith(".so")]
    assert len(extensions) == 1, shipped
    if reused is not None:  # the wheel carries exactly what the CMake target built
        built = reused / "python" / "riskscale" / extensions[0]
        assert (package / extensions[0]).read_bytes() == built.read_bytes()

    check = textwrap.dedent(f"""
        import riskscale, pandas as pd
        assert riskscale.__file__.startswith({str(package)!r}), riskscale.__file__
        assert riskscale.__version__ == {riskscale.__version__!r}
        a = riskscale.assess(sensitive_data=1, org_disruption=0, physical_safety=0, legal_exposure=0,
                             active_days=20, users=1000)
        frame = pd.DataFrame([dict(sensitive_data=1, org_disruption=0, physical_safety=0, legal_exposure=0,
                                   active_days=20, users=1000)])
        print(a.archetype, riskscale.classify(frame)["archetype"][0])
    """)
    env_run = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env_run["PYTHONPATH"] = str(target)
    run = subprocess.run([sys.executable, "-c", check], env=env_run, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["high_scale_high_risk", "high_scale_high_risk"]

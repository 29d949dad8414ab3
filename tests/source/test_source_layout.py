"""The layout rules of the source tree, checked rather than hoped for: front ends use only the
public headers of the core, and every C++ file is formatted by the project's .clang-format."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONT_ENDS = [ROOT / "src" / "cli", ROOT / "src" / "csv", ROOT / "src" / "report", ROOT / "python" / "src"]
CPP = (".hpp", ".cpp", ".h")
FORMATTED = ["include", "src", "python/src", "tests", "bench"]


def _sources(folders):
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in CPP and "corpus" not in path.parts:
                yield path


def _detail_uses(paths):
    """Every line of `paths` that includes a riskscale/detail/ header or names riskscale::detail."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.match(r'\s*#\s*include\s*[<"]riskscale/detail/', line) or re.search(r"\bdetail::", line):
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def test_front_ends_include_no_detail_header():
    offenders = _detail_uses(_sources(FRONT_ENDS))
    assert offenders == [], "front ends use the core's detail/ internals:\n" + "\n".join(offenders)


def test_the_rule_finds_a_detail_include(tmp_path):
    bad = tmp_path / "bad.cpp"
    bad.write_text('#include "riskscale/detail/kernel.hpp"\nint x = riskscale::detail::f();\nint y = 0;\n')
    assert len(_detail_uses([bad])) == 2


def _clang_format():
    return shutil.which("clang-format") or shutil.which("clang-format-14")


@pytest.mark.skipif(_clang_format() is None, reason="clang-format is not installed (scripts/install-deps.sh installs it)")
def test_every_cpp_file_is_formatted():
    files = [str(p) for p in _sources(ROOT / f for f in FORMATTED)]
    assert len(files) > 50
    done = subprocess.run([_clang_format(), "--dry-run", "--Werror", *files], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-4000:]


@pytest.mark.skipif(_clang_format() is None, reason="clang-format is not installed (scripts/install-deps.sh installs it)")
def test_the_format_check_can_fail(tmp_path):
    badly = tmp_path / "badly.cpp"
    badly.write_text("int   main( ){return 0;}\n")
    shutil.copy(ROOT / ".clang-format", tmp_path / ".clang-format")
    done = subprocess.run([_clang_format(), "--dry-run", "--Werror", str(badly)], cwd=tmp_path, capture_output=True)
    assert done.returncode != 0

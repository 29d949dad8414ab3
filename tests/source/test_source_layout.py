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


# Public headers about the content and plan tables; every other public header must not reach them.
PLAN_HEADERS = {"plan_settings.hpp", "content.hpp", "plan.hpp", "plan_export.hpp", "policy_json.hpp", "riskscale.hpp"}


def _compiler():
    return os.environ.get("RISKSCALE_CXX") or shutil.which("g++") or shutil.which("c++")


def _reached_headers(header, tmp_path, include_dirs):
    """The riskscale headers a file that includes only `header` compiles (the compiler's -M list)."""
    source = tmp_path / "only.cpp"
    source.write_text(f"#include <{header}>\n")
    flags = [f"-I{d}" for d in include_dirs]
    done = subprocess.run([_compiler(), "-std=c++17", "-M", *flags, str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return {Path(word).name for word in done.stdout.replace("\\\n", " ").split() if "riskscale/" in word}


def _include_dirs():
    extra = [d for d in os.environ.get("RISKSCALE_INCLUDE_DIRS", "").split(";") if d]
    return [str(ROOT / "include"), *(extra or ["/usr/include/eigen3"])]


def test_policy_users_do_not_compile_the_plan_tables(tmp_path):
    """The policy holds its content and plan tables as sections (policy_section.hpp), so classifying
    code (policy, assess, batch, explain, inputs, drift...) never includes their header."""
    offenders = []
    headers = sorted(p.name for p in (ROOT / "include" / "riskscale").glob("*.hpp"))
    assert "policy.hpp" in headers and "batch.hpp" in headers
    for name in headers:
        if name in PLAN_HEADERS:
            continue
        reached = _reached_headers(f"riskscale/{name}", tmp_path, _include_dirs())
        if "plan_settings.hpp" in reached or "plan_policy_json.hpp" in reached:
            offenders.append(name)
    assert offenders == [], "these headers compile the plan tables: " + ", ".join(offenders)


def test_the_plan_include_rule_can_fail(tmp_path):
    assert "plan_settings.hpp" in _reached_headers("riskscale/plan.hpp", tmp_path, _include_dirs())

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


# The metric tables' columns are declared once, in include/riskscale/metrics/schema.hpp: the CLI's metric
# files and riskscale.metrics read them from there and never spell a declared name as a string literal,
# except these words, which stand for something else where they appear.
SCHEMA = ROOT / "include" / "riskscale" / "metrics" / "schema.hpp"
METRIC_CLI = sorted((ROOT / "src" / "cli").glob("metric*.cpp"))
METRIC_PYTHON = ROOT / "python" / "riskscale" / "metrics.py"
NOT_COLUMNS_CPP = {
    "rows": "the key of the JSON document's rows",
    "cohort": "a word of the per-user funnel's title",
    "completed": "the core's own name of the impact's flag column in its refusals",
    "outcome": "the core's own name of the impact's outcome column in its refusals",
}
NOT_COLUMNS_PYTHON = {
    "cohort": "the core's own name of funnel_counts' cohort column in its refusals",
    "course": "the core's own name of the programme's course column, and the course index of its cells",
    "completed": "the core's own name of the impact's flag column in its refusals",
    "outcome": "the core's own name of the impact's outcome column in its refusals",
    "largest_drop_stage": "computed by the Python layer from the core's step index",
    "unknown_formats": "computed by the Python layer from the core's format modes",
    "sessions": "a key of the core's delivery costs (cost(learners=...) has a wide layout of its own)",
    "learners": "the index of cost(learners=...)'s wide layout",
}


def _declared_metric_columns():
    """Every input and output column name metrics/schema.hpp declares (patterns such as {stage} left out)."""
    text = SCHEMA.read_text()
    names = set(re.findall(r'metric_input \w+\{"([a-z_]+)"', text))
    names |= set(re.findall(r'\{"([a-z_]+)"(?:\}|, shown_when)', text))
    impact = (ROOT / "include" / "riskscale" / "metrics" / "impact.hpp").read_text()
    names |= set(re.findall(r'"([a-z_]+)"', re.search(r"default_impact_outcomes = \{([^}]*)\}", impact).group(1)))
    return names


def _spelled_cpp(path, names):
    """The declared names `path` (C++) spells as a whole string literal, with their lines."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        found += [f"{path.name}:{number}: \"{n}\"" for n in re.findall(r'"([a-z_]+)"', line) if n in names]
    return found


def _spelled_python(path, names):
    """The declared names `path` (Python) spells as a string constant outside docstrings and __all__."""
    import ast

    tree = ast.parse(path.read_text())
    skipped = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skipped.add(id(first.value))  # a docstring
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            skipped |= {id(n) for n in ast.walk(node.value)}
    return [f"{path.name}:{n.lineno}: {n.value!r}" for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skipped and n.value in names]


def test_metric_front_ends_spell_no_declared_column():
    names = _declared_metric_columns()
    assert {"seats", "shelfware_seats", "interaction_rate", "completion_rate", "ci_lower", "recommendations"} <= names
    assert len(METRIC_CLI) >= 2
    cpp = [hit for path in METRIC_CLI for hit in _spelled_cpp(path, names - set(NOT_COLUMNS_CPP))]
    assert cpp == [], "the CLI spells declared metric columns (read them from metrics/schema.hpp):\n" + "\n".join(cpp)
    python = _spelled_python(METRIC_PYTHON, names - set(NOT_COLUMNS_PYTHON))
    assert python == [], "riskscale.metrics spells declared metric columns (read them from " \
        "_core.METRIC_COLUMNS):\n" + "\n".join(python)


def test_the_column_rule_finds_a_spelled_column(tmp_path):
    names = _declared_metric_columns()
    cpp = tmp_path / "metrics_command.cpp"
    cpp.write_text('out.columns = {"archetype", "seats", "shelfware_seats"};\nauto s = "a shelfware_seats note";\n')
    assert _spelled_cpp(cpp, names) == ['metrics_command.cpp:1: "archetype"', 'metrics_command.cpp:1: "seats"',
                                        'metrics_command.cpp:1: "shelfware_seats"']
    python = tmp_path / "metrics.py"
    python.write_text('"""Docstring: "ci_lower"."""\n__all__ = ["interaction_rate"]\n'
                      'def f(out):\n    """ci_upper"""\n    return out["ci_lower"], "completion_rate x"\n')
    assert _spelled_python(python, names) == ["metrics.py:5: 'ci_lower'"]

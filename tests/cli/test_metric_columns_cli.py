"""Every `riskscale metrics` table's header is the core's declaration (include/riskscale/metrics/schema.hpp),
and a refusal's accepted sentence is the declared one; riskscale_metric_columns prints the declaration."""
import csv
import io
import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
HSHR = "high_scale_high_risk"


@pytest.fixture(scope="session")
def declared():
    """declared(metric, level, has=(), stages=(), by=None, users=False, row_identity=False) -> column names."""
    value = os.environ.get("RISKSCALE_METRIC_COLUMNS")
    path = Path(value) if value else REPO_ROOT / "build" / "tests" / "riskscale_metric_columns"
    if not path.is_file():
        pytest.fail(f"riskscale_metric_columns not found at {path}; build the target or set RISKSCALE_METRIC_COLUMNS")

    def _declared(metric, level, has=(), stages=(), by=None, users=False, row_identity=False):
        args = [str(path), metric, level, "--has", ",".join(has) or ",", "--stages", ",".join(stages) or ","]
        args += ["--by", by] if by else []
        args += (["--users"] if users else []) + (["--row-identity"] if row_identity else [])
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        return done.stdout.strip().split(",")

    def _accepted(metric, column):
        done = subprocess.run([str(path), "--accepted", metric, column], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    _declared.accepted = _accepted
    return _declared


def header(done):
    assert done.returncode in (0, 1), done.stderr
    return next(csv.reader(io.StringIO(done.stdout.decode())))


def write(path, text):
    path.write_text(text)
    return path


def columns_of(path):
    return path.read_text().splitlines()[0].split(",")


@pytest.fixture()
def tables(tmp_path, run):
    t = {
        "adoption": write(tmp_path / "adoption.csv", f"account_id,seats,trained,active,archetype\nA1,10,5,4,{HSHR}\n"),
        "bare": write(tmp_path / "bare.csv", "seats,trained,active\n10,5,4\n"),
        "seats": write(tmp_path / "seats.csv", "account_id,seats\nA1,4\n"),
        "users": write(tmp_path / "users.csv", "account_id,trained,active\nA1,yes,no\nA1,1,1\n"),
        "cohorts": write(tmp_path / "cohorts.csv",
                         f"cohort,account_id,period,invited,logged_in,certified,archetype\nc1,X,p,10,8,3,{HSHR}\n"),
        "per_user": write(tmp_path / "per_user.csv",
                          f"user,cohort,stage,archetype\nu1,c1,certified,{HSHR}\nu2,c1,0,\n"),
        "enrolments": write(tmp_path / "enrolments.csv",
                            "course,completed,assessment_passed,days_to_completion\nA,1,1,4\nB,0,,\n"),
        "impact": write(tmp_path / "impact.csv", "onboarding_completed,renewed,expanded\n1,1,0\n0,1,1\n"),
        "channels": write(tmp_path / "channels.csv", "channel,period,interactions,posts,followers\nforum,p,5,1,10\n"),
    }
    classified = tmp_path / "classified.csv"
    done = run("classify", REPO_ROOT / "examples" / "data" / "accounts.csv", "-o", classified, "--keep-all")
    assert done.returncode == 0, done.stderr
    t["classified"] = classified
    return t


def test_adoption_headers_are_declared(run, declared, tables):
    for level in ("group", "account"):
        done = run("metrics", "adoption", tables["adoption"], "--format", "csv", "--level", level)
        assert header(done) == declared("adoption", level, has=columns_of(tables["adoption"]))
        done = run("metrics", "adoption", tables["bare"], "--format", "csv", "--level", level)
        assert header(done) == declared("adoption", level, has=columns_of(tables["bare"]))
        done = run("metrics", "adoption", tables["seats"], "--users", tables["users"], "--format", "csv",
                   "--level", level)
        assert header(done) == declared("adoption", level, has=columns_of(tables["seats"]), users=True)
    assert "trained_inactive" in declared("adoption", "group", users=True)
    assert "trained_inactive" not in declared("adoption", "group")


def test_funnel_headers_are_declared(run, declared, tables):
    stages = ["invited", "logged_in", "certified"]
    has = columns_of(tables["cohorts"])
    for level in ("group", "row"):
        for by in (None, "cohort", "period"):
            done = run("metrics", "funnel", tables["cohorts"], "--stages", ",".join(stages), "--format", "csv",
                       "--level", level, *(["--by", by] if by else []))
            assert header(done) == declared("funnel", level, has=has, stages=stages, by=by, row_identity=True)
        done = run("metrics", "funnel", tables["per_user"], "--stages", ",".join(stages), "--stage-column", "stage",
                   "--by", "cohort", "--format", "csv", "--level", level)
        assert header(done) == declared("funnel", level, has=columns_of(tables["per_user"]), stages=stages, by="cohort")
    # --by naming the archetype: one key column, as the declaration writes a copied column once.
    done = run("metrics", "funnel", tables["per_user"], "--stages", ",".join(stages), "--stage-column", "stage",
               "--by", "archetype", "--format", "csv", "--level", "row")
    assert header(done) == declared("funnel", "row", has=columns_of(tables["per_user"]), stages=stages, by="archetype")
    assert len(done.stdout.decode().splitlines()[1].split(",")) == len(header(done))
    assert "conversion_to_certified" in declared("funnel", "group", stages=stages)


def test_program_impact_interaction_and_cost_headers_are_declared(run, declared, tables):
    done = run("metrics", "program", tables["enrolments"], "--format", "csv")
    assert header(done) == declared("program", "group", by="course")
    done = run("metrics", "impact", tables["impact"], "--format", "csv")
    assert header(done) == declared("impact", "group")
    assert {"ci_lower", "ci_upper", "completed_ci_lower", "not_completed_ci_upper"} <= set(declared("impact", "group"))
    for level in ("row", "group"):
        done = run("metrics", "interaction", tables["channels"], "--format", "csv", "--level", level)
        assert header(done) == declared("interaction", level, has=columns_of(tables["channels"]))
    for level in ("group", "account"):
        done = run("metrics", "cost", tables["classified"], "--format", "csv", "--level", level)
        assert header(done) == declared("cost", level, has=columns_of(tables["classified"]))
    assert header(run("metrics", "cost", "--learners", "20", "--format", "csv")) == declared("delivery_cost", "mode")
    assert header(run("metrics", "cost", "--format", "csv")) == declared("break_even", "mode")


def test_a_refusal_gives_the_declared_accepted_sentence(run, declared, tmp_path):
    bad = write(tmp_path / "bad.csv", "seats,trained,active\nmany,1,1\n")
    done = run("metrics", "adoption", bad)
    assert done.returncode == 2
    assert done.stderr.decode().rstrip().endswith("accepted: " + declared.accepted("adoption", "seats"))
    missing = write(tmp_path / "missing.csv", "channel,interactions,posts\nforum,1,1\n")
    done = run("metrics", "interaction", missing)
    assert done.returncode == 2
    assert "lacks the column 'followers'; accepted: " + declared.accepted("interaction", "followers") in \
        done.stderr.decode()

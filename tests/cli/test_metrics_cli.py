"""`riskscale metrics adoption|funnel|program|impact|interaction|cost`: hand-computed tables, formats, exit statuses."""
import io
import json
import math

import pandas as pd
import pytest

HSHR, HSLR, LSHR, LSLR = "high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"


def write(path, text):
    path.write_text(text)
    return path


def frame(done):
    assert done.returncode in (0, 1), done.stderr
    return pd.read_csv(io.BytesIO(done.stdout), keep_default_na=False, na_values=[""])


@pytest.fixture()
def accounts(tmp_path):
    return write(tmp_path / "accounts.csv",
                 "account_id,seats,trained,active,archetype\n"
                 f"A1,100,80,60,{HSHR}\nA2,50,50,20,{HSHR}\nA3,10,12,5,{HSLR}\nA4,0,0,0,{HSLR}\nA5,40,10,10,\n")


# ---------------------------------------------------------------------------------------------
# adoption

def test_adoption_groups_as_csv(run, accounts):
    done = run("metrics", "adoption", accounts, "--format", "csv")
    assert done.returncode == 1  # A3 has more trained users than seats: reported and left out
    table = frame(done).set_index("archetype")
    assert list(table.index) == [HSHR, HSLR, LSHR, LSLR, "overall"]
    assert table.loc[HSHR, "seats"] == 150 and table.loc[HSHR, "active"] == 80
    assert table.loc[HSHR, "training_coverage"] == pytest.approx(130 / 150)
    assert math.isnan(table.loc[HSLR, "activation"]) and table.loc[HSLR, "reason"] == "zero_seats"
    assert table.loc[HSLR, "excluded"] == 1
    assert table.loc[LSHR, "accounts"] == 0 and table.loc[LSHR, "reason"] == "empty_group"
    assert table.loc["overall", "accounts"] == 4
    assert table.loc["overall", "activation"] == pytest.approx(90 / 190)


def test_adoption_per_account_and_text(run, accounts):
    done = run("metrics", "adoption", accounts, "--level", "account", "--format", "csv")
    table = frame(done)
    assert list(table["reason"]) == ["ok", "ok", "trained_above_seats", "zero_seats", "ok"]
    assert table.loc[2, "training_coverage"] == pytest.approx(1.2)  # not clamped
    text = run("metrics", "adoption", accounts).stdout.decode()
    assert text.splitlines()[0].startswith("Adoption gap per archetype")
    assert "1 account left out" in text


def test_adoption_with_a_user_table(run, tmp_path):
    data = write(tmp_path / "a.csv", "account_id,seats\nA1,4\nA2,2\n")
    users = write(tmp_path / "u.csv", "account_id,trained,active\nA1,true,yes\nA1,true,no\nA1,0,1\nA2,false,0\n")
    done = run("metrics", "adoption", data, "--users", users, "--format", "json")
    assert done.returncode == 0, done.stderr
    overall = json.loads(done.stdout)["rows"][-1]
    assert overall["archetype"] == "overall"
    assert (overall["trained"], overall["active"]) == (2, 2)
    assert (overall["trained_inactive"], overall["active_untrained"]) == (1, 1)
    bad = write(tmp_path / "bad.csv", "account_id,trained,active\nA1,1,1\nZZ,1,1\n")
    done = run("metrics", "adoption", data, "--users", bad)
    assert done.returncode == 2
    assert b"bad.csv line 3, column 'account_id': 'ZZ' is not an account_id" in done.stderr


def test_adoption_refuses_bad_columns(run, tmp_path, accounts):
    done = run("metrics", "adoption", write(tmp_path / "x.csv", "seats,trained\n1,1\n"))
    assert done.returncode == 2 and b"lacks the column 'active'" in done.stderr
    done = run("metrics", "adoption", write(tmp_path / "y.csv", "seats,trained,active\n1,1,1\n2,lots,1\n"))
    assert done.returncode == 2
    assert b"y.csv line 3, column 'trained': 'lots' is not a number" in done.stderr
    done = run("metrics", "adoption", write(tmp_path / "z.csv", "seats,trained,active,archetype\n1,1,1,medium\n"))
    assert done.returncode == 2
    assert b"line 2, column 'archetype': 'medium' is not an archetype; accepted: high_scale_high_risk, high_scale_low_risk, low_scale_high_risk, low_scale_low_risk, or empty\n" in done.stderr
    out = tmp_path / "never.csv"
    done = run("metrics", "adoption", tmp_path / "missing.csv", "-o", out)
    assert done.returncode == 2 and not out.exists()


# ---------------------------------------------------------------------------------------------
# funnel

STAGES = "invited,logged_in,finished_course,certified"


@pytest.fixture()
def cohorts(tmp_path):
    return write(tmp_path / "cohorts.csv",
                 "cohort,invited,logged_in,finished_course,certified,archetype\n"
                 f"2024-01,100,80,40,30,{HSHR}\n2024-02,50,40,20,20,{HSHR}\n2024-03,10,12,5,5,{LSLR}\n")


def test_funnel_groups_and_rows(run, cohorts):
    done = run("metrics", "funnel", cohorts, "--stages", STAGES, "--format", "csv")
    assert done.returncode == 1  # 2024-03 rises from 10 to 12
    table = frame(done).set_index("archetype")
    assert list(table.loc[HSHR, ["invited", "logged_in", "finished_course", "certified"]]) == [150, 120, 60, 50]
    assert table.loc[HSHR, "conversion_to_finished_course"] == 0.5
    assert table.loc[HSHR, "largest_drop_stage"] == "finished_course"
    assert table.loc[LSLR, "reason"] == "empty_group" and table.loc[LSLR, "excluded"] == 1
    rows = frame(run("metrics", "funnel", cohorts, "--stages", STAGES, "--level", "row", "--format", "csv"))
    assert list(rows["cohort"]) == ["2024-01", "2024-02", "2024-03"]
    assert list(rows["reason"]) == ["ok", "ok", "stage_count_increases"]
    assert rows.loc[2, "conversion_to_logged_in"] == pytest.approx(1.2)


def test_funnel_from_users(run, tmp_path):
    users = write(tmp_path / "users.csv", "user,stage,cohort\nu1,invited,a\nu2,certified,a\nu3,logged_in,b\nu4,2,b\n")
    done = run("metrics", "funnel", users, "--stages", STAGES, "--stage-column", "stage", "--by", "cohort",
               "--level", "row", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {r["cohort"]: r for r in json.loads(done.stdout)["rows"]}
    assert [rows["a"][s] for s in STAGES.split(",")] == [2, 1, 1, 1]
    assert [rows["b"][s] for s in STAGES.split(",")] == [2, 2, 1, 0]
    assert rows["b"]["largest_drop_stage"] == "certified"
    bad = write(tmp_path / "bad.csv", "stage\ninvited\nlost\n")
    done = run("metrics", "funnel", bad, "--stages", STAGES, "--stage-column", "stage")
    assert done.returncode == 2 and b"bad.csv line 3, column 'stage': 'lost' is not a stage" in done.stderr
    done = run("metrics", "funnel", bad, "--stages", "invited")
    assert done.returncode == 2 and b"at least two" in done.stderr


def test_funnel_refuses_negative_counts(run, tmp_path):
    data = write(tmp_path / "neg.csv", "invited,logged_in\n10,5\n10,-1\n")
    done = run("metrics", "funnel", data, "--stages", "invited,logged_in")
    assert done.returncode == 2
    assert b"neg.csv line 3, column 'logged_in'" in done.stderr and b"accepted: a finite count >= 0" in done.stderr


# ---------------------------------------------------------------------------------------------
# programme, impact, interaction

def test_program(run, tmp_path):
    data = write(tmp_path / "enrolments.csv", "course,completed,assessment_passed,days_to_completion\n"
                                              "A,1,1,10\nA,1,0,20\nA,0,,\nB,1,,5\nB,0,0,\n")
    table = frame(run("metrics", "program", data, "--format", "csv")).set_index(["course", "archetype"])
    assert table.loc[("A", "overall"), "completion_rate"] == pytest.approx(2 / 3)
    assert table.loc[("A", "overall"), "pass_rate"] == 0.5
    assert table.loc[("A", "overall"), "median_days_to_completion"] == 15
    assert table.loc[("overall", "overall"), "enrolments"] == 5
    assert table.loc[("overall", "overall"), "median_days_to_completion"] == 10
    bad = write(tmp_path / "bad.csv", "course,completed,days_to_completion\nA,0,4\n")
    done = run("metrics", "program", bad)
    assert done.returncode == 2 and b"line 2, column 'days_to_completion'" in done.stderr


def test_impact_matches_newcombe(run, tmp_path):
    # Newcombe (1998) Stat Med 17:873, Table II, example (a): 56/70 vs 48/80 → 0.0524 to 0.3339.
    lines = ["account_id,onboarding_completed,renewed,archetype"]
    lines += [f"C{i},1,{int(i < 56)},{HSHR if i < 7 else ''}" for i in range(70)]
    lines += [f"N{i},0,{int(i < 48)},{HSHR if i < 7 else ''}" for i in range(80)]
    data = write(tmp_path / "impact.csv", "\n".join(lines) + "\n")
    done = run("metrics", "impact", data, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {r["archetype"]: r for r in json.loads(done.stdout)["rows"]}
    overall = rows["overall"]
    assert (round(overall["ci_lower"], 4), round(overall["ci_upper"], 4)) == (0.0524, 0.3339)
    assert overall["difference"] == pytest.approx(0.2) and overall["reason"] == "ok"
    assert rows[HSHR]["reason"] == "small_group"  # 7 vs 7 accounts
    assert rows[LSLR]["difference"] is None
    assert rows[LSLR]["reason"] == "small_group;completed_group_empty;not_completed_group_empty"
    assert b"small_group: a side has fewer than 10 accounts" in run("metrics", "impact", data).stdout
    done = run("metrics", "impact", data, "--confidence", "1")
    assert done.returncode == 2 and b"confidence" in done.stderr
    done = run("metrics", "impact", data, "--outcomes", "expanded")
    assert done.returncode == 2 and b"lacks the column 'expanded'" in done.stderr


def test_interaction(run, tmp_path):
    data = write(tmp_path / "channels.csv", "channel,period,interactions,posts,followers\n"
                                            "forum,2024-01,50,10,1000\nslack,2024-01,3,0,20\n")
    rows = frame(run("metrics", "interaction", data, "--format", "csv"))
    assert rows.loc[0, "interaction_rate"] == 0.5
    assert math.isnan(rows.loc[1, "interaction_rate"]) and rows.loc[1, "reason"] == "zero_posts"
    group = frame(run("metrics", "interaction", data, "--level", "group", "--format", "csv"))
    assert list(group["archetype"]) == ["overall"] and group.loc[0, "excluded"] == 1


# ---------------------------------------------------------------------------------------------
# cost

def test_cost_modes_and_break_even(run, tmp_path):
    done = run("metrics", "cost", "--learners", "20,221", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["break_even"] == {"ilt_onsite": 221, "ilt_virtual": 1441}
    onsite = {r["learners"]: r for r in doc["rows"] if r["mode"] == "ilt_onsite"}
    assert onsite[221]["sessions"] == 12 and onsite[221]["total_cost"] == 27720
    table = frame(run("metrics", "cost", "--format", "csv"))
    assert list(table["break_even_learners"]) == [221, 1441]
    settings = write(tmp_path / "costs.json", json.dumps({"on_demand": {"per_learner": 200}}))
    table = frame(run("metrics", "cost", "--settings", settings, "--format", "csv"))
    assert list(table["reason"]) == ["no_break_even", "no_break_even"]
    bad = write(tmp_path / "bad.json", json.dumps({"ilt_onsite": {"class_size": 0}}))
    done = run("metrics", "cost", "--settings", bad)
    assert done.returncode == 2 and b"$.ilt_onsite.class_size" in done.stderr
    printed = run("metrics", "cost", "--print-settings", "--settings", settings)
    assert json.loads(printed.stdout)["on_demand"]["per_learner"] == 200


def test_cost_of_classified_accounts(run, tmp_path):
    # `riskscale classify --keep-all` output carries users, archetype and recommendations.
    raw = write(tmp_path / "raw.csv",
                "account_id,sensitive_data,org_disruption,physical_safety,legal_exposure,active_days,users\n"
                "ACC-1,0.9,0.2,0.0,0.7,18,500\nACC-2,0.1,0.0,0.0,0.0,2,8\nACC-3,0.2,0.1,0.9,0.4,3,12\n")
    classified = tmp_path / "classified.csv"
    assert run("classify", raw, "-o", classified, "--keep-all").returncode == 0
    done = run("metrics", "cost", classified, "--level", "account", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = frame(done)
    assert list(rows["account_id"]) == ["ACC-1", "ACC-2", "ACC-3"]
    assert (rows["reason"] == "ok").all() and (rows["total_cost"] > 0).all()
    groups = frame(run("metrics", "cost", classified, "--format", "csv")).set_index("archetype")
    assert groups.loc["overall", "accounts"] == 3 and groups.loc["overall", "users"] == 520
    unknown = write(tmp_path / "mix.csv", "account_id,users,recommendations\nA,10,webinar;on_demand_library\n")
    done = run("metrics", "cost", unknown, "--level", "account", "--format", "csv")
    assert done.returncode == 1
    row = frame(done).iloc[0]
    assert row["reason"] == "unknown_format" and row["unknown_formats"] == "webinar" and math.isnan(row["total_cost"])
    mapped = write(tmp_path / "map.json", json.dumps({"format_modes": {"webinar": "ilt_virtual"}}))
    row = frame(run("metrics", "cost", unknown, "--level", "account", "--format", "csv", "--settings", mapped)).iloc[0]
    assert row["total_cost"] == 1000 + 25000 + 80


def test_help_documents_columns_and_examples(run):
    for metric, column in [("adoption", "seats, trained, active"), ("funnel", "--stage-column"),
                           ("program", "days_to_completion"), ("impact", "onboarding_completed"),
                           ("interaction", "interactions, posts, followers"), ("cost", "recommendations")]:
        done = run("metrics", metric, "--help")
        assert done.returncode == 0
        assert column.encode() in done.stdout and b"Example:" in done.stdout


def test_output_file(run, accounts, tmp_path):
    out = tmp_path / "adoption.json"
    done = run("metrics", "adoption", accounts, "--format", "json", "-o", out)
    assert done.returncode == 1 and done.stdout == b""
    assert json.loads(out.read_text())["metric"] == "adoption"

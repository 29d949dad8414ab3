"""The table contract as the command line sees it: the decisions the core now makes once for every
front end (a blank seats cell, flag texts, one CSV quoting rule, one refusal sentence)."""
import io
import json

import pandas as pd

HEADER = "account_id,sensitive_data,org_disruption,physical_safety,legal_exposure,active_days,users,seats\n"


def write(path, text):
    path.write_text(text)
    return path


def test_a_blank_seats_cell_is_absent_in_classify_summary_and_explain(run, tmp_path):
    data = write(tmp_path / "a.csv", HEADER + "A1,0.2,0.1,0,0.3,12,40,\nA2,0.2,0.1,0,0.3,12,40,50\nA3,0.2,0.1,0,0.3,12,40, \n")
    out = tmp_path / "out.csv"
    done = run("classify", data, "-o", out)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table["account_id"]) == ["A1", "A2", "A3"]
    assert table.loc[0, "risk_score"] == table.loc[1, "risk_score"]  # seats feeds no score
    assert (tmp_path / "out.rejects.csv").read_text().count("\n") == 1  # the header only
    summary = run("summary", data, "--format", "json")
    assert summary.returncode == 0 and json.loads(summary.stdout)["rejected"] == 0
    explained = run("explain", data, "--id", "A1")
    assert explained.returncode == 0, explained.stderr


def test_a_refused_cell_has_one_sentence_in_every_path(run, tmp_path):
    data = write(tmp_path / "b.csv", HEADER + "B1,0.2,0.1,0,high,12,40,1\nB2,0.2,0.1,0,0.3,12,,1\nB3,0.2,0.1,0,0.3,12,40,-2\n")
    out = tmp_path / "out.csv"
    done = run("classify", data, "-o", out)
    assert done.returncode == 1
    rejects = pd.read_csv(tmp_path / "out.rejects.csv", keep_default_na=False)
    assert list(rejects["reason"]) == ["not_a_number", "missing_value", "below_range"]
    assert rejects.loc[0, "message"] == "legal_exposure = 'high' is not a number; accepted: a finite number in [0, 1]"
    assert rejects.loc[1, "message"] == "users is empty; accepted: a finite number in [0, 1e+09]"
    assert rejects.loc[2, "message"] == "seats = -2 is below the range; accepted: a finite number in [0, 1e+09]"
    explained = run("explain", data, "--id", "B1")
    assert explained.returncode == 2
    assert b"legal_exposure = 'high' is not a number; accepted: a finite number in [0, 1]" in explained.stderr


def test_flag_texts_in_any_case(run, tmp_path):
    data = write(tmp_path / "seats.csv", "account_id,seats\nA1,4\nA2,2\n")
    users = write(tmp_path / "users.csv", "account_id,trained,active\nA1,YES,True\nA1,No,false\nA1,1,0\nA2,yes,NO\n")
    done = run("metrics", "adoption", data, "--users", users, "--level", "account", "--format", "csv")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.BytesIO(done.stdout)).set_index("account_id")
    assert table.loc["A1", "trained"] == 2 and table.loc["A1", "active"] == 1
    assert table.loc["A2", "trained"] == 1 and table.loc["A2", "active"] == 0


def test_a_plan_csv_quotes_a_field_with_leading_blanks(run, tmp_path):
    data = write(tmp_path / "p.csv", HEADER + '"  P1",0.9,0.1,0,0.7,18,500,\n')
    out = tmp_path / "plans.csv"
    done = run("plan", data, "--all", "--start", "2026-12-07", "-o", out)
    assert done.returncode == 0, done.stderr
    rows = out.read_bytes().split(b"\r\n")
    assert rows[1].startswith(b'"  P1",')


def test_summary_reads_recommendation_lists_and_archetypes_by_the_core_rule(run, tmp_path):
    # Empty entries of a recommendations cell are dropped ("a;;b;" is a, b), as riskscale.summary
    # reads them (tests/python/test_contract.py); an archetype that is no SPEC §1 id is a rejected row.
    data = write(tmp_path / "a.csv", HEADER + "A1,0.9,0.1,0,0.7,18,500,\nA2,0.1,0.1,0,0.1,2,3,\n")
    done = run("classify", data, "-o", tmp_path / "c.csv")
    assert done.returncode == 0, done.stderr
    clean = run("summary", tmp_path / "c.csv", "--format", "json")
    assert clean.returncode == 0, clean.stderr
    table = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False)
    table.loc[0, "recommendations"] = ";" + table.loc[0, "recommendations"].replace(";", ";;") + ";"
    table.to_csv(tmp_path / "gaps.csv", index=False)
    gaps = run("summary", tmp_path / "gaps.csv", "--format", "json")
    assert gaps.returncode == 0, gaps.stderr
    assert json.loads(gaps.stdout) == json.loads(clean.stdout)
    table.loc[1, "archetype"] = "mid_scale"
    table.to_csv(tmp_path / "unknown.csv", index=False)
    unknown = run("summary", tmp_path / "unknown.csv", "--format", "json")
    assert unknown.returncode == 1, unknown.stderr  # some rows rejected
    assert json.loads(unknown.stdout)["rejected"] == 1

"""`riskscale plan`: one account's plan as JSON, CSV or iCalendar; every account's touchpoints in one CSV."""
import datetime as dt
import io
import json

import icalendar
import pandas as pd
import pytest

HEADER = "account_id,sensitive_data,org_disruption,physical_safety,legal_exposure,active_days,users"
ROWS = [
    "ACC-1,0.9,0.2,0.0,0.7,18,500",   # high scale, high risk
    "ACC-2,0.1,0.0,0.0,0.0,2,8",      # low scale, low risk
    "ACC-3,0.2,0.1,0.9,0.4,3,12",     # low scale, high risk
    "ACC-4,0.1,0.1,0.0,0.1,20,900",   # high scale, low risk
]


@pytest.fixture()
def accounts(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return path


@pytest.fixture()
def traits(tmp_path):
    path = tmp_path / "traits.json"
    path.write_text(json.dumps({"complex_product": 0.8, "diverse_users": 0.7}))
    return path


def test_one_account_as_json(run, accounts, traits):
    done = run("plan", accounts, "--id", "ACC-1", "--traits", traits, "--start", "2026-12-20")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["account_id"] == "ACC-1" and plan["archetype"] == "high_scale_high_risk"
    assert plan["length_days"] == 84 and plan["start"] == "2026-12-20" and plan["end"] == "2027-03-13"
    assert plan["role_tracks"] is True
    trained = {t["format"] for t in plan["touchpoints"] if t["kind"] == "training"}
    assert set(plan["training_materials"]["training_formats"]) <= trained


def test_one_account_as_ics_parses_with_icalendar(run, accounts, tmp_path):
    out = tmp_path / "plan.ics"
    done = run("plan", accounts, "--id", "ACC-3", "--start", "2027-12-30", "--format", "ics", "-o", out)
    assert done.returncode == 0, done.stderr
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert events
    assert all(e.decoded("DTSTART") >= dt.date(2027, 12, 30) for e in events)
    assert any(e.decoded("DTSTART").year == 2028 for e in events)  # crosses the year end
    assert any("Milestone" in str(e["SUMMARY"]) for e in events)


def test_all_accounts_in_one_csv_that_pandas_reads(run, accounts, tmp_path):
    out = tmp_path / "touchpoints.csv"
    done = run("plan", accounts, "--all", "--start", "2026-01-26", "-o", out)
    assert done.returncode == 0, done.stderr
    assert b"planned 4 accounts, rejected 0" in done.stderr
    frame = pd.read_csv(out, keep_default_na=False)
    assert list(frame.columns) == ["account_id", "day", "date", "stage", "channel", "kind", "title", "format",
                                   "audience", "detail", "archetype"]
    assert sorted(frame["account_id"].unique()) == ["ACC-1", "ACC-2", "ACC-3", "ACC-4"]
    assert set(frame["archetype"]) == {"high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk",
                                       "low_scale_low_risk"}
    dates = pd.to_datetime(frame["date"])
    assert ((dates - pd.Timestamp("2026-01-26")).dt.days == frame["day"]).all()


def test_trait_columns_override_the_traits_file_per_row(run, tmp_path, traits):
    path = tmp_path / "with_traits.csv"
    path.write_text(HEADER + ",complex_product\n" + ROWS[1] + ",0.1\n" + ROWS[1].replace("ACC-2", "ACC-5") + ",\n")
    one = json.loads(run("plan", path, "--id", "ACC-2", "--traits", traits, "--start", "2026-01-05").stdout)
    other = json.loads(run("plan", path, "--id", "ACC-5", "--traits", traits, "--start", "2026-01-05").stdout)
    assert one["complexity"] == "simple" and one["length_days"] == 5       # the row's 0.1
    assert other["complexity"] == "complex" and other["length_days"] == 28  # the file's 0.8


def test_bad_rows_go_to_rejects_and_the_rest_is_planned(run, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(HEADER + ",diverse_users\n" + ROWS[0] + ",0.5\n" + "ACC-X,0.5,0.2,0.1,0.1,40,10,0.5\n"
                    + ROWS[1] + ",1.7\n" + "ACC-Y,0.5,0.2\n" + ROWS[2] + ",\n")
    out = tmp_path / "plans.csv"
    done = run("plan", path, "--all", "--start", "2026-01-05", "-o", out)
    assert done.returncode == 1
    assert b"planned 2 accounts, rejected 3" in done.stderr
    rejects = pd.read_csv(tmp_path / "plans.rejects.csv", keep_default_na=False)
    assert rejects["line"].tolist() == [3, 4, 5]
    assert rejects["reason"].tolist() == ["invalid_value", "invalid_trait", "wrong_field_count"]
    assert rejects["column"].tolist() == ["active_days", "diverse_users", ""]
    assert "accepted" in rejects["message"][1]
    assert sorted(pd.read_csv(out)["account_id"].unique()) == ["ACC-1", "ACC-3"]


@pytest.mark.parametrize("args, message", [
    (["--id", "ACC-1", "--start", "2026-02-30"], b"month 2 of 2026 has 28 days"),
    (["--id", "ACC-1", "--start", "next monday"], b"accepted: YYYY-MM-DD"),
    (["--id", "NOPE"], b"no account with account_id 'NOPE'"),
    ([], b"--id ACCOUNT, or --all"),
    (["--all", "--format", "json"], b"accepted with --all: csv or ics"),
])
def test_usage_errors_exit_2_with_a_clear_message(run, accounts, args, message):
    done = run("plan", accounts, *args)
    assert done.returncode == 2
    assert message in done.stderr, done.stderr


@pytest.mark.parametrize("content, message", [
    ('{"complex_product": 2}', b"complex_product"),
    ('{"complexity": 0.5}', b"unknown product trait"),
    ("[1, 2]", b"accepted: an object"),
])
def test_bad_traits_files_are_refused(run, accounts, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = run("plan", accounts, "--id", "ACC-1", "--traits", path)
    assert done.returncode == 2
    assert message in done.stderr, done.stderr


def test_a_failing_run_leaves_no_output(run, accounts, tmp_path):
    out = tmp_path / "never.csv"
    done = run("plan", accounts, "--all", "--start", "2026-13-01", "-o", out)
    assert done.returncode == 2
    assert not out.exists()


def test_all_accounts_in_one_calendar(run, accounts, tmp_path):
    out = tmp_path / "plans.ics"
    done = run("plan", accounts, "--all", "--format", "ics", "--start", "2026-11-30", "-o", out)
    assert done.returncode == 0, done.stderr
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    accounts_with_events = {str(e["SUMMARY"]).split(":")[0] for e in events}
    assert accounts_with_events == {"ACC-1", "ACC-2", "ACC-3", "ACC-4"}  # every plan has milestones
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert len({e.decoded("DTSTAMP") for e in events}) == 1  # one creation time for the calendar


def test_all_gives_the_same_file_for_any_thread_count(run, tmp_path):
    path = tmp_path / "many.csv"
    rows = [f"ACC-{i},{(i % 10) / 10},{(i % 7) / 7},{(i % 3) / 9},{(i % 5) / 5},{i % 31},{(i * 37) % 5000}"
            for i in range(3000)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    outputs = []
    for threads in ("1", "2", "3"):
        out = tmp_path / f"plans_{threads}.csv"
        done = run("plan", path, "--all", "--start", "2026-01-05", "--threads", threads, "-o", out)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert pd.read_csv(tmp_path / "plans_1.csv")["account_id"].nunique() == 3000

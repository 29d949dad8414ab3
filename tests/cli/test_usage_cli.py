"""`riskscale usage` (SPEC §10): every conformance row, rejects, the counts line, streams, errors."""
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

COLUMNS = ["--account", "account", "--user", "user", "--time", "time"]
SUM_LINE = re.compile(r"^([\d,]+) events read = ([\d,]+) used \+ ([\d,]+) outside the window \+ ([\d,]+) invalid"
                      r"(?: \(see [^)]*\))?(?: \+ ([\d,]+) of accounts not in .*)?$")


def number(text):
    return int(text.replace(",", "")) if text else 0


def counts_line(done):
    """The last stderr line as (read, used, outside, invalid, not_in_accounts); it must add up."""
    last = done.stderr.decode().rstrip("\n").splitlines()[-1]
    match = SUM_LINE.match(last)
    assert match, last
    read, used, outside, invalid, others = (number(g) for g in match.groups())
    assert read == used + outside + invalid + others, last
    return read, used, outside, invalid, others


def table(path_or_bytes):
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return pd.read_csv(source, keep_default_na=False, dtype={"account_id": str, "last_event": str})


def assert_rows(actual, expected):
    assert list(actual.columns) == ["account_id", "active_users", "active_days", "events", "last_event"]
    assert list(actual["account_id"]) == list(expected["account_id"])
    for got, want in zip(actual.itertuples(), expected.itertuples()):
        assert got.active_users == want.active_users, got.account_id
        assert got.active_days == pytest.approx(want.active_days, abs=1e-12), got.account_id
        assert got.events == want.events, got.account_id
        assert got.last_event == want.last_event, got.account_id


@pytest.fixture(scope="module")
def usage_dir(conformance):
    return conformance / "usage"


@pytest.fixture(scope="module")
def expected_counts(usage_dir):
    return json.loads((usage_dir / "expected_counts.json").read_text())


def window_args(expected_counts):
    return ["--as-of", expected_counts["as_of"], "--window-days", str(expected_counts["window_days"])]


def test_conformance_expected_usage(run, usage_dir, expected_counts, tmp_path):
    out = tmp_path / "usage.csv"
    done = run("usage", usage_dir / "events.csv", "-o", out, *COLUMNS, *window_args(expected_counts))
    assert done.returncode == 1, done.stderr  # 4 invalid events went to the rejects file
    assert_rows(table(out), table(usage_dir / "expected_usage.csv"))
    read, used, outside, invalid, others = counts_line(done)
    assert (invalid, outside, others) == (expected_counts["invalid_events"], expected_counts["outside_window"], 0)
    assert read == len(pd.read_csv(usage_dir / "events.csv", dtype=str))
    rejects = pd.read_csv(tmp_path / "usage.rejects.csv", keep_default_na=False, dtype=str)
    assert list(rejects.columns) == ["line", "account_id", "column", "reason", "message", "record"]
    assert list(rejects["reason"]) == ["missing_value", "missing_value", "invalid_time", "invalid_time"]
    assert list(rejects["column"]) == ["user", "account", "time", "time"]
    assert [r.split(",")[-1] for r in rejects["record"]] == ["bad_empty_user", "bad_empty_account", "bad_date",
                                                             "bad_format"]
    events = (usage_dir / "events.csv").read_text().splitlines()
    for line, record in zip(rejects["line"], rejects["record"]):
        assert events[int(line) - 1] == record  # the line number points at the record
    assert "accepted:" in rejects["message"][2] and "2026-02-30" in rejects["message"][2]


def test_conformance_expected_usage_with_accounts(run, usage_dir, expected_counts, tmp_path):
    out = tmp_path / "usage.csv"
    done = run("usage", usage_dir / "events.csv", "-o", out, *COLUMNS, *window_args(expected_counts),
               "--accounts", usage_dir / "accounts.csv", "--threads", "2")
    assert done.returncode == 1, done.stderr
    assert_rows(table(out), table(usage_dir / "expected_usage_with_accounts.csv"))
    _, _, outside, invalid, others = counts_line(done)
    assert (invalid, outside, others) == (expected_counts["invalid_events"], expected_counts["outside_window"], 1)
    assert "ZZ_NOT_IN_ACCOUNTS" not in out.read_text()


def test_stdin_and_stdout(run, usage_dir, expected_counts, tmp_path):
    done = run("usage", "-", "-o", "-", *COLUMNS, *window_args(expected_counts),
               stdin=(usage_dir / "events.csv").read_bytes(), cwd=tmp_path)
    assert done.returncode == 1
    assert_rows(table(done.stdout), table(usage_dir / "expected_usage.csv"))
    # Beside stdout the rejects go to riskscale.rejects.csv in the working folder, as with classify.
    assert len((tmp_path / "riskscale.rejects.csv").read_text().splitlines()) == 1 + expected_counts["invalid_events"]


def test_as_of_defaults_to_the_latest_valid_event_date(run, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("account_id,user_id,timestamp\nA,u,2024-03-01\nA,u,2024-03-10T23:30:00-02:00\n"
                      "B,v,2024-02-01\nB,v,2199-12-32\n")
    done = run("usage", events, "-o", tmp_path / "u.csv")  # default columns: account_id, user_id, timestamp
    assert done.returncode == 1
    assert "window of 30 days to 2024-03-11 (the latest event date)" in done.stderr.decode()
    rows = table(tmp_path / "u.csv")
    assert list(rows["account_id"]) == ["A"]
    assert rows["active_days"][0] == 2.0 and rows["last_event"][0] == "2024-03-11"
    assert counts_line(done) == (4, 2, 1, 1, 0)


def test_ids_trimmed_duplicates_and_offsets(run, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text("account_id,user_id,timestamp\n"
                      " A ,u1,2024-03-05\nA,\tu1,2024-03-05T12:00:00Z\nA,u1,1709640000\n"    # one date, 3 events
                      "A,u2,2024-03-05T23:30:00-01:00\n"                                     # 2024-03-06 UTC
                      "B,u1,2024-03-06T00:30:00+01:00\n")                                    # 2024-03-05 UTC
    done = run("usage", events, "-o", tmp_path / "u.csv", "--as-of", "2024-03-06", "--window-days", "10")
    assert done.returncode == 0, done.stderr
    rows = table(tmp_path / "u.csv").set_index("account_id")
    assert rows.loc["A", "active_users"] == 2 and rows.loc["A", "events"] == 4
    assert rows.loc["A", "active_days"] == pytest.approx(3.0)  # 1 date each × 30/10
    assert rows.loc["A", "last_event"] == "2024-03-06"
    assert rows.loc["B", "last_event"] == "2024-03-05"


def test_header_only_and_empty_file(run, tmp_path):
    header = tmp_path / "h.csv"
    header.write_text("account_id,user_id,timestamp\n")
    done = run("usage", header, "-o", tmp_path / "u.csv")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "u.csv").read_text() == "account_id,active_users,active_days,events,last_event\n"
    assert counts_line(done) == (0, 0, 0, 0, 0)
    assert "no window" in done.stderr.decode()
    accounts = tmp_path / "a.csv"
    accounts.write_text("account_id,name\nX,x\nY,y\n")
    done = run("usage", header, "-o", tmp_path / "z.csv", "--accounts", accounts)
    assert done.returncode == 0
    assert (tmp_path / "z.csv").read_text().splitlines()[1:] == ["X,0,0,0,", "Y,0,0,0,"]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    done = run("usage", empty, "-o", tmp_path / "e.csv")
    assert done.returncode == 2 and b"is empty" in done.stderr
    assert not (tmp_path / "e.csv").exists()


def test_unreadable_records_are_rejected_not_dropped(run, tmp_path):
    events = tmp_path / "e.csv"
    events.write_text('account_id,user_id,timestamp\nA,u,2024-03-05\nA,u\nA,"u,2024-03-05\n')
    done = run("usage", events, "-o", tmp_path / "u.csv", "--as-of", "2024-03-05")
    assert done.returncode == 1
    rejects = pd.read_csv(tmp_path / "u.rejects.csv", keep_default_na=False, dtype=str)
    assert list(rejects["reason"]) == ["wrong_field_count", "malformed_csv"]
    assert list(rejects["line"]) == ["3", "4"]
    assert counts_line(done) == (3, 1, 0, 2, 0)


def test_errors_leave_no_output(run, tmp_path, usage_dir):
    out = tmp_path / "u.csv"
    cases = [
        (["--account", "acct"], b"no column 'acct' (--account)"),
        (["--as-of", "2026-02-30"], b"--as-of"),
        (["--as-of", "1800-01-01"], b"a date between 1900-01-01 and 2199-12-31"),
        (["--window-days", "0"], b"window-days"),
        (["--window-days", "367"], b"window-days"),
    ]
    for extra, message in cases:
        args = [*COLUMNS, *extra] if extra[0] != "--account" else ["--user", "user", "--time", "time", *extra]
        done = run("usage", usage_dir / "events.csv", "-o", out, *args)
        assert done.returncode == 2, (extra, done.stderr)
        assert message in done.stderr, done.stderr
        assert not out.exists()
    accounts = tmp_path / "dup.csv"
    accounts.write_text("account_id\nU00\nU01\n U00\n")
    done = run("usage", usage_dir / "events.csv", "-o", out, *COLUMNS, "--accounts", accounts)
    assert done.returncode == 2
    assert b"line 4" in done.stderr and b"first at row 0" in done.stderr
    assert not out.exists()


def test_threads_and_chunks_give_the_same_bytes(run, tmp_path):
    rng = random.Random(10)
    lines = ["account_id,user_id,timestamp"]
    forms = ["2024-{m:02d}-{d:02d}", "2024-{m:02d}-{d:02d}T{h:02d}:17:00Z", "2024-{m:02d}-{d:02d} {h:02d}:00:00+05:30",
             "2024-{m:02d}-{d:02d}T{h:02d}:59:59.5-07:00"]
    for _ in range(60000):
        m, d, h = rng.randint(1, 3), rng.randint(1, 28), rng.randint(0, 23)
        lines.append(f"ACC-{rng.randint(1, 300):04d},u{rng.randint(1, 4000)},"
                     f"{rng.choice(forms).format(m=m, d=d, h=h)}")
    events = tmp_path / "e.csv"
    events.write_text("\n".join(lines) + "\n")
    outputs = []
    for threads in ("1", "2", "3"):
        out = tmp_path / f"u{threads}.csv"
        done = run("usage", events, "-o", out, "--threads", threads, "--window-days", "28")
        assert done.returncode == 0, done.stderr
        assert counts_line(done)[0] == 60000
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    # Cross-check with pandas doing SPEC §10 itself.
    frame = pd.read_csv(events)
    frame["date"] = pd.to_datetime(frame["timestamp"], utc=True, format="mixed" if pd.__version__ >= "2" else None).dt.floor("D")
    as_of = frame["date"].max()
    inside = frame[(frame["date"] > as_of - pd.Timedelta(days=28)) & (frame["date"] <= as_of)]
    per_user = inside.groupby(["account_id", "user_id"])["date"].nunique()
    expected = per_user.groupby("account_id").mean() * 30 / 28
    got = table(outputs[0]).set_index("account_id")
    assert list(got.index) == sorted(expected.index)
    assert got["active_days"].to_numpy() == pytest.approx(expected.sort_index().to_numpy(), abs=1e-12)
    assert (got["active_users"] == per_user.groupby("account_id").size().sort_index()).all()


def test_sample_events_are_regenerated_byte_for_byte_and_all_valid(run, tmp_path):
    root = Path(__file__).resolve().parents[2] / "examples" / "data"
    subprocess.run([sys.executable, str(root / "generate_accounts.py"), "--output", str(tmp_path / "a.csv"),
                    "--events", str(tmp_path / "e.csv")], check=True, timeout=300)
    assert (tmp_path / "a.csv").read_bytes() == (root / "accounts.csv").read_bytes()
    assert (tmp_path / "e.csv").read_bytes() == (root / "events.csv").read_bytes()
    assert (root / "events.csv").stat().st_size < 25_000_000
    done = run("usage", root / "events.csv", "-o", tmp_path / "u.csv", "--as-of", "2026-11-27",
               "--accounts", root / "accounts.csv")
    assert done.returncode == 0, done.stderr
    read, used, outside, invalid, others = counts_line(done)
    assert read > 200_000 and invalid == 0 and others == 0 and outside > 0
    rows = table(tmp_path / "u.csv")
    assert len(rows) == 2400 and rows["active_days"].between(0, 30).all()
    times = pd.read_csv(root / "events.csv", dtype=str)["timestamp"]
    forms = {"date": r"^\d{4}-\d\d-\d\d$", "T": r"T\d\d:\d\d:\d\d$", "space": r" \d\d:\d\d:\d\d$",
             "Z": r"\.\d+Z$", "offset": r"[+-]\d\d:\d\d$", "epoch": r"^\d+$"}
    for name, pattern in forms.items():
        assert times.str.contains(pattern).any(), name

"""Tests of the `riskscale` command-line tool (src/cli/) as a user runs it.

Run with ``/usr/bin/python3 -m pytest tests/cli`` (or through CTest: ``cli.pytest``).
The conformance files are read from RISKSCALE_SHARED_DIR/conformance, never copied.
"""
import csv
import io
import json
import math
import os
import re
import signal
import subprocess
from pathlib import Path

import pandas as pd
import pytest

# SPEC §8, in order.
SPEC_COLUMNS = [
    "account_id", "risk_score", "scale_score", "frequency_score", "reach_score", "archetype",
    "margin", "borderline", "p_high_scale_high_risk", "p_high_scale_low_risk",
    "p_low_scale_high_risk", "p_low_scale_low_risk", "recommendations", "users_for_high_scale",
    "active_days_for_high_scale",
]
FLOAT_COLUMNS = [
    "risk_score", "scale_score", "frequency_score", "reach_score", "margin",
    "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk",
    "p_low_scale_low_risk",
]
# SPEC §1, in archetype order.
ARCHETYPES = ["high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk",
              "low_scale_low_risk"]
MEMBERSHIP_COLUMNS = ["p_" + a for a in ARCHETYPES]
# SPEC §5 affinity table (HSHR, HSLR, LSHR, LSLR), in catalogue order.
AFFINITY = {
    "knowledge_certification": (1.0, 0, 0, 0),
    "supervised_assessment": (0.9, 0, 0, 0),
    "on_demand_library": (0.8, 1.0, 0, 0),
    "virtual_ilt_advanced": (0.7, 0, 0, 0),
    "virtual_ilt_one_to_many": (0, 0.9, 0, 0),
    "in_product_walkthrough": (0, 0.8, 0, 0),
    "microlearning_video": (0, 0.7, 0, 0),
    "live_lab": (0, 0, 1.0, 0),
    "onsite_training": (0, 0, 0.9, 0),
    "practical_certification": (0, 0, 0.8, 0),
    "role_based_on_demand": (0, 0, 0, 1.0),
    "role_based_email_nurture": (0, 0, 0, 0.9),
}
# SPEC §3–§5 defaults of the parameters the comparison needs.
DEFAULT_PARAMETERS = {"risk_threshold": 0.5, "scale_threshold": 0.5, "borderline_band": 0.05,
                      "min_score": 0.25, "top_k": None}
TOLERANCE = 1e-9  # conformance README
INPUT_HEADER = ["account_id", "sensitive_data", "org_disruption", "physical_safety",
                "legal_exposure", "active_days", "users", "seats"]
REJECT_COLUMNS = ["line", "account_id", "column", "reason", "message", "record"]


# ---------------------------------------------------------------------------------------------
# helpers

def read_rows(path_or_bytes):
    """All records of a CSV file (or bytes) as dicts of strings, via the csv module."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        text = path_or_bytes.decode("utf-8")
    else:
        with open(path_or_bytes, encoding="utf-8", newline="") as f:
            text = f.read()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row)) for row in reader if row]


def write_csv(path, header, rows, *, newline="\n"):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)


def stderr_text(result):
    return result.stderr.decode("utf-8", "replace")


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def significant_digits(text):
    mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "")
    return len(mantissa.strip("0"))


def policy_parameters(policy_path=None):
    parameters = dict(DEFAULT_PARAMETERS)
    if policy_path is not None:
        document = json.loads(policy_path.read_text())
        parameters.update({key: document[key] for key in DEFAULT_PARAMETERS if key in document})
    return parameters


def format_scores(row):
    """SPEC §5 score of every format, from the row's membership columns."""
    membership = [float(row[c]) for c in MEMBERSHIP_COLUMNS]
    return {k: sum(m * a for m, a in zip(membership, affinity)) for k, affinity in AFFINITY.items()}


def split_ids(text):
    return text.split(";") if text else []


def assert_ranking_matches(ours, expected, scores, min_score, where):
    assert len(set(ours)) == len(ours), f"{where}: duplicate recommendation in {ours}"
    assert set(ours) <= set(AFFINITY), f"{where}: unknown format in {ours}"
    for a, b in zip(ours, ours[1:]):
        assert scores[a] >= scores[b] - TOLERANCE, f"{where}: {ours} is not sorted by score"
    common = min(len(ours), len(expected))
    for rank in range(common):
        # Formats whose scores differ by less than 1e-9 may swap (conformance README).
        assert abs(scores[ours[rank]] - scores[expected[rank]]) < TOLERANCE, (
            f"{where}: rank {rank + 1} is {ours[rank]}, expected {expected[rank]} ({ours} vs {expected})")
    for extra in ours[common:] + expected[common:]:
        # A list may only be longer by formats that sit on the min_score cut.
        assert abs(scores[extra] - min_score) < TOLERANCE, (
            f"{where}: recommendations {ours} vs expected {expected}")


def assert_optional_close(ours, expected, tolerance, where, may_differ_in_presence=False):
    if (ours == "") != (expected == ""):
        assert may_differ_in_presence, f"{where}: got '{ours}', expected '{expected}'"
        return
    if ours != "":
        assert abs(float(ours) - float(expected)) <= tolerance, f"{where}: {ours} vs {expected}"


def assert_conforms(output_path, expected_path, parameters):
    header, ours = read_rows(output_path)
    expected_header, expected = read_rows(expected_path)
    assert header == SPEC_COLUMNS
    assert expected_header == SPEC_COLUMNS
    assert [r["account_id"] for r in ours] == [r["account_id"] for r in expected]
    risk_threshold = parameters["risk_threshold"]
    scale_threshold = parameters["scale_threshold"]
    for mine, theirs in zip(ours, expected):
        where = f"{expected_path.name} {theirs['account_id']}"
        for column in FLOAT_COLUMNS:
            assert abs(float(mine[column]) - float(theirs[column])) <= TOLERANCE, (
                f"{where} {column}: {mine[column]} vs {theirs[column]}")
        risk, scale = float(theirs["risk_score"]), float(theirs["scale_score"])
        risk_on_threshold = abs(risk - risk_threshold) <= TOLERANCE
        scale_on_threshold = abs(scale - scale_threshold) <= TOLERANCE
        mine_scale, mine_risk = mine["archetype"].split("_scale_")
        their_scale, their_risk = theirs["archetype"].split("_scale_")
        assert mine["archetype"] in ARCHETYPES
        if not scale_on_threshold:
            assert mine_scale == their_scale, f"{where}: {mine['archetype']} vs {theirs['archetype']}"
        if not risk_on_threshold:
            assert mine_risk == their_risk, f"{where}: {mine['archetype']} vs {theirs['archetype']}"
        assert mine["borderline"] in ("true", "false"), f"{where}: borderline '{mine['borderline']}'"
        assert theirs["borderline"] in ("True", "False")
        if abs(float(theirs["margin"]) - parameters["borderline_band"]) > TOLERANCE:
            assert mine["borderline"] == theirs["borderline"].lower(), f"{where}: borderline"
        scores = format_scores(theirs)
        ranked = split_ids(mine["recommendations"])
        assert_ranking_matches(ranked, split_ids(theirs["recommendations"]), scores,
                               parameters["min_score"], where)
        if parameters["top_k"] is not None:
            assert len(ranked) <= parameters["top_k"]
        # Distances exist for low-scale accounts only; an account on the threshold may go either way.
        assert_optional_close(mine["users_for_high_scale"], theirs["users_for_high_scale"], 1.0,
                              f"{where} users_for_high_scale", scale_on_threshold)
        assert_optional_close(mine["active_days_for_high_scale"], theirs["active_days_for_high_scale"],
                              TOLERANCE, f"{where} active_days_for_high_scale", scale_on_threshold)
        # SPEC §8: floats in the shortest round-trip form.
        for column in FLOAT_COLUMNS + ["users_for_high_scale", "active_days_for_high_scale"]:
            if mine[column]:
                assert significant_digits(mine[column]) <= significant_digits(repr(float(mine[column]))), (
                    f"{where} {column}: '{mine[column]}' is not the shortest round-trip form")
        total = sum(float(mine[c]) for c in MEMBERSHIP_COLUMNS)
        assert abs(total - 1.0) <= 1e-12, f"{where}: membership sums to {total}"
    return ours


def count_records(path):
    _, rows = read_rows(path)
    return len(rows)


def valid_input_row(account_id, **values):
    row = {"account_id": account_id, "sensitive_data": "0.5", "org_disruption": "0.2",
           "physical_safety": "0", "legal_exposure": "0.4", "active_days": "10", "users": "999",
           "seats": "1000"}
    row.update(values)
    return [row[c] for c in INPUT_HEADER]


def hand_scores():
    """SPEC §3 scores of valid_input_row(), worked by hand."""
    risk = 1 - (1 - 0.8 * 0.5) * (1 - 0.5 * 0.2) * (1 - 1.0 * 0) * (1 - 0.9 * 0.4)  # 0.6544
    frequency = 10 / 20
    reach = math.log(1 + 999) / math.log(1 + 1000)
    scale = frequency ** 0.4 * reach ** 0.6
    return risk, scale, frequency, reach


# ---------------------------------------------------------------------------------------------
# conformance round trips

def test_conformance_default_policy(run, conformance, tmp_path):
    out = tmp_path / "classified.csv"
    result = run("classify", conformance / "accounts.csv", "-o", out)
    assert result.returncode == 0, stderr_text(result)
    rows = assert_conforms(out, conformance / "expected_default.csv", policy_parameters())
    assert len(rows) == 90
    assert "classified 90 accounts, rejected 0" in stderr_text(result)
    _, rejects = read_rows(tmp_path / "classified.rejects.csv")
    assert rejects == []


def test_conformance_custom_policy(run, conformance, tmp_path):
    out = tmp_path / "classified.csv"
    policy = conformance / "policy_custom.json"
    result = run("classify", conformance / "accounts_custom.csv", "-o", out, "--policy", policy)
    assert result.returncode == 0, stderr_text(result)
    rows = assert_conforms(out, conformance / "expected_custom.csv", policy_parameters(policy))
    assert len(rows) == 90
    assert max(len(split_ids(r["recommendations"])) for r in rows) == 3  # top_k 3 binds somewhere


def test_conformance_invalid_rows(run, conformance, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", conformance / "invalid.csv", "-o", out)
    assert result.returncode == 1, stderr_text(result)
    _, rows = read_rows(out)
    assert [r["account_id"] for r in rows] == ["OK1", "OK2"]
    header, rejects = read_rows(tmp_path / "out.rejects.csv")
    assert header == REJECT_COLUMNS
    got = {r["account_id"]: (r["line"], r["column"], r["reason"]) for r in rejects}
    assert got == {
        "BAD_RANGE": ("3", "sensitive_data", "above_range"),
        "BAD_NEG": ("4", "users", "below_range"),
        "BAD_DAYS": ("5", "active_days", "above_range"),
        "BAD_NAN": ("6", "org_disruption", "not_a_number"),
        "BAD_EMPTY": ("7", "physical_safety", "missing_value"),
        "BAD_TEXT": ("8", "legal_exposure", "not_a_number"),
    }
    source_lines = (conformance / "invalid.csv").read_text().splitlines()
    for reject in rejects:
        assert reject["record"] == source_lines[int(reject["line"]) - 1]
        assert reject["column"] in reject["message"]
        assert "accepted" in reject["message"]
    assert "rejected 6" in stderr_text(result)


# ---------------------------------------------------------------------------------------------
# rejects: every reason, with the right line numbers

REJECTS_INPUT = (
    b"account_id,name,sensitive_data,org_disruption,physical_safety,legal_exposure,active_days,users,seats\n"  # 1
    b'"R1","multi\nline\nname",0.1,0.2,0.3,0.4,10,100,120\n'   # 2-4 classified
    b"R2,x,0.1,0.2,0.3,0.4,10,100\n"                           # 5 wrong field count
    b"\n"                                                      # 6 blank
    b'R3,x"y,0.1,0.2,0.3,0.4,10,100,1\n'                       # 7 stray quote
    b"R4,x,,0.2,0.3,0.4,10,100,1\n"                            # 8 empty sensitive_data
    b"R5,x,0.1,abc,0.3,0.4,10,100,1\n"                         # 9 text org_disruption
    b"R6,x,0.1,0.2,NaN,0.4,10,100,1\n"                         # 10 NaN physical_safety
    b"R7,x,0.1,0.2,0.3,inf,10,100,1\n"                         # 11 infinite legal_exposure
    b"R8,x,0.1,0.2,0.3,0.4,-0.5,100,1\n"                       # 12 below active_days
    b"R9,x,0.1,0.2,0.3,0.4,10,2e9,1\n"                         # 13 above users
    b'"R10","two\r\nlines",0.1,0.2,0.3,0.4,10,100,1\n'         # 14-15 classified
    b"R11,x,0.1,0.2,0.3,0.4,10,-inf,1\n"                       # 16 infinite users
    b"R12,x,0.1,0.2,0.3,0.4,10,  ,1\n"                         # 17 blank users
    b"R13,x,1.0000001,0.2,0.3,0.4,10,100,1\n"                  # 18 above sensitive_data
    b"R14,x,0.1,0.2,0.3,0.4,10,100,1,extra\n"                  # 19 wrong field count (too many)
    b"R15,x,0.1,0.2,0.3,0.4,10,100,1\n"                        # 20 classified
    b'R16,"open,0.1,0.2,0.3,0.4,10,100,1\n'                    # 21 unterminated quote, to EOF
    b"R17,x,0.1,0.2,0.3,0.4,10,100,1\n"
)
EXPECTED_REJECTS = [
    ("5", "R2", "", "wrong_field_count"),
    ("7", "R3", "", "malformed_csv"),
    ("8", "R4", "sensitive_data", "missing_value"),
    ("9", "R5", "org_disruption", "not_a_number"),
    ("10", "R6", "physical_safety", "not_a_number"),
    ("11", "R7", "legal_exposure", "infinite"),
    ("12", "R8", "active_days", "below_range"),
    ("13", "R9", "users", "above_range"),
    ("16", "R11", "users", "infinite"),
    ("17", "R12", "users", "missing_value"),
    ("18", "R13", "sensitive_data", "above_range"),
    ("19", "R14", "", "wrong_field_count"),
    ("21", "R16", "", "malformed_csv"),
]


def test_every_reject_reason_with_line_numbers(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(REJECTS_INPUT)
    result = run("classify", source, "-o", tmp_path / "out.csv", "--keep", "name")
    assert result.returncode == 1, stderr_text(result)
    _, rows = read_rows(tmp_path / "out.csv")
    assert [(r["account_id"], r["name"]) for r in rows] == [
        ("R1", "multi\nline\nname"), ("R10", "two\r\nlines"), ("R15", "x")]
    header, rejects = read_rows(tmp_path / "out.rejects.csv")
    assert header == REJECT_COLUMNS
    assert [(r["line"], r["account_id"], r["column"], r["reason"]) for r in rejects] == EXPECTED_REJECTS
    by_id = {r["account_id"]: r for r in rejects}
    # The record column holds the original text, byte for byte.
    assert by_id["R3"]["record"] == 'R3,x"y,0.1,0.2,0.3,0.4,10,100,1'
    assert by_id["R16"]["record"] == 'R16,"open,0.1,0.2,0.3,0.4,10,100,1\nR17,x,0.1,0.2,0.3,0.4,10,100,1'
    assert "expected 9 fields" in by_id["R2"]["message"] and "found 8" in by_id["R2"]["message"]
    assert "found 10" in by_id["R14"]["message"]
    assert "'abc'" in by_id["R5"]["message"]
    assert "2e+09" in by_id["R9"]["message"] or "2000000000" in by_id["R9"]["message"]
    for reject in rejects:
        if reject["column"]:
            assert reject["message"].startswith(reject["column"]), reject
    assert "classified 3 accounts, rejected 13" in stderr_text(result)


def test_rejects_path_option_and_reading_back_with_pandas(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(REJECTS_INPUT)
    rejects_path = tmp_path / "bad rows.csv"
    result = run("classify", source, "-o", tmp_path / "out.csv", "--rejects", rejects_path)
    assert result.returncode == 1
    assert not (tmp_path / "out.rejects.csv").exists()
    frame = pd.read_csv(rejects_path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == REJECT_COLUMNS
    assert frame["line"].tolist() == [e[0] for e in EXPECTED_REJECTS]
    assert frame["reason"].tolist() == [e[3] for e in EXPECTED_REJECTS]


# ---------------------------------------------------------------------------------------------
# quoting and input framing

AWKWARD_IDS = ["plain", "comma,id", 'quote"id"', "multi\nline", "crlf\r\ninside", " padded ",
               "ünïcødé—id", '""', "semi;colon", "tab\tid"]


def test_awkward_ids_and_kept_columns_survive(run, tmp_path):
    notes = [f"note {i}, with \"quotes\"\nand a newline" if i % 2 else f"n{i}"
             for i in range(len(AWKWARD_IDS))]
    header = INPUT_HEADER[:1] + ["note"] + INPUT_HEADER[1:]
    rows = [[i, n] + valid_input_row(i)[1:] for i, n in zip(AWKWARD_IDS, notes)]
    source = tmp_path / "in.csv"
    write_csv(source, header, rows)
    out = tmp_path / "out.csv"
    result = run("classify", source, "-o", out, "--keep", "note")
    assert result.returncode == 0, stderr_text(result)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["note"] + SPEC_COLUMNS
    assert frame["account_id"].tolist() == AWKWARD_IDS
    assert frame["note"].tolist() == notes
    risk, scale, frequency, reach = hand_scores()
    for column, value in [("risk_score", risk), ("scale_score", scale),
                          ("frequency_score", frequency), ("reach_score", reach)]:
        assert all(abs(float(v) - value) <= 1e-12 for v in frame[column]), column
    assert set(frame["archetype"]) == {"high_scale_high_risk"}
    # The csv module reads the same values back.
    _, again = read_rows(out)
    assert [r["account_id"] for r in again] == AWKWARD_IDS


def test_empty_account_id_is_kept_as_a_row(run, tmp_path):
    source = tmp_path / "in.csv"
    write_csv(source, INPUT_HEADER, [valid_input_row(""), valid_input_row("B")])
    out = tmp_path / "out.csv"
    result = run("classify", source, "-o", out)
    assert result.returncode == 0, stderr_text(result)
    _, rows = read_rows(out)
    assert [r["account_id"] for r in rows] == ["", "B"]
    assert rows[0]["risk_score"] == rows[1]["risk_score"]


@pytest.mark.parametrize("variant", ["crlf", "bom", "blank_lines", "no_final_newline", "all"])
def test_input_framing_gives_identical_output(run, conformance, tmp_path, variant):
    text = (conformance / "accounts.csv").read_bytes().replace(b"\r\n", b"\n")
    baseline = tmp_path / "baseline.csv"
    assert run("classify", conformance / "accounts.csv", "-o", baseline).returncode == 0
    lines = text.rstrip(b"\n").split(b"\n")
    terminator = b"\r\n" if variant in ("crlf", "all") else b"\n"
    if variant in ("blank_lines", "all"):
        lines = lines[:5] + [b""] + lines[5:40] + [b"", b""] + lines[40:] + [b""]
    body = terminator.join(lines)
    if variant not in ("no_final_newline", "all"):
        body += terminator
    if variant in ("bom", "all"):
        body = b"\xef\xbb\xbf" + body
    source = tmp_path / "variant.csv"
    source.write_bytes(body)
    out = tmp_path / "variant_out.csv"
    result = run("classify", source, "-o", out)
    assert result.returncode == 0, stderr_text(result)
    assert out.read_bytes() == baseline.read_bytes()
    assert b"\r" not in out.read_bytes()


def test_bom_does_not_reach_the_first_column_name(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"\xef\xbb\xbf" + ",".join(INPUT_HEADER).encode() + b"\n"
                       + ",".join(valid_input_row("X1")).encode() + b"\n")
    out = tmp_path / "out.csv"
    result = run("classify", source, "-o", out, "--keep-all")
    assert result.returncode == 0, stderr_text(result)
    assert out.read_bytes().startswith(b"sensitive_data,")
    _, rows = read_rows(out)
    assert rows[0]["account_id"] == "X1"


def test_blank_lines_count_in_reject_line_numbers(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes((",".join(INPUT_HEADER) + "\r\n\r\n\r\n" + ",".join(valid_input_row("A")) + "\r\n\r\n"
                        + ",".join(valid_input_row("B", users="-1"))).encode())
    result = run("classify", source, "-o", tmp_path / "out.csv")
    assert result.returncode == 1
    _, rejects = read_rows(tmp_path / "out.rejects.csv")
    assert [(r["line"], r["account_id"], r["reason"]) for r in rejects] == [("6", "B", "below_range")]


# ---------------------------------------------------------------------------------------------
# stdin and stdout

def test_stdin_and_stdout(run, conformance, tmp_path):
    file_out = tmp_path / "file.csv"
    assert run("classify", conformance / "accounts.csv", "-o", file_out).returncode == 0
    result = run("classify", "-", "-o", "-", stdin=(conformance / "accounts.csv").read_bytes(), cwd=tmp_path)
    assert result.returncode == 0, stderr_text(result)
    assert result.stdout == file_out.read_bytes()
    assert b"classified 90 accounts" in result.stderr
    assert listing(tmp_path) == ["file.csv", "file.rejects.csv"]  # nothing beside stdout when all rows pass


def test_stdout_with_rejects_writes_default_rejects_file(run, conformance, tmp_path):
    result = run("classify", conformance / "invalid.csv", "-o", "-", cwd=tmp_path)
    assert result.returncode == 1
    _, rows = read_rows(result.stdout)
    assert [r["account_id"] for r in rows] == ["OK1", "OK2"]
    assert listing(tmp_path) == ["riskscale.rejects.csv"]
    _, rejects = read_rows(tmp_path / "riskscale.rejects.csv")
    assert len(rejects) == 6


def test_stdin_to_file_with_policy(run, conformance, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", "-", "-o", out, "--policy", conformance / "policy_custom.json",
                 stdin=(conformance / "accounts_custom.csv").read_bytes())
    assert result.returncode == 0, stderr_text(result)
    assert_conforms(out, conformance / "expected_custom.csv",
                    policy_parameters(conformance / "policy_custom.json"))


# ---------------------------------------------------------------------------------------------
# pass-through columns

def test_keep_columns_come_first_in_the_order_asked(run, portfolio_50k, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", portfolio_50k, "-o", out, "--keep", "region,industry")
    assert result.returncode == 1  # the generated file has 40 invalid rows
    _, source_rows = read_rows(portfolio_50k)
    header, rows = read_rows(out)
    assert header == ["region", "industry"] + SPEC_COLUMNS
    source_by_id = {r["account_id"]: r for r in source_rows}
    for row in rows[:2000]:
        assert row["region"] == source_by_id[row["account_id"]]["region"]
        assert row["industry"] == source_by_id[row["account_id"]]["industry"]


def test_keep_all_passes_every_column(run, portfolio_50k, tmp_path):
    out = tmp_path / "out.csv"
    assert run("classify", portfolio_50k, "-o", out, "--keep-all").returncode == 1
    source_header, source_rows = read_rows(portfolio_50k)
    header, rows = read_rows(out)
    kept = [c for c in source_header if c != "account_id"]
    assert header == kept + SPEC_COLUMNS
    source_by_id = {r["account_id"]: r for r in source_rows}
    for row in rows[::97]:
        for column in kept:
            assert row[column] == source_by_id[row["account_id"]][column], column
    # Names with commas and quotes (the generator writes some) survive.
    assert any("," in row["account_name"] for row in rows)
    assert any('"' in row["account_name"] for row in rows)


def test_keep_account_id_is_not_duplicated(run, conformance, tmp_path):
    out = tmp_path / "out.csv"
    assert run("classify", conformance / "accounts.csv", "-o", out, "--keep", "users,account_id").returncode == 0
    header, rows = read_rows(out)
    assert header == ["users"] + SPEC_COLUMNS
    assert rows[1]["users"] == "1000.0"


def test_keep_unknown_column_and_keep_with_keep_all_are_usage_errors(run, conformance, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", conformance / "accounts.csv", "-o", out, "--keep", "region")
    assert result.returncode == 2
    assert "region" in stderr_text(result)
    result = run("classify", conformance / "accounts.csv", "-o", out, "--keep", "users", "--keep-all")
    assert result.returncode == 2
    assert listing(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# threads, counts

def test_threads_one_and_two_give_identical_bytes(run, portfolio_50k, tmp_path):
    outputs = {}
    for threads in (1, 2):
        out = tmp_path / f"out{threads}.csv"
        result = run("classify", portfolio_50k, "-o", out, "--keep-all", "--threads", threads)
        assert result.returncode == 1, stderr_text(result)
        outputs[threads] = (out.read_bytes(), (tmp_path / f"out{threads}.rejects.csv").read_bytes())
    assert outputs[1][0] == outputs[2][0]
    assert outputs[1][1] == outputs[2][1]
    assert outputs[1][0].count(b"\n") > 49000


def test_input_rows_equal_output_plus_rejects(run, portfolio_50k, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", portfolio_50k, "-o", out)
    assert result.returncode == 1
    inputs = count_records(portfolio_50k)
    outputs = count_records(out)
    rejects = count_records(tmp_path / "out.rejects.csv")
    assert inputs == 50000
    assert rejects == 40
    assert outputs + rejects == inputs
    assert "classified 49,960 accounts, rejected 40" in stderr_text(result)
    # The output keeps input order.
    _, source_rows = read_rows(portfolio_50k)
    _, rows = read_rows(out)
    _, rejected = read_rows(tmp_path / "out.rejects.csv")
    rejected_ids = {r["account_id"] for r in rejected}
    assert [r["account_id"] for r in rows] == [r["account_id"] for r in source_rows
                                               if r["account_id"] not in rejected_ids]


def test_rows_are_conserved_on_awkward_input(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(REJECTS_INPUT)
    assert run("classify", source, "-o", tmp_path / "out.csv").returncode == 1
    # 16 records, R1 to R16 (R17 is swallowed by R16's unterminated quote, as RFC 4180 says).
    assert count_records(tmp_path / "out.csv") + count_records(tmp_path / "out.rejects.csv") == 16


# ---------------------------------------------------------------------------------------------
# exit statuses and usage

@pytest.mark.parametrize("args", [
    [],
    ["classify"],
    ["classify", "in.csv"],
    ["classify", "in.csv", "-o", "out.csv", "--threads", "0"],
    ["classify", "in.csv", "-o", "out.csv", "--bogus"],
    ["summary", "in.csv", "--format", "yaml"],
    ["explain", "in.csv"],
    ["policy"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(run, conformance, tmp_path, args):
    (tmp_path / "in.csv").write_bytes((conformance / "accounts.csv").read_bytes())
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert stderr_text(result).strip() != ""
    assert listing(tmp_path) == ["in.csv"]


def test_exit_statuses_0_and_1(run, conformance, tmp_path):
    assert run("classify", conformance / "accounts.csv", "-o", tmp_path / "a.csv").returncode == 0
    assert run("classify", conformance / "invalid.csv", "-o", tmp_path / "b.csv").returncode == 1


# ---------------------------------------------------------------------------------------------
# atomicity: a failing run leaves nothing behind and touches nothing

def _failure_cases(conformance, folder):
    missing_column = folder / "missing_column.csv"
    missing_column.write_text("account_id,sensitive_data,org_disruption,physical_safety,active_days,users\n"
                              "A,0.1,0.1,0.1,3,4\n")
    bad_policy = folder / "bad_policy.json"
    bad_policy.write_text('{"version": 1, "temperature": 0}')
    duplicate_column = folder / "duplicate.csv"
    duplicate_column.write_text(",".join(INPUT_HEADER + ["users"]) + "\n")
    empty = folder / "empty.csv"
    empty.write_text("")
    return {
        "missing_column": [missing_column],
        "duplicate_column": [duplicate_column],
        "empty_input": [empty],
        "bad_policy": [conformance / "accounts.csv", "--policy", bad_policy],
        "missing_policy": [conformance / "accounts.csv", "--policy", folder / "nope.json"],
        "unreadable_input": [folder / "does_not_exist.csv"],
        "input_is_a_directory": [folder],
        "rejects_folder_missing": [conformance / "invalid.csv", "--rejects", folder / "no" / "r.csv"],
        "custom_factor_missing": [conformance / "accounts.csv", "--policy", conformance / "policy_custom.json"],
    }


FAILURES = ["missing_column", "duplicate_column", "empty_input", "bad_policy", "missing_policy",
            "unreadable_input", "input_is_a_directory", "rejects_folder_missing", "custom_factor_missing"]


@pytest.mark.parametrize("case", FAILURES)
def test_failing_run_leaves_no_file(run, conformance, tmp_path, case):
    args = _failure_cases(conformance, tmp_path)[case]
    before = listing(tmp_path)
    result = run("classify", *args, "-o", tmp_path / "out.csv", cwd=tmp_path)
    assert result.returncode == 2, stderr_text(result)
    assert stderr_text(result).startswith("riskscale: error: ")
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", FAILURES)
def test_failing_run_leaves_existing_output_untouched(run, conformance, tmp_path, case):
    args = _failure_cases(conformance, tmp_path)[case]
    out = tmp_path / "out.csv"
    out.write_bytes(b"previous output\n")
    (tmp_path / "out.rejects.csv").write_bytes(b"previous rejects\n")
    os.utime(out, (1_000_000_000, 1_000_000_000))
    before = listing(tmp_path)
    result = run("classify", *args, "-o", out, cwd=tmp_path)
    assert result.returncode == 2
    assert out.read_bytes() == b"previous output\n"
    assert os.stat(out).st_mtime == 1_000_000_000
    assert (tmp_path / "out.rejects.csv").read_bytes() == b"previous rejects\n"
    assert listing(tmp_path) == before


def test_output_folder_missing(run, conformance, tmp_path):
    result = run("classify", conformance / "accounts.csv", "-o", tmp_path / "no" / "out.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert "no/out.csv" in stderr_text(result)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("output, rejects", [("out.csv", "out.csv"), ("out.csv", "./out.csv"),
                                             ("sub/../out.csv", "out.csv"), ("-", "-")])
def test_rejects_path_equal_to_output_path_is_refused(run, conformance, tmp_path, output, rejects):
    (tmp_path / "sub").mkdir()
    result = run("classify", conformance / "invalid.csv", "-o", output, "--rejects", rejects, cwd=tmp_path)
    assert result.returncode == 2
    assert "--rejects" in stderr_text(result)
    assert result.stdout == b""
    assert listing(tmp_path) == ["sub"]


def test_successful_run_replaces_output_and_leaves_no_temp(run, conformance, tmp_path):
    out = tmp_path / "out.csv"
    out.write_bytes(b"stale\n")
    assert run("classify", conformance / "accounts.csv", "-o", out, cwd=tmp_path).returncode == 0
    assert out.read_bytes().startswith(b"account_id,risk_score,")
    assert listing(tmp_path) == ["out.csv", "out.rejects.csv"]


def test_closed_stdout_leaves_no_temp_file(cli, portfolio_50k, tmp_path):
    # `riskscale classify big.csv -o - | head -1`: the reader goes away early.
    process = subprocess.Popen([str(cli), "classify", str(portfolio_50k), "-o", "-", "--keep-all"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"account_name,")
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert process.returncode == 141, stderr  # quietly, as coreutils: 128 + SIGPIPE
    assert stderr == b""
    assert listing(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# summary

def summary_from_output(path):
    """Counts a classify output by hand: archetypes, borderline, format and first-choice counts."""
    _, rows = read_rows(path)
    archetypes = {a: 0 for a in ARCHETYPES}
    formats, first = {}, {}
    for row in rows:
        archetypes[row["archetype"]] += 1
        ranked = split_ids(row["recommendations"])
        for k in ranked:
            formats[k] = formats.get(k, 0) + 1
        if ranked:
            first[ranked[0]] = first.get(ranked[0], 0) + 1
    return {
        "accounts": len(rows), "archetypes": archetypes,
        "borderline": sum(r["borderline"] == "true" for r in rows),
        "formats": formats, "first": first,
        "mean_risk": sum(float(r["risk_score"]) for r in rows) / len(rows),
        "mean_scale": sum(float(r["scale_score"]) for r in rows) / len(rows),
    }


def number(text):
    return int(text.replace(",", ""))


def parse_text_summary(text, markdown):
    head = re.search(r"^([\d,]+) accounts classified, ([\d,]+) rejected$", text, re.M)
    archetypes = {}
    for a in ARCHETYPES:
        pattern = rf"^\| {a} \| ([\d,]+) \|" if markdown else rf"^{a}\s+([\d,]+)\s"
        archetypes[a] = number(re.search(pattern, text, re.M).group(1))
    borderline = re.search(r"^borderline \(margin < [\d.]+\): ([\d,]+) accounts", text, re.M)
    formats = {}
    for k in AFFINITY:
        pattern = rf"^\| {k} \| ([\d,]+) \| [\d.]+% \| ([\d,]+) \|$" if markdown else \
            rf"^  {k}\s+([\d,]+)\s+[\d.]+%\s+([\d,]+)$"
        match = re.search(pattern, text, re.M)
        if match:
            formats[k] = (number(match.group(1)), number(match.group(2)))
    return {"accounts": number(head.group(1)), "rejected": number(head.group(2)),
            "archetypes": archetypes, "borderline": number(borderline.group(1)), "formats": formats}


def parse_json_summary(text):
    document = json.loads(text)
    return document, {
        "accounts": document["accounts"], "rejected": document["rejected"],
        "archetypes": {a: document["archetypes"][a]["accounts"] for a in ARCHETYPES},
        "borderline": document["borderline"],
        "formats": {f["format"]: (f["accounts"], f["first_choice"]) for f in document["recommended_formats"]},
    }


@pytest.mark.parametrize("source_name", ["conformance", "generated"])
def test_summary_raw_and_classified_agree_in_every_format(run, conformance, portfolio_50k, tmp_path,
                                                          source_name):
    source = conformance / "accounts.csv" if source_name == "conformance" else portfolio_50k
    rejected = 0 if source_name == "conformance" else 40
    classified = tmp_path / "classified.csv"
    assert run("classify", source, "-o", classified, "--keep-all").returncode == (1 if rejected else 0)
    truth = summary_from_output(classified)
    parsed = {}
    for input_kind, path in [("raw", source), ("classified", classified)]:
        for fmt in ("text", "json", "markdown"):
            result = run("summary", path, "--format", fmt)
            expected_status = 1 if (input_kind == "raw" and rejected) else 0
            assert result.returncode == expected_status, stderr_text(result)
            text = result.stdout.decode()
            if fmt == "json":
                document, parsed[input_kind, fmt] = parse_json_summary(text)
                assert abs(document["mean_scores"]["risk_score"] - truth["mean_risk"]) <= 1e-9
                assert abs(document["mean_scores"]["scale_score"] - truth["mean_scale"]) <= 1e-9
                shares = [document["archetypes"][a]["share"] for a in ARCHETYPES]
                assert abs(sum(shares) - 1.0) <= 1e-12
            else:
                assert text.startswith("# Portfolio summary") == (fmt == "markdown")
                parsed[input_kind, fmt] = parse_text_summary(text, fmt == "markdown")
    for key, counts in parsed.items():
        assert counts["accounts"] == truth["accounts"], key
        assert counts["archetypes"] == truth["archetypes"], key
        assert counts["borderline"] == truth["borderline"], key
        assert counts["rejected"] == (rejected if key[0] == "raw" else 0), key
        assert counts["formats"], key
        for k, (accounts, first_choice) in counts["formats"].items():
            assert accounts == truth["formats"].get(k, 0), (key, k)
            assert first_choice == truth["first"].get(k, 0), (key, k)
    assert parsed["raw", "json"]["formats"] == parsed["classified", "json"]["formats"]


def test_summary_counts_of_the_conformance_file(run, conformance):
    # Hand-checkable against expected_default.csv.
    _, expected = read_rows(conformance / "expected_default.csv")
    result = run("summary", conformance / "accounts.csv", "--format", "json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["accounts"] == 90
    for a in ARCHETYPES:
        assert document["archetypes"][a]["accounts"] == sum(r["archetype"] == a for r in expected), a
    assert document["borderline"] == sum(r["borderline"] == "True" for r in expected)


def test_summary_with_custom_policy_and_threads(run, conformance):
    policy = conformance / "policy_custom.json"
    one = run("summary", conformance / "accounts_custom.csv", "--policy", policy, "--format", "json",
              "--threads", "1")
    two = run("summary", conformance / "accounts_custom.csv", "--policy", policy, "--format", "json",
              "--threads", "2")
    assert one.returncode == two.returncode == 0
    assert json.loads(one.stdout) == json.loads(two.stdout)
    _, expected = read_rows(conformance / "expected_custom.csv")
    document = json.loads(one.stdout)
    for a in ARCHETYPES:
        assert document["archetypes"][a]["accounts"] == sum(r["archetype"] == a for r in expected), a


def test_summary_of_invalid_file(run, conformance):
    result = run("summary", conformance / "invalid.csv", "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert (document["accounts"], document["rejected"]) == (2, 6)


# ---------------------------------------------------------------------------------------------
# explain

def test_explain_matches_the_conformance_archetypes(run, conformance):
    _, expected = read_rows(conformance / "expected_default.csv")
    chosen = {}
    for row in expected:
        if row["borderline"] == "False":
            chosen.setdefault(row["archetype"], row)
    assert len(chosen) == 4
    for archetype, row in chosen.items():
        result = run("explain", conformance / "accounts.csv", "--id", row["account_id"])
        assert result.returncode == 0, stderr_text(result)
        text = result.stdout.decode()
        assert text.startswith(f"{row['account_id']}: {archetype} ")
        first = split_ids(row["recommendations"])[0]
        assert re.search(rf"^\s+1\. {first} \(", text, re.M), text


def test_explain_distance_to_high_scale(run, conformance):
    result = run("explain", conformance / "accounts.csv", "--id", "E0003")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert text.startswith("E0003: low_scale_low_risk")
    # expected_default.csv: active_days_for_high_scale 3.5355339059327378, reach 1.
    assert "3.5 active days" in text
    assert "reach 1.000" in text


def test_explain_reads_stdin_and_custom_policy(run, conformance):
    _, expected = read_rows(conformance / "expected_custom.csv")
    row = next(r for r in expected if r["account_id"].startswith("A") and r["borderline"] == "False")
    result = run("explain", "-", "--id", row["account_id"], "--policy", conformance / "policy_custom.json",
                 stdin=(conformance / "accounts_custom.csv").read_bytes())
    assert result.returncode == 0, stderr_text(result)
    assert result.stdout.decode().startswith(f"{row['account_id']}: {row['archetype']} ")


@pytest.mark.parametrize("account_id, fragments", [
    ("BAD_TEXT", ["line 8", "legal_exposure"]),
    ("BAD_RANGE", ["line 3", "sensitive_data", "1.2"]),
    ("BAD_NEG", ["line 4", "users"]),
    ("NO_SUCH_ID", ["NO_SUCH_ID"]),
])
def test_explain_errors(run, conformance, account_id, fragments):
    result = run("explain", conformance / "invalid.csv", "--id", account_id)
    assert result.returncode == 2
    assert result.stdout == b""
    for fragment in fragments:
        assert fragment in stderr_text(result)


# ---------------------------------------------------------------------------------------------
# policy

def test_policy_default_validates_and_reproduces_the_defaults(run, conformance, tmp_path):
    result = run("policy", "default")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["risk_weights"] == {"sensitive_data": 0.8, "org_disruption": 0.5,
                                        "physical_safety": 1.0, "legal_exposure": 0.9}
    assert [f["id"] for f in document["catalog"]] == list(AFFINITY)
    for entry in document["catalog"]:
        affinity = [entry["affinity"].get(a, 0) for a in ARCHETYPES]
        assert tuple(affinity) == AFFINITY[entry["id"]]
    dump = tmp_path / "default.json"
    dump.write_bytes(result.stdout)
    validated = run("policy", "validate", dump)
    assert validated.returncode == 0
    assert b"valid policy" in validated.stdout and b"4 risk factors, 12 training formats" in validated.stdout
    shown = run("policy", "show", dump)
    assert shown.returncode == 0 and json.loads(shown.stdout) == document
    # SPEC §7: dumping the default policy and loading the dump gives the same results.
    assert run("classify", conformance / "accounts.csv", "-o", tmp_path / "a.csv").returncode == 0
    assert run("classify", conformance / "accounts.csv", "-o", tmp_path / "b.csv", "--policy", dump).returncode == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_policy_show_fills_in_defaults(run, conformance, tmp_path):
    policy = conformance / "policy_custom.json"
    result = run("policy", "show", policy)
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["risk_weights"] == {"sensitive_data": 0.6, "legal_exposure": 1.0, "export_control": 0.7}
    assert document["top_k"] == 3 and document["risk_threshold"] == 0.4
    assert len(document["catalog"]) == 12  # not in the file: the default catalogue
    shown = tmp_path / "shown.json"
    shown.write_bytes(result.stdout)
    validated = run("policy", "validate", policy)
    assert validated.returncode == 0 and b"3 risk factors" in validated.stdout
    for path, name in [(policy, "a.csv"), (shown, "b.csv")]:
        assert run("classify", conformance / "accounts_custom.csv", "-o", tmp_path / name,
                   "--policy", path).returncode == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


BAD_POLICIES = [
    ('{"version": 2}', "$.version", "version 1"),
    ('{"version": 1, "risk_threshold": 1.5}', "$.risk_threshold", "1.5"),
    ('{"version": 1, "temperature": 0}', "$.temperature", "0"),
    ('{"version": 1, "colour": "red"}', "$.colour", "unknown key"),
    ('{"version": 1, "scale_weights": {"frequency": 0, "reach": 0}}', "$.scale_weights", "positive sum"),
    ('{"version": 1, "risk_weights": {"sensitive_data": "high"}}', "$.risk_weights.sensitive_data", '"high"'),
    ('{"version": 1, "risk_weights": {"users": 0.5}}', "$.risk_weights.users", "users"),
    ('{"version": 1, "top_k": 2.5}', "$.top_k", "2.5"),
    ('{"version": 1, "catalog": [{"id": "a", "affinity": {"high_scale_high_risk": 2}}]}',
     "$.catalog[0].affinity.high_scale_high_risk", "2"),
    ('{"version": 1, "catalog": [{"id": "a"}, {"id": "a"}]}', "$.catalog[1].id", "duplicate"),
    ('{"version": 1, "catalog": [{"id": "a", "affinity": {"mid": 1}}]}', "$.catalog[0].affinity.mid",
     "unknown archetype"),
    ('{"version": 1, "risk_threshold": 0.5,}', "$", "not valid JSON"),
    ('[1, 2]', "$", "JSON object"),
]


@pytest.mark.parametrize("text, json_path, fragment", BAD_POLICIES)
def test_bad_policy_names_its_json_path(run, conformance, tmp_path, text, json_path, fragment):
    policy = tmp_path / "bad.json"
    policy.write_text(text)
    for command in (["policy", "validate", policy], ["policy", "show", policy],
                    ["classify", conformance / "accounts.csv", "-o", tmp_path / "out.csv", "--policy", policy],
                    ["summary", conformance / "accounts.csv", "--policy", policy],
                    ["explain", conformance / "accounts.csv", "--id", "E0003", "--policy", policy]):
        result = run(*command)
        assert result.returncode == 2, command
        message = stderr_text(result)
        assert f"invalid policy at {json_path}:" in message, message
        assert fragment in message, message
        assert "bad.json" in message, message
        assert result.stdout == b""
    assert listing(tmp_path) == ["bad.json"]


def test_number_overflow_in_policy_is_a_policy_error(run, tmp_path):
    # A tests/fuzz/fuzz_policy.cpp finding: nlohmann's out_of_range 406 must carry the JSON path too.
    policy = tmp_path / "overflow.json"
    policy.write_text('{"version": 1, "risk_threshold": 1e400}')
    result = run("policy", "validate", policy)
    assert result.returncode == 2
    assert "invalid policy at $" in stderr_text(result)
    assert "1e400" in stderr_text(result)


def test_huge_scale_weights_normalise_like_small_ones(run, conformance, tmp_path):
    # Found by tests/fuzz/fuzz_policy.cpp: the weight sum overflowed and every scale_score became 1.
    outputs = []
    for weight in ("1", "1e308"):
        policy = tmp_path / f"w{weight}.json"
        policy.write_text(f'{{"version": 1, "scale_weights": {{"frequency": {weight}, "reach": {weight}}}}}')
        out = tmp_path / f"w{weight}.csv"
        assert run("classify", conformance / "accounts.csv", "-o", out, "--policy", policy).returncode == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_nul_in_a_policy_key_does_not_cut_the_message(run, tmp_path):
    # Found by tests/fuzz/fuzz_policy.cpp: a raw NUL in the json_path cut what() short.
    policy = tmp_path / "nul.json"
    policy.write_text('{"version": 1, "catalog": [{"id": "a", "affinity": {"x\\u0000y": 1}}]}')
    result = run("policy", "validate", policy)
    assert result.returncode == 2
    message = stderr_text(result)
    assert "unknown archetype" in message and "accepted: high_scale_high_risk" in message, message
    assert "\0" not in message


def test_policy_validate_missing_file(run, tmp_path):
    result = run("policy", "validate", tmp_path / "nope.json")
    assert result.returncode == 2
    assert "nope.json" in stderr_text(result)


# ---------------------------------------------------------------------------------------------
# help and version

@pytest.mark.parametrize("command", [["classify"], ["summary"], ["explain"], ["policy"],
                                     ["policy", "default"], ["policy", "validate"], ["policy", "show"]])
def test_help_shows_an_example(run, command):
    result = run(*command, "--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "Example:" in text
    assert re.search(r"^\s+riskscale " + re.escape(" ".join(command)), text, re.M), text


def test_top_level_help_lists_commands_and_exit_statuses(run):
    result = run("--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    for command in ("classify", "summary", "explain", "policy"):
        assert re.search(rf"^\s+{command}\s", text, re.M), command
    assert "Exit status: 0" in text and "1 output written" in text and "2 usage" in text
    assert re.search(r"^Example:\n\s+riskscale classify ", text, re.M), text


def test_version(run):
    result = run("--version")
    assert result.returncode == 0
    match = re.fullmatch(rb"riskscale \d+\.\d+\.\d+ \(model SPEC version 1\)\n"
                         rb"kernel: (\w+) \(compiled: ([\w, ]+); this CPU runs: ([\w, ]+); no FMA, "
                         rb"every copy gives the same bits\)\n", result.stdout)
    assert match, result.stdout
    kernel, compiled, available = match.group(1), match.group(2).split(b", "), match.group(3).split(b", ")
    assert kernel == available[-1] and set(available) <= set(compiled), result.stdout
    flags = Path("/proc/cpuinfo").read_text().split() if Path("/proc/cpuinfo").exists() else []
    if b"avx512" in compiled and all(f in flags for f in ("avx512f", "avx512dq", "avx512vl", "avx512bw")):
        assert kernel == b"avx512", result.stdout  # the widest copy this CPU has is the one that runs

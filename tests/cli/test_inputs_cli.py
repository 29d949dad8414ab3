"""SPEC §9 from the command line: raw exports through the policy's `inputs`, --keep-inputs, --join.

Every row of conformance/mapping (expected_inputs.csv for the classified rows, expected_classified.csv,
expected_invalid.csv) is compared; joins are checked for missing, extra and duplicated ids, a join
file larger than the input, and the input from stdin.
"""
import io
import json

import numpy as np
import pandas as pd
import pytest

SCORES = ["risk_score", "scale_score", "frequency_score", "reach_score", "margin", "p_high_scale_high_risk",
          "p_high_scale_low_risk", "p_low_scale_high_risk", "p_low_scale_low_risk", "active_days_for_high_scale"]
INPUTS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days", "users", "seats"]


@pytest.fixture(scope="module")
def mapping(conformance):
    return conformance / "mapping"


def read(data):
    return pd.read_csv(io.BytesIO(data) if isinstance(data, bytes) else data, keep_default_na=False,
                       na_values=[""], dtype={"account_id": str})


def check_classified(out, mapping):
    expected = read(mapping / "expected_classified.csv").set_index("account_id")
    got = out.set_index("account_id")
    assert sorted(got.index) == sorted(expected.index)
    got = got.loc[expected.index]
    for column in SCORES:
        np.testing.assert_allclose(got[column].to_numpy(float), expected[column].to_numpy(float), atol=1e-9,
                                   rtol=0, err_msg=column)
    np.testing.assert_allclose(got["users_for_high_scale"].to_numpy(float),
                               expected["users_for_high_scale"].to_numpy(float), atol=1, rtol=0)
    assert (got["archetype"] == expected["archetype"]).all()
    assert (got["borderline"].astype(str).str.lower() == expected["borderline"].astype(str).str.lower()).all()
    assert (got["recommendations"].fillna("") == expected["recommendations"].fillna("")).all()


def check_rejects(rejects, mapping):
    expected = read(mapping / "expected_invalid.csv")
    got = rejects.assign(reason=rejects["column"] + ":" + rejects["reason"])
    assert dict(zip(got["account_id"], got["reason"])) == dict(zip(expected["account_id"], expected["reason"]))


def test_every_conformance_row(run, mapping, tmp_path):
    out = tmp_path / "out.csv"
    done = run("classify", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "-o", out,
               "--keep-inputs", "--keep", "Region")
    assert done.returncode == 1, done.stderr  # six rows rejected
    assert b"classified 54 accounts, rejected 6" in done.stderr
    result = read(out)
    assert list(result.columns[:9]) == ["Region", *INPUTS, "account_id"]
    check_classified(result, mapping)
    check_rejects(read(tmp_path / "out.rejects.csv"), mapping)
    expected_inputs = read(mapping / "expected_inputs.csv").set_index("account_id")
    derived = result.set_index("account_id")[INPUTS]
    expected_inputs = expected_inputs.loc[derived.index]
    for column in INPUTS:
        tolerance = 1e-12 if column == "active_days" else 1e-9
        np.testing.assert_allclose(derived[column].to_numpy(float), expected_inputs[column].to_numpy(float),
                                   atol=tolerance, rtol=0, err_msg=column)


def test_rejects_name_input_column_cell_and_rule(run, mapping, tmp_path):
    out = tmp_path / "out.csv"
    run("classify", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "-o", out)
    rejects = read(tmp_path / "out.rejects.csv").set_index("account_id")
    assert rejects.loc["BAD_UNMAPPED", "message"] == (
        'legal_exposure: Compliance = "ISO 27001" matches no key of inputs.legal_exposure.max[0].map')
    assert rejects.loc["BAD_TEXT", "message"].startswith('users: Licensed Users = "many" is not a number')
    assert rejects.loc["BAD_BELOW_BAND", "line"] == 7


def test_stdin_to_stdout(run, mapping, tmp_path):
    done = run("classify", "-", "--policy", mapping / "policy_inputs.json", "-o", "-",
               stdin=(mapping / "crm_export.csv").read_bytes(), cwd=tmp_path)
    assert done.returncode == 1
    check_classified(read(done.stdout), mapping)
    check_rejects(read(tmp_path / "riskscale.rejects.csv"), mapping)  # beside stdout: in the working folder


def test_missing_source_column_names_the_rule(run, mapping, tmp_path):
    raw = read(mapping / "crm_export.csv").drop(columns=["Admins"])
    path = tmp_path / "no_admins.csv"
    raw.to_csv(path, index=False)
    done = run("classify", path, "--policy", mapping / "policy_inputs.json", "-o", tmp_path / "out.csv")
    assert done.returncode == 2
    assert b"missing source column 'Admins': $.inputs.org_disruption reads it" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_explain_names_each_inputs_source(run, mapping):
    done = run("explain", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "--id", "M015")
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert "sensitive_data 0.90 from Industry = 'Healthcare'" in text
    assert "physical_safety 0.05 fixed value (inputs.physical_safety.value)" in text
    assert "legal_exposure 1.00 from Compliance = 'HIPAA' (largest of inputs.legal_exposure.max)" in text
    bad = run("explain", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "--id", "BAD_UNMAPPED")
    assert bad.returncode == 2
    assert b'"ISO 27001" matches no key' in bad.stderr


def test_summary_and_plan_read_the_raw_export(run, mapping, tmp_path):
    done = run("summary", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "--format", "json")
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["accounts"] == 54 and summary["rejected"] == 6
    expected = read(mapping / "expected_classified.csv")["archetype"].value_counts()
    assert {a: v["accounts"] for a, v in summary["archetypes"].items() if v["accounts"]} == expected.to_dict()
    plan = run("plan", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "--id", "M015",
               "--start", "2027-01-04")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["account_id"] == "M015"
    every = run("plan", mapping / "crm_export.csv", "--policy", mapping / "policy_inputs.json", "--all",
                "--start", "2027-01-04", "-o", tmp_path / "touchpoints.csv")
    assert every.returncode == 1
    assert b"planned 54 accounts, rejected 6" in every.stderr


# --join: the CRM export without its usage columns, and a per-account usage table beside it.
@pytest.fixture()
def split_export(mapping, tmp_path):
    raw = read(mapping / "crm_export.csv")
    accounts = raw.drop(columns=["DAU/MAU", "Licensed Users"])
    usage = raw[["Account ID", "DAU/MAU", "Licensed Users"]].rename(columns={"Account ID": "account"})
    accounts_path = tmp_path / "accounts.csv"
    accounts.to_csv(accounts_path, index=False)
    return raw, accounts_path, usage


def test_join_gives_the_same_results_as_one_table(run, mapping, split_export, tmp_path):
    raw, accounts_path, usage = split_export
    # A join file larger than the input, in another order, with ids the input lacks.
    extra = pd.DataFrame({"account": [f"X{i:04d}" for i in range(500)], "DAU/MAU": 0.5, "Licensed Users": 10})
    usage_path = tmp_path / "usage.csv"
    pd.concat([extra, usage.iloc[::-1]]).to_csv(usage_path, index=False)
    out = tmp_path / "out.csv"
    done = run("classify", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", usage_path,
               "--join-key", "account", "-o", out, "--keep", "Licensed Users")
    assert done.returncode == 1, done.stderr
    assert b"500 of 560 rows matched no account of the input" in done.stderr
    result = read(out)
    check_classified(result.drop(columns=["Licensed Users"]), mapping)
    check_rejects(read(tmp_path / "out.rejects.csv"), mapping)
    kept = result.set_index("account_id")["Licensed Users"].astype(str)
    assert kept["M019"] == "405"


def test_join_missing_ids_give_empty_cells(run, mapping, split_export, tmp_path):
    raw, accounts_path, usage = split_export
    usage_path = tmp_path / "usage.csv"
    usage[usage["account"] != "M015"].to_csv(usage_path, index=False)
    out = tmp_path / "out.csv"
    done = run("classify", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", usage_path,
               "--join-key", "account", "-o", out)
    assert done.returncode == 1
    rejects = read(tmp_path / "out.rejects.csv").set_index("account_id")
    assert rejects.loc["M015", "reason"] == "missing_value"  # DAU/MAU empty: the SPEC §2 empty-cell rule
    assert rejects.loc["M015", "column"] == "active_days"


def test_join_duplicated_id_exits_2_naming_id_and_lines(run, mapping, split_export, tmp_path):
    raw, accounts_path, usage = split_export
    usage_path = tmp_path / "usage.csv"
    pd.concat([usage, usage[usage["account"] == "M020"]]).to_csv(usage_path, index=False)
    out = tmp_path / "out.csv"
    done = run("classify", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", usage_path,
               "--join-key", "account", "-o", out)
    assert done.returncode == 2
    assert b"account id 'M020' is on line 22 and line 62" in done.stderr
    assert not out.exists()


def test_join_from_stdin_input(run, mapping, split_export, tmp_path):
    raw, accounts_path, usage = split_export
    usage_path = tmp_path / "usage.csv"
    usage.to_csv(usage_path, index=False)
    done = run("classify", "-", "--policy", mapping / "policy_inputs.json", "--join", usage_path,
               "--join-key", "account", "-o", "-", stdin=accounts_path.read_bytes(), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    check_classified(read(done.stdout), mapping)


def test_join_without_policy_inputs_reads_spec_columns(run, conformance, tmp_path):
    accounts = read(conformance / "accounts.csv")
    left = accounts.drop(columns=["users"])
    left_path = tmp_path / "left.csv"
    left.to_csv(left_path, index=False)
    right_path = tmp_path / "right.csv"
    accounts[["account_id", "users"]].to_csv(right_path, index=False)
    joined, plain = tmp_path / "joined.csv", tmp_path / "plain.csv"
    assert run("classify", left_path, "--join", right_path, "-o", joined).returncode == 0
    assert run("classify", conformance / "accounts.csv", "-o", plain).returncode == 0
    assert joined.read_bytes() == plain.read_bytes()


def test_keep_inputs_clash_with_kept_column(run, conformance, tmp_path):
    done = run("classify", conformance / "accounts.csv", "--keep-inputs", "--keep", "users", "-o",
               tmp_path / "out.csv")
    assert done.returncode == 2
    assert b"--keep-inputs writes the model input 'users'" in done.stderr


def test_join_columns_pass_through_and_feed_explain_and_plan(run, mapping, split_export, tmp_path):
    raw, accounts_path, usage = split_export
    usage_path = tmp_path / "usage.csv"
    usage.to_csv(usage_path, index=False)
    out = tmp_path / "out.csv"
    done = run("classify", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", usage_path,
               "--join-key", "account", "--keep-all", "-o", out)
    assert done.returncode == 1, done.stderr
    result = read(out)
    # --keep-all: the input's columns (but the account id), then the join's (but its key), then SPEC §8.
    assert list(result.columns[:8]) == ["Industry", "Compliance", "Handles PII", "Admins", "Region", "DAU/MAU",
                                        "Licensed Users", "account_id"]
    explain = run("explain", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", usage_path,
                  "--join-key", "account", "--id", "M015")
    assert explain.returncode == 0, explain.stderr
    assert "active_days 24.51 from DAU/MAU = '0.817'" in explain.stdout.decode()
    plan = run("plan", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", usage_path,
               "--join-key", "account", "--id", "M015", "--start", "2027-01-04")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["account_id"] == "M015"


def test_join_name_clash_and_missing_key_column(run, mapping, split_export, tmp_path):
    raw, accounts_path, usage = split_export
    clash = tmp_path / "clash.csv"
    usage.assign(Admins=1).to_csv(clash, index=False)
    done = run("classify", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", clash,
               "--join-key", "account", "-o", tmp_path / "out.csv")
    assert done.returncode == 2
    assert b"column 'Admins' is in the input and in --join" in done.stderr
    no_key = run("classify", accounts_path, "--policy", mapping / "policy_inputs.json", "--join", clash,
                 "-o", tmp_path / "out.csv")
    assert no_key.returncode == 2
    assert b"has no key column 'account_id' (--join-key)" in no_key.stderr

"""SPEC §9 from Python: raw frames through a policy's ``inputs`` (every conformance/mapping row), dtypes,
errors that name the row label, source column and rule, Policy(inputs=...), policy_template, Dask."""

import json

import numpy as np
import pandas as pd
import pytest

import riskscale
from conformance_rows import compare_row, frame_row, read_expected

INPUTS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days", "users", "seats"]


@pytest.fixture(scope="module")
def mapping(conformance):
    return conformance / "mapping"


@pytest.fixture(scope="module")
def policy(mapping):
    return riskscale.Policy.from_json(mapping / "policy_inputs.json")


@pytest.fixture(scope="module")
def crm(mapping):
    """The export as text, cells exactly as written (padding and case kept)."""
    return pd.read_csv(mapping / "crm_export.csv", dtype=str, keep_default_na=False)


def check_all_rows(result, mapping, policy):
    expected = read_expected(mapping / "expected_classified.csv").set_index("account_id")
    invalid = pd.read_csv(mapping / "expected_invalid.csv").set_index("account_id")["reason"]
    document = policy.to_dict()
    ids = result["account_id"].tolist()
    assert sorted(ids) == sorted([*expected.index, *invalid.index])
    for position, account in enumerate(ids):
        if account in invalid.index:
            input_name, reason = invalid[account].split(":")
            assert result["invalid_reason"].iloc[position].startswith(input_name + ": "), account
            assert np.isnan(result["risk_score"].iloc[position])
            assert pd.isna(result["archetype"].iloc[position])
            continue
        assert compare_row(frame_row(result, position), expected.loc[account].to_dict() | {"account_id": account},
                           document) == []


def test_every_conformance_row_and_derived_inputs(crm, mapping, policy):
    result = riskscale.classify(crm, policy, on_invalid="flag", inputs=True)
    check_all_rows(result, mapping, policy)
    expected = pd.read_csv(mapping / "expected_inputs.csv", float_precision="round_trip")
    assert result["account_id"].tolist() == expected["account_id"].tolist()
    for column in INPUTS:
        tolerance = 1e-12 if column == "active_days" else 1e-9
        np.testing.assert_allclose(result[column].to_numpy(float), expected[column].to_numpy(float),
                                   atol=tolerance, rtol=0, err_msg=column)


def test_invalid_reasons_are_the_expected_input_and_reason(crm, mapping, policy):
    result = riskscale.classify(crm, policy, on_invalid="flag")
    invalid = pd.read_csv(mapping / "expected_invalid.csv")
    flagged = result.set_index("account_id")["invalid_reason"].dropna()
    assert sorted(flagged.index) == sorted(invalid["account_id"])
    assert flagged["BAD_UNMAPPED"] == (
        'legal_exposure: Compliance = "ISO 27001" matches no key of inputs.legal_exposure.max[0].map')
    assert "gives 36, above the range [0, 31]" in flagged["BAD_SCALE_RANGE"]
    assert "inputs" not in result.columns and "seats" not in result.columns  # inputs=False adds none


def test_raise_names_row_label_source_column_and_rule(crm, policy):
    frame = crm.set_index(pd.Index([f"r{i}" for i in range(len(crm))]))
    with pytest.raises(ValueError, match=r"row 'r4', column 'Compliance': legal_exposure: Compliance = \"ISO 27001\" "
                                         r"matches no key of inputs\.legal_exposure\.max\[0\]\.map"):
        riskscale.classify(frame, policy)


def test_dtypes_give_the_same_results(crm, mapping, policy):
    """object, pandas string, category, numeric and nullable columns map alike."""
    base = riskscale.classify(crm, policy, on_invalid="flag", inputs=True)
    typed = pd.DataFrame({
        "Account ID": crm["Account ID"].astype("string"),
        "Industry": crm["Industry"].astype("category"),
        "Compliance": crm["Compliance"].astype("string"),
        "Handles PII": crm["Handles PII"].replace("", None),  # object with None
        "Admins": pd.to_numeric(crm["Admins"]).astype("Float64"),  # nullable floats
        "DAU/MAU": pd.to_numeric(crm["DAU/MAU"], errors="coerce"),  # NaN where empty
        "Licensed Users": crm["Licensed Users"],  # text with a typo ('many')
    })
    result = riskscale.classify(typed, policy, on_invalid="flag", inputs=True)
    same = base.columns.drop(["invalid_reason"])
    pd.testing.assert_frame_equal(result[same], base[same], check_dtype=False)
    # DAU/MAU read as numbers: its empty cell is still missing_value, reported as empty.
    reasons = result.set_index("account_id")["invalid_reason"]
    assert reasons["BAD_EMPTY_NUMBER"].startswith("active_days: DAU/MAU is empty")


def test_nullable_integers_and_booleans():
    policy = riskscale.Policy(inputs={
        "sensitive_data": {"column": "Tier", "map": {"1": 0.9, "2": 0.4}, "default": 0.1},
        "legal_exposure": {"column": "Regulated", "map": {"true": 1.0, "false": 0.0}},
        "users": {"column": "Seats", "scale": 1},
    })
    frame = pd.DataFrame({
        "account_id": ["a", "b", "c"],
        "Tier": pd.array([1, 2, None], dtype="Int64"),
        "Regulated": [True, False, True],
        "Seats": pd.array([10, 20, None], dtype="Int64"),
        "org_disruption": 0.2, "physical_safety": 0.0, "active_days": 10.0,
    })
    result = riskscale.classify(frame, policy, on_invalid="flag", inputs=True)
    assert result["sensitive_data"].tolist()[:2] == [0.9, 0.4]
    assert result["legal_exposure"].tolist()[:2] == [1.0, 0.0]
    assert result["invalid_reason"].iloc[2] == "users: Seats is empty (inputs.users.scale); accepted: a number"


def test_missing_source_column_names_json_path(crm, policy):
    with pytest.raises(ValueError, match=r"missing source column 'Admins': \$\.inputs\.org_disruption reads it"):
        riskscale.classify(crm.drop(columns=["Admins"]), policy)


def test_policy_inputs_round_trip(policy):
    again = riskscale.Policy.from_json(policy.to_json())
    assert again == policy and again.to_json() == policy.to_json()
    built = riskscale.Policy(inputs=policy.inputs)
    assert built == policy
    assert riskscale.Policy().inputs == {}
    with pytest.raises(riskscale.PolicyError, match=r"\$\.inputs\.org_disruption\.bands\[1\]"):
        riskscale.Policy(inputs={"org_disruption": {"column": "A", "bands": [[5, 0.1], [1, 0.2]]}})


def test_renaming_policy_equals_the_renamed_frame(conformance):
    raw = pd.read_csv(conformance / "accounts.csv", dtype={"account_id": str})
    names = {c: f"{c.title()}__c" for c in raw.columns}
    renamed = raw.rename(columns=names)
    policy = riskscale.Policy(inputs={model: column for model, column in names.items()})
    mapped = riskscale.classify(renamed, policy)
    plain = riskscale.classify(raw)
    pd.testing.assert_frame_equal(mapped, plain.assign(), check_exact=True, check_like=False)


def test_policy_template_loads_and_lists_distinct_values(crm):
    template = riskscale.policy_template(crm)
    assert template["account_id"] == "Account ID"
    assert template["sensitive_data"]["column"] == "Industry"
    keys = template["sensitive_data"]["map"]
    assert {k.lower() for k in keys} == {"education", "financial services", "healthcare", "mining", "retail"}
    assert set(keys.values()) == {0.5}
    assert template["users"] == "Licensed Users"  # numbers but for one typo: read as numbers
    policy = riskscale.Policy(inputs=template)  # loads as it is
    assert policy.inputs == json.loads(json.dumps(template))


def test_empty_frame_keeps_the_columns(crm, policy):
    result = riskscale.classify(crm.iloc[:0], policy, inputs=True)
    assert len(result) == 0
    assert list(result.columns[-7:]) == INPUTS
    assert isinstance(result["archetype"].dtype, pd.CategoricalDtype)


def test_dask_classify_maps_each_partition(crm, mapping, policy):
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(crm, npartitions=4)
    import riskscale.dask as rdask

    lazy = rdask.classify(ddf, policy, on_invalid="flag", inputs=True)
    local = riskscale.classify(crm, policy, on_invalid="flag", inputs=True)
    assert list(lazy.columns) == list(local.columns)
    assert dict(lazy.dtypes) == dict(local.dtypes)
    computed = lazy.compute(scheduler="sync")
    pd.testing.assert_frame_equal(computed, local)
    check_all_rows(computed.reset_index(drop=True), mapping, policy)


def test_missing_objects_in_text_columns_are_empty_cells():
    """None, NaN, pd.NA and pd.NaT in a text column are empty cells: the map's default decides."""
    policy = riskscale.Policy(inputs={"sensitive_data": {"column": "Industry", "map": {"Retail": 0.3}, "default": 0.2},
                                      "legal_exposure": {"column": "Regime", "map": {"HIPAA": 1.0}}})
    frame = pd.DataFrame({
        "Industry": pd.Series(["Retail", None, np.nan, pd.NA, pd.NaT, 7], dtype=object),
        "Regime": pd.array(["HIPAA", "HIPAA", "HIPAA", "HIPAA", "HIPAA", pd.NA], dtype="string"),
        "org_disruption": 0.1, "physical_safety": 0.0, "active_days": 5.0, "users": 10.0,
    })
    result = riskscale.classify(frame, policy, on_invalid="flag", inputs=True)
    assert result["sensitive_data"].tolist() == [0.3, 0.2, 0.2, 0.2, 0.2, 0.2]  # 7 is the text '7'
    assert result["invalid_reason"].iloc[5] == 'legal_exposure: Regime = "" matches no key of inputs.legal_exposure.map'

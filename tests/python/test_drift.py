"""riskscale.drift and riskscale.dask.drift (SPEC §11) against every row of ../shared/conformance/drift."""
import math

import numpy as np
import pandas as pd
import pytest

import riskscale

TOLERANCE = 1e-9  # conformance README: values within 1e-9
FACTORS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure"]
NUMBERS = ["risk_old", "risk_new", "scale_old", "scale_new", "risk_change", "scale_change",
           *[f"cause_{f}" for f in FACTORS], "cause_frequency", "cause_reach"]
CLI_COLUMNS = ["account_id", "status", "archetype_old", "archetype_new", *NUMBERS, "driver", "reason"]


def _snapshot(conformance, name):
    return pd.read_csv(conformance / "drift" / name, dtype={"account_id": str})


@pytest.fixture(scope="module")
def snapshots(conformance):
    return _snapshot(conformance, "old.csv"), _snapshot(conformance, "new.csv")


@pytest.fixture(scope="module")
def expected(conformance):
    return pd.read_csv(conformance / "drift" / "expected_drift.csv", dtype={"account_id": str, "driver": str},
                       keep_default_na=False, na_values=[""]).set_index("account_id")


def _check_rows(accounts, expected):
    got = accounts.set_index("account_id")
    assert sorted(got.index) == sorted(expected.index)
    for account_id, want in expected.iterrows():
        row = got.loc[account_id]
        assert row["status"] == want["status"], account_id
        for column in ("archetype_old", "archetype_new", "driver"):
            w, g = want[column], row[column]
            assert (pd.isna(w) and pd.isna(g)) or w == g, (account_id, column, w, g)
        for column in NUMBERS:
            w, g = want[column], row[column]
            assert (pd.isna(w) and pd.isna(g)) or abs(w - g) <= TOLERANCE, (account_id, column, w, g)


def test_every_conformance_row(snapshots, expected):
    d = riskscale.drift(*snapshots)
    assert list(d.accounts.columns) == CLI_COLUMNS + ["invalid_reason"]
    _check_rows(d.accounts, expected)
    assert list(d.accounts["status"].cat.categories) == list(riskscale.DRIFT_STATUSES)
    assert list(d.accounts["archetype_old"].cat.categories) == list(riskscale.ARCHETYPES)
    moved = d.accounts[d.accounts["status"] == "moved"]
    assert np.allclose(moved[[f"cause_{f}" for f in FACTORS]].sum(axis=1), moved["risk_change"], atol=1e-12, rtol=0)
    assert np.allclose(moved["cause_frequency"] + moved["cause_reach"], moved["scale_change"], atol=1e-12, rtol=0)


def test_matrix_equals_the_conformance_matrix(snapshots, conformance):
    d = riskscale.drift(*snapshots)
    want = pd.read_csv(conformance / "drift" / "expected_matrix.csv", index_col="old")
    assert list(d.matrix.index) == list(want.index) and list(d.matrix.columns) == list(want.columns)
    assert (d.matrix.to_numpy() == want.to_numpy()).all()
    assert d.counts.to_dict() == {"stayed": 29, "moved": 9, "new": 1, "gone": 1, "invalid": 1}


def test_invalid_account_names_snapshot_row_label_and_column(snapshots):
    old, new = snapshots
    d = riskscale.drift(old, new)
    row = d.accounts.set_index("account_id").loc["D39"]
    assert row["status"] == "invalid"
    label = new.index[new["account_id"] == "D39"][0]
    assert row["invalid_reason"].startswith(f"new snapshot, row {label!r}, column 'users': users = -3 is below")


def test_alerts_and_format_deltas_against_classify(snapshots):
    old, new = snapshots
    d = riskscale.drift(old, new)
    assert list(d.alerts.columns) == ["account_id", "alert", "from", "to", "driver", "reason", "new_formats",
                                      "dropped_formats", "replan"]
    alerts = d.alerts.set_index("account_id")
    assert alerts.loc["D99_NEW", "alert"] == "new_account" and alerts.loc["D38", "alert"] == "gone"
    before = riskscale.classify(old, on_invalid="flag").set_index(old["account_id"])["recommendations"]
    after = riskscale.classify(new, on_invalid="flag").set_index(new["account_id"])["recommendations"]
    for account_id in ("D01", "D06", "D37"):
        was, now = before[account_id].split(";"), after[account_id].split(";")
        assert alerts.loc[account_id, "new_formats"] == ";".join(f for f in now if f not in was)
        assert alerts.loc[account_id, "dropped_formats"] == ";".join(f for f in was if f not in now)
        assert bool(alerts.loc[account_id, "replan"])


def test_what_if_under_two_policies(snapshots):
    old, _ = snapshots
    proposed = riskscale.Policy(risk_threshold=0.9)
    d = riskscale.drift(old, old, policy=proposed, old_policy=riskscale.Policy())
    moved = d.accounts[d.accounts["status"] == "moved"]
    assert len(moved) > 0 and (moved["driver"] == "policy").all()
    assert d.accounts[[f"cause_{f}" for f in FACTORS]].isna().all().all()
    assert (moved["archetype_new"] == "low_scale_low_risk").sum() + (moved["archetype_new"] == "high_scale_low_risk").sum() == len(moved)


def test_duplicated_id_is_a_value_error_naming_the_labels(snapshots):
    old, new = snapshots
    doubled = pd.concat([new, new.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"new snapshot, column 'account_id': 'D03' appears in rows \[3, 40\]"):
        riskscale.drift(old, doubled)


def test_ids_from_the_index_when_there_is_no_account_id_column(snapshots, expected):
    old, new = snapshots
    d = riskscale.drift(old.set_index("account_id"), new.set_index("account_id"))
    _check_rows(d.accounts, expected)


def test_repr_html_and_plot(snapshots):
    import matplotlib

    matplotlib.use("Agg")
    d = riskscale.drift(*snapshots)
    page = d._repr_html_()
    assert "Transition matrix" in page and "Top movers" in page and "D06" in page
    assert repr(d).startswith("Drift(41 accounts: stayed 29, moved 9")
    ax = d.plot()
    assert len(ax.texts) >= 4 + 9  # quadrant labels and one arrow per moved account
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"frequency (5)", "reach (4)"}


def test_dask_drift_equals_the_conformance_rows(snapshots, expected, conformance):
    dd = pytest.importorskip("dask.dataframe")
    import riskscale.dask  # noqa: F401  (the Dask layer is imported on demand)
    old, new = snapshots
    d = riskscale.dask.drift(dd.from_pandas(old, npartitions=3), dd.from_pandas(new, npartitions=2))
    _check_rows(d.accounts, expected)
    want = pd.read_csv(conformance / "drift" / "expected_matrix.csv", index_col="old")
    assert (d.matrix.to_numpy() == want.to_numpy()).all()
    assert sorted(d.alerts["account_id"]) == sorted(riskscale.drift(old, new).alerts["account_id"])


def test_raw_snapshots_go_through_the_policys_inputs(conformance):
    # SPEC §9 then §11: the mapping conformance export, and the same a month later with one
    # account's industry changed; the CLI's drift of the same files is tested in test_drift_cli.py.
    m = conformance / "mapping"
    policy = riskscale.Policy.from_json((m / "policy_inputs.json").read_text())
    old = pd.read_csv(m / "crm_export.csv", dtype=str, keep_default_na=False)
    account = old.loc[old["Industry"].str.strip() == "Healthcare", "Account ID"].iloc[0]
    new = old.copy()
    new.loc[new["Account ID"] == account, "Industry"] = "Retail"
    d = riskscale.drift(old, new, policy)
    accounts = d.accounts.set_index("account_id")
    invalid = pd.read_csv(m / "expected_invalid.csv", dtype=str)
    assert set(accounts.index[accounts["status"] == "invalid"]) == set(invalid["account_id"])
    assert "matches no key of inputs.legal_exposure" in accounts.loc["BAD_UNMAPPED", "invalid_reason"]
    assert accounts.loc["BAD_UNMAPPED", "invalid_reason"].startswith("old snapshot, row ")
    row = accounts.loc[account]
    assert row["risk_change"] < 0
    assert row["cause_sensitive_data"] == pytest.approx(row["risk_change"], abs=1e-12)
    expected = pd.read_csv(m / "expected_classified.csv", dtype={"account_id": str}).set_index("account_id")
    both = accounts[accounts["status"].isin(["moved", "stayed"])]
    assert (abs(both["risk_old"] - expected.loc[both.index, "risk_score"]) < 1e-9).all()


def test_a_refused_seats_cell_makes_the_account_invalid_as_on_the_command_line(conformance):
    # seats feeds no score, but a seats cell the policy's inputs refuse (SPEC §9) refuses the row in
    # every front end: `riskscale drift` counts it invalid (tests/cli/test_drift_cli.py), and so does this.
    m = conformance / "mapping"
    policy = riskscale.Policy.from_json((m / "policy_inputs.json").read_text())
    old = pd.read_csv(m / "crm_export.csv", dtype=str, keep_default_na=False)
    valid = riskscale.drift(old, old, policy).accounts.set_index("account_id")
    account = valid.index[valid["status"] == "stayed"][0]
    new = old.copy()
    new.loc[new["Account ID"] == account, "Licensed Users"] = "-5"
    accounts = riskscale.drift(old, new, policy).accounts.set_index("account_id")
    assert accounts.loc[account, "status"] == "invalid"
    reason = accounts.loc[account, "invalid_reason"]
    assert reason.startswith("new snapshot, row ") and 'Licensed Users = "-5"' in reason and "seats" in reason
    assert (accounts["status"] == "invalid").sum() == (valid["status"] == "invalid").sum() + 1

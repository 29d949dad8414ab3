"""The table contract from Python: the decisions the core makes once for every front end (a blank
seats cell, flag texts, one CSV quoting rule) and refused rows raised with their data."""
import io

import numpy as np
import pandas as pd
import pytest

import riskscale
from riskscale import metrics

CSV = ("account_id,sensitive_data,org_disruption,physical_safety,legal_exposure,active_days,users,seats\n"
       "A1,0.2,0.1,0,0.3,12,40,\nA2,0.2,0.1,0,0.3,12,40,50\n")


def test_a_blank_seats_cell_is_absent():
    frame = pd.read_csv(io.StringIO(CSV), index_col="account_id")
    assert np.isnan(frame.loc["A1", "seats"])
    result = riskscale.classify(frame)
    assert result["risk_score"].notna().all()  # NaN seats is absent, not an invalid row
    assert result.loc["A1", "risk_score"] == result.loc["A2", "risk_score"]
    with pytest.raises(ValueError, match="seats = -1 is below the range"):
        riskscale.classify(frame.assign(seats=[-1.0, 2.0]))
    summary = riskscale.summary(result)
    assert summary.attrs["rejected"] == 0 and summary.loc["all", "accounts"] == 2


def test_a_refused_row_is_raised_with_its_data():
    frame = pd.read_csv(io.StringIO(CSV), index_col="account_id")
    frame.loc["A2", "active_days"] = 40.0
    with pytest.raises(riskscale.InputError) as raised:
        riskscale.classify(frame)
    error = raised.value
    assert isinstance(error, ValueError)
    assert str(error) == "row 'A2', column 'active_days': active_days = 40 is above the range; " \
                         "accepted: a finite number in [0, 31]"
    assert (error.row, error.column, error.reason, error.value, error.accepted) == \
        ("A2", "active_days", "above_range", "40", (0.0, 31.0))
    text = frame.astype({"legal_exposure": object})
    text.loc["A1", "legal_exposure"] = "high"
    with pytest.raises(riskscale.InputError) as raised:
        riskscale.classify(text)
    assert raised.value.reason == "not_a_number" and raised.value.value == "high"
    assert str(raised.value).endswith("legal_exposure = 'high' is not a number; accepted: a finite number in [0, 1]")


def test_flag_texts_in_any_case():
    data = pd.DataFrame({"account_id": ["A1", "A2"], "seats": [4, 2]})
    users = pd.DataFrame({"account_id": ["A1", "A1", "A1", "A2"], "trained": ["YES", "No", "1", "yes"],
                          "active": ["True", "false", "0", "NO"]})
    table = metrics.adoption(data, users=users, level="account")
    assert list(table["trained"]) == [2, 1] and list(table["active"]) == [1, 0]
    with pytest.raises(riskscale.InputError, match="'maybe' is not a flag"):
        metrics.adoption(data, users=users.assign(trained=["maybe", "no", "1", "yes"]), level="account")


def test_a_plan_csv_quotes_a_field_with_leading_blanks():
    account = dict(account_id="  P1", sensitive_data=0.9, org_disruption=0.1, physical_safety=0, legal_exposure=0.7,
                   active_days=18, users=500)
    text = riskscale.plans_to_csv([riskscale.plan(account, None, "2026-12-07")])
    assert text.split("\r\n")[1].startswith('"  P1",')


def test_summary_reads_recommendation_lists_and_archetypes_by_the_core_rule():
    # As `riskscale summary` reads them (tests/cli/test_contract_cli.py): "a;;b;" is a, b, and an
    # archetype that is no SPEC §1 id is a rejected row, whatever the column's dtype.
    frame = pd.read_csv(io.StringIO(CSV), index_col="account_id").assign(sensitive_data=[0.9, 0.1])
    result = riskscale.classify(frame)
    clean = riskscale.summary(result)
    gaps = result.copy()
    gaps["recommendations"] = gaps["recommendations"].astype(object)
    gaps.loc["A1", "recommendations"] = ";" + gaps.loc["A1", "recommendations"].replace(";", ";;") + ";"
    pd.testing.assert_frame_equal(riskscale.summary(gaps), clean)
    assert riskscale.summary(gaps).attrs["formats"].equals(clean.attrs["formats"])
    for archetype in (result["archetype"].astype(str), result["archetype"]):
        unknown = result.assign(archetype=archetype)
        unknown["archetype"] = unknown["archetype"].astype(object)
        unknown.loc["A2", "archetype"] = "mid_scale"
        assert riskscale.summary(unknown).attrs["rejected"] == 1
    # A categorical whose categories are in another order is read by its values, not its codes.
    reordered = result.assign(archetype=pd.Categorical(result["archetype"].astype(str),
                                                        categories=sorted(riskscale.ARCHETYPES, reverse=True)))
    pd.testing.assert_frame_equal(riskscale.summary(reordered), clean)

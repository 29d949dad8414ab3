"""Hostile input from Python: the rules that live in the core hold here too (dates, numbers, JSON),
and the result objects survive pickling (multiprocessing and Dask hand them around)."""
import copy
import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest

import riskscale

ACCOUNT = dict(account_id="ACC-1", sensitive_data=0.9, org_disruption=0.2, physical_safety=0.0,
               legal_exposure=0.7, active_days=18.0, users=450.0)


def test_assessment_recommendation_and_plan_pickle_to_equal_objects():
    policy = riskscale.Policy(risk_threshold=0.6, top_k=3)
    assessed = riskscale.assess(ACCOUNT, policy)
    again = pickle.loads(pickle.dumps(assessed))
    assert again == assessed and again is not assessed
    assert again.to_dict() == assessed.to_dict()
    assert again.policy == policy and again.explain() == assessed.explain()
    assert copy.deepcopy(assessed) == assessed
    recommendation = assessed.recommendations[0]
    assert pickle.loads(pickle.dumps(recommendation)) == recommendation
    assert riskscale.assess(dict(ACCOUNT, users=451.0), policy) != assessed

    plan = riskscale.plan(assessed, {"complex_product": 0.9}, "2027-02-01", max_touches_per_week=2)
    restored = pickle.loads(pickle.dumps(plan))
    assert restored == plan
    assert restored.to_json() == plan.to_json() and restored.to_ics("20270101T000000Z") == plan.to_ics("20270101T000000Z")
    today = riskscale.plan(assessed)  # "today": the unpickled plan keeps its own start date
    assert pickle.loads(pickle.dumps(today)).start == today.start
    content = riskscale.recommend_content(assessed, {"complex_product": 0.9})
    assert pickle.loads(pickle.dumps(content)) == content


def test_result_frames_pickle_with_their_categories():
    frame = pd.DataFrame([ACCOUNT, dict(ACCOUNT, account_id="ACC-2", users=3.0)])
    result = riskscale.classify(frame)
    restored = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(restored, result)
    assert isinstance(restored["archetype"].dtype, pd.CategoricalDtype)
    summary = riskscale.summary(result)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(summary)), summary)


def test_1e309_text_is_infinite_as_in_csv():
    frame = pd.DataFrame([dict(ACCOUNT, sensitive_data="1e309"), dict(ACCOUNT, account_id="ACC-2"),
                          dict(ACCOUNT, account_id="ACC-3", sensitive_data=" 0.25 ")])
    flagged = riskscale.classify(frame, on_invalid="flag")
    assert "infinite" in flagged.loc[0, "invalid_reason"]
    assert flagged.loc[1:, "risk_score"].notna().all()  # padded text reads as its number, as in CSV
    with pytest.raises(ValueError, match="infinite"):
        riskscale.classify(frame)


def test_no_result_column_holds_negative_zero():
    frame = pd.DataFrame([dict(ACCOUNT, active_days=-0.0, users=-0.0, sensitive_data=-0.0)])
    result = riskscale.classify(frame)
    floats = result.select_dtypes("float64").to_numpy().ravel()
    zeros = floats[floats == 0]
    assert zeros.size > 0 and not np.signbit(zeros).any()


def test_dates_outside_1900_to_2199_are_refused_before_pandas_sees_them():
    assessed = riskscale.assess(ACCOUNT)
    for start in (dt.date(9999, 12, 31), "1899-12-31", "2262-04-12"):
        with pytest.raises(riskscale.RiskscaleError, match="between 1900-01-01 and 2199-12-31"):
            riskscale.plan(assessed, None, start)
    with pytest.raises(riskscale.RiskscaleError, match="would end after 2199-12-31"):
        riskscale.plans(pd.DataFrame([ACCOUNT]), start="2199-12-30")
    frame = riskscale.plan(assessed, None, "2199-06-01").to_frame()  # the last years still fit pandas
    assert frame["date"].max() <= pd.Timestamp("2199-12-31")


def test_any_int_limit_is_a_limit_and_other_values_are_named():
    assessed = riskscale.assess(ACCOUNT)
    assert riskscale.plan(assessed, None, "2027-01-04", max_touches_per_week=10**20).max_touches_per_week > 7
    for bad in (0, -10**20, 2.5, "3", True):
        with pytest.raises(riskscale.RiskscaleError, match="max_touches_per_week = .*accepted: an integer >= 1"):
            riskscale.plan(assessed, None, "2027-01-04", max_touches_per_week=bad)


def test_policy_json_refusals_name_their_path():
    with pytest.raises(ValueError, match=r"\$\.risk_threshold: duplicate key"):
        riskscale.Policy.from_json('{"version": 1, "risk_threshold": 0.4, "risk_threshold": 0.6}')
    with pytest.raises(ValueError, match="nested deeper than 64 levels"):
        riskscale.Policy.from_json('{"catalog": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ValueError, match=r"\$\.risk_threshold.*outside the range of a double"):
        riskscale.Policy.from_json('{"version": 1, "risk_threshold": 1e400}')


def test_a_nan_cost_setting_is_named_with_its_path():
    with pytest.raises(ValueError, match=r"trainer_per_session"):
        riskscale.metrics.cost_settings(ilt_onsite={"trainer_per_session": float("nan")})

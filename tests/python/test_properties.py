"""Properties that hold for every account and policy (Hypothesis): SPEC §3–§6 invariants, batch ≡ single."""
import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import riskscale

FACTORS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure"]
RANGES = {**{f: (0.0, 1.0) for f in FACTORS}, "active_days": (0.0, 31.0), "users": (0.0, 1e9)}

settings.register_profile("riskscale", database=None, deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("riskscale")

unit = st.floats(0.0, 1.0)
accounts = st.fixed_dictionaries({
    **{f: st.one_of(unit, st.sampled_from([0.0, 0.5, 1.0])) for f in FACTORS},
    "active_days": st.one_of(st.floats(0.0, 31.0), st.sampled_from([0.0, 10.0, 20.0, 31.0])),
    "users": st.one_of(st.floats(0.0, 5000.0), st.floats(0.0, 1e9), st.integers(0, 2000).map(float)),
})
policies = st.builds(
    lambda risk, scale, band, tau, scale_weights, weights, min_score, top_k: riskscale.Policy(
        risk_threshold=risk, scale_threshold=scale, borderline_band=band, temperature=tau,
        scale_weights=dict(zip(["frequency", "reach"], scale_weights)), risk_weights=dict(zip(FACTORS, weights)),
        min_score=min_score, top_k=top_k),
    st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.0, 0.2), st.floats(0.01, 1.0),
    st.sampled_from([(0.4, 0.6), (1.0, 0.0), (0.0, 1.0), (3.0, 1.0), (1.0, 2.0)]),
    st.lists(unit, min_size=4, max_size=4), st.floats(0.0, 0.9), st.one_of(st.none(), st.integers(0, 12)),
)
maybe_policies = st.one_of(st.none(), policies)


def _document(policy):
    return (policy or riskscale.Policy()).to_dict()


@given(accounts, maybe_policies)
def test_memberships_are_probabilities_that_sum_to_one(fields, policy):
    a = riskscale.assess(fields, policy=policy)
    values = list(a.membership.values())
    assert all(0.0 <= p <= 1.0 for p in values)
    assert math.isclose(sum(values), 1.0, abs_tol=1e-12)
    assert all(0.0 <= s <= 1.0 for s in (a.risk_score, a.scale_score, a.frequency_score, a.reach_score))


@given(accounts, maybe_policies)
def test_archetype_margin_and_borderline_agree_with_thresholds(fields, policy):
    a = riskscale.assess(fields, policy=policy)
    d = _document(policy)
    high_risk = a.risk_score >= d["risk_threshold"]
    high_scale = a.scale_score >= d["scale_threshold"]
    assert a.archetype == f"{'high' if high_scale else 'low'}_scale_{'high' if high_risk else 'low'}_risk"
    margin = min(abs(a.risk_score - d["risk_threshold"]), abs(a.scale_score - d["scale_threshold"]))
    assert math.isclose(a.margin, margin, abs_tol=1e-15)
    assert a.borderline == (a.margin < d["borderline_band"])


@given(accounts, maybe_policies)
def test_explanations_add_up(fields, policy):
    a = riskscale.assess(fields, policy=policy)
    d = _document(policy)
    assert math.isclose(sum(a.risk_contributions.values()), a.risk_score, abs_tol=1e-12)
    assert all(c >= 0.0 for c in a.risk_contributions.values())
    lower = "frequency" if a.frequency_score <= a.reach_score else "reach"
    assert a.binding_scale_component == lower
    scores = [r.score for r in a.recommendations]
    assert all(s >= d["min_score"] for s in scores)
    assert all(x >= y - 1e-12 for x, y in zip(scores, scores[1:]))
    if d["top_k"] is not None:
        assert len(scores) <= d["top_k"]
    if a.archetype.startswith("high_scale"):
        assert a.users_for_high_scale is None and a.active_days_for_high_scale is None


@given(accounts, maybe_policies)
def test_users_for_high_scale_is_the_smallest_whole_number_that_reaches_it(fields, policy):
    a = riskscale.assess(fields, policy=policy)
    if a.users_for_high_scale is None or a.users_for_high_scale > 1e9:
        event("no users_for_high_scale")
        return
    event("users_for_high_scale checked")
    d = _document(policy)
    users = a.users_for_high_scale
    assert users == math.floor(users) and users > fields["users"]
    assert riskscale.assess(fields, users=users, policy=policy).scale_score >= d["scale_threshold"] - 1e-9
    if users >= 1:
        assert riskscale.assess(fields, users=users - 1, policy=policy).scale_score < d["scale_threshold"] + 1e-9


@given(accounts, st.sampled_from(FACTORS), unit, maybe_policies)
def test_risk_never_falls_when_a_factor_rises(fields, factor, value, policy):
    low, high = sorted([fields[factor], value])
    assert (riskscale.assess(fields, **{factor: low}, policy=policy).risk_score
            <= riskscale.assess(fields, **{factor: high}, policy=policy).risk_score)


@given(st.lists(accounts, min_size=1, max_size=40), maybe_policies, st.integers(1, 4))
def test_batch_equals_single_assess(rows, policy, threads):
    frame = pd.DataFrame(rows)
    frame.insert(0, "account_id", [f"H{i}" for i in range(len(rows))])
    result = riskscale.classify(frame, policy, threads=threads)
    for position, fields in enumerate(frame.to_dict(orient="records")):
        a = riskscale.assess(fields, policy=policy)
        row = result.iloc[position]
        for column in ("risk_score", "scale_score", "frequency_score", "reach_score", "margin"):
            assert row[column] == getattr(a, column), column
        for archetype, p in a.membership.items():
            assert row[f"p_{archetype}"] == p
        assert row["archetype"] == a.archetype and row["borderline"] == a.borderline
        assert (row["recommendations"] or "") == ";".join(r.id for r in a.recommendations)
        for column in ("users_for_high_scale", "active_days_for_high_scale"):
            value = getattr(a, column)
            assert (math.isnan(row[column]) if value is None else row[column] == value), column


@given(accounts, st.sampled_from(sorted(RANGES)),
       st.one_of(st.sampled_from([math.nan, math.inf, -math.inf]), st.floats(-1e12, -1e-9), st.floats(1.0001, 1e12)))
def test_a_value_out_of_range_is_flagged_in_its_column_never_clamped(fields, column, bad):
    lower, upper = RANGES[column]
    if lower <= bad <= upper:
        bad = upper * 2 + 1
    frame = pd.DataFrame([fields, dict(fields, **{column: bad})])
    result = riskscale.classify(frame, on_invalid="flag")
    assert pd.isna(result["invalid_reason"].iloc[0])
    assert result["invalid_reason"].iloc[1].startswith(f"{column}: {column} ")
    assert np.isnan(result["risk_score"].iloc[1]) and pd.isna(result["archetype"].iloc[1])

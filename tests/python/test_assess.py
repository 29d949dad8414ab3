"""riskscale.assess: one account, checked by hand and against every conformance row."""
import math

import numpy as np
import pandas as pd
import pytest

import riskscale
from conformance_rows import CASES, assessment_row, compare_row, read_accounts, read_expected

ACCOUNT = dict(account_id="low", sensitive_data=0.2, org_disruption=0.0, physical_safety=0.0,
               legal_exposure=0.0, active_days=5.0, users=10.0)


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_conformance_row_through_assess(conformance, case):
    accounts_file, expected_file, policy_file = CASES[case]
    policy = riskscale.Policy.from_json(conformance / policy_file) if policy_file else None
    document = (policy or riskscale.Policy()).to_dict()
    accounts = read_accounts(conformance / accounts_file)
    expected = read_expected(conformance / expected_file)
    assert list(accounts["account_id"]) == list(expected["account_id"])
    problems = []
    for position, fields in enumerate(accounts.to_dict(orient="records")):
        assessment = riskscale.assess(fields, policy=policy)
        assert assessment.account_id == fields["account_id"]
        problems += compare_row(assessment_row(assessment), expected.iloc[position], document)
    assert not problems, "\n".join(problems)
    assert len(accounts) == 90


def test_the_comparison_catches_a_wrong_row(conformance):
    """The checker used above fails on a score off by 1e-8, a swapped ranking and a lost distance."""
    expected = read_expected(conformance / "expected_default.csv")
    document = riskscale.Policy().to_dict()
    fields = read_accounts(conformance / "accounts.csv").to_dict(orient="records")
    position = next(i for i, row in expected.iterrows()
                    if len(row["recommendations"].split(";")) >= 2 and not math.isnan(row["users_for_high_scale"]))
    good = assessment_row(riskscale.assess(fields[position]))
    assert compare_row(good, expected.iloc[position], document) == []
    assert compare_row(dict(good, risk_score=good["risk_score"] + 1e-8), expected.iloc[position], document)
    swapped = list(good["recommendations"])
    swapped[0], swapped[1] = swapped[1], swapped[0]
    assert compare_row(dict(good, recommendations=swapped), expected.iloc[position], document)
    assert compare_row(dict(good, recommendations=good["recommendations"][:-1]), expected.iloc[position], document)
    assert compare_row(dict(good, users_for_high_scale=None), expected.iloc[position], document)
    assert compare_row(dict(good, users_for_high_scale=good["users_for_high_scale"] + 2), expected.iloc[position],
                       document)
    flipped = "high_scale_high_risk" if good["archetype"] != "high_scale_high_risk" else "low_scale_low_risk"
    assert compare_row(dict(good, archetype=flipped), expected.iloc[position], document)


def test_a_low_scale_account_by_hand():
    a = riskscale.assess(ACCOUNT)
    frequency, reach = 5 / 20, math.log(11) / math.log(1001)  # SPEC §3 defaults
    scale = frequency ** 0.4 * reach ** 0.6
    assert a.frequency_score == pytest.approx(frequency, abs=1e-12)
    assert a.reach_score == pytest.approx(reach, abs=1e-12)
    assert a.scale_score == pytest.approx(scale, abs=1e-12)
    assert a.risk_score == pytest.approx(0.8 * 0.2, abs=1e-12)
    assert a.archetype == "low_scale_low_risk"
    assert a.margin == pytest.approx(min(0.5 - 0.16, 0.5 - scale), abs=1e-12)
    assert a.borderline is False
    p_risk, p_scale = _sigmoid((0.16 - 0.5) / 0.1), _sigmoid((scale - 0.5) / 0.1)
    assert a.membership == pytest.approx({
        "high_scale_high_risk": p_scale * p_risk, "high_scale_low_risk": p_scale * (1 - p_risk),
        "low_scale_high_risk": (1 - p_scale) * p_risk, "low_scale_low_risk": (1 - p_scale) * (1 - p_risk)}, abs=1e-12)
    assert a.binding_scale_component == "frequency"
    assert a.risk_contributions == pytest.approx({"sensitive_data": 0.16, "org_disruption": 0.0,
                                                 "physical_safety": 0.0, "legal_exposure": 0.0}, abs=1e-12)
    # SPEC §6 distances: 240 users at today's frequency, 17.29 days at today's reach.
    target_reach = (0.5 / frequency ** 0.4) ** (1 / 0.6)
    assert a.users_for_high_scale == math.ceil(math.exp(target_reach * math.log(1001)) - 1) == 240
    assert a.active_days_for_high_scale == pytest.approx((0.5 / reach ** 0.6) ** (1 / 0.4) * 20, abs=1e-9)
    assert [r.id for r in a.recommendations] == ["role_based_on_demand", "role_based_email_nurture"]
    assert a.recommendations[0].score == pytest.approx(a.membership["low_scale_low_risk"], abs=1e-12)
    assert a.recommendations[1].score == pytest.approx(0.9 * a.membership["low_scale_low_risk"], abs=1e-12)


def test_a_high_scale_account_has_no_distances():
    a = riskscale.assess(sensitive_data=1, org_disruption=0, physical_safety=0, legal_exposure=0,
                         active_days=20, users=1000)
    assert (a.frequency_score, a.reach_score, a.scale_score) == (1.0, 1.0, 1.0)
    assert a.archetype == "high_scale_high_risk"
    assert a.high_risk and a.high_scale
    assert a.margin == pytest.approx(0.3, abs=1e-12)
    assert a.users_for_high_scale is None and a.active_days_for_high_scale is None
    assert a.account_id == ""


def test_keywords_equal_a_mapping_and_override_it():
    from_mapping = riskscale.assess(ACCOUNT)
    from_keywords = riskscale.assess(**ACCOUNT)
    assert from_mapping.to_dict() == from_keywords.to_dict()
    overridden = riskscale.assess(ACCOUNT, users=5000.0)
    assert overridden.reach_score == 1.0
    assert riskscale.assess(ACCOUNT, policy=riskscale.Policy(risk_threshold=0.1)).archetype == "low_scale_high_risk"


def test_numpy_and_integer_values_are_numbers():
    a = riskscale.assess(dict(ACCOUNT, sensitive_data=np.float32(0.25), users=np.int64(10), physical_safety=False))
    assert a.risk_score == pytest.approx(0.8 * 0.25, abs=1e-12)
    assert a.reach_score == riskscale.assess(ACCOUNT).reach_score


def test_a_dataframe_row_with_other_columns_is_accepted(repo_root):
    frame = pd.read_csv(repo_root / "examples" / "data" / "accounts.csv")
    row = frame.iloc[0].to_dict()
    assert isinstance(row["account_name"], str)
    a = riskscale.assess(row)
    assert a.account_id == row["account_id"]
    assert a.archetype == riskscale.classify(frame.iloc[:1])["archetype"].iloc[0]


def test_seats_is_optional_and_checked_when_given():
    assert riskscale.assess(dict(ACCOUNT, seats=None)).to_dict() == riskscale.assess(ACCOUNT).to_dict()
    with pytest.raises(riskscale.InputError, match="seats = -1 is below the range"):
        riskscale.assess(dict(ACCOUNT, seats=-1))


@pytest.mark.parametrize("change, words", [
    ({"sensitive_data": 1.2}, "field 'sensitive_data': sensitive_data = 1.2 is above the range; accepted: "
                              "a finite number in [0, 1]"),
    ({"users": -4}, "field 'users': users = -4 is below the range; accepted: a finite number in [0, 1e+09]"),
    ({"active_days": 32}, "field 'active_days': active_days = 32 is above the range; accepted: a finite number in "
                          "[0, 31]"),
    ({"org_disruption": float("nan")}, "field 'org_disruption': org_disruption is missing or not a number (NaN)"),
    ({"users": float("inf")}, "field 'users': users = inf is infinite"),
    ({"physical_safety": None}, "field 'physical_safety': physical_safety is missing (None)"),
    ({"legal_exposure": "high"}, "field 'legal_exposure': legal_exposure = 'high' is not a number"),
])
def test_invalid_values_raise_naming_account_field_value_and_range(change, words):
    with pytest.raises(riskscale.InputError) as caught:
        riskscale.assess(dict(ACCOUNT, **change))
    assert "account 'low'" in str(caught.value)
    assert words in str(caught.value), str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_missing_field_is_named():
    fields = {k: v for k, v in ACCOUNT.items() if k != "users"}
    with pytest.raises(riskscale.InputError, match="field 'users'.*the policy needs users"):
        riskscale.assess(fields)


def test_the_custom_policy_needs_its_new_factor(conformance):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json")
    with pytest.raises(riskscale.InputError, match="export_control"):
        riskscale.assess(ACCOUNT, policy=policy)
    a = riskscale.assess(ACCOUNT, export_control=1.0, policy=policy)
    assert a.risk_score == pytest.approx(1 - (1 - 0.6 * 0.2) * (1 - 0.7), abs=1e-12)
    assert set(a.risk_contributions) == {"sensitive_data", "legal_exposure", "export_control"}
    assert sum(a.risk_contributions.values()) == pytest.approx(a.risk_score, abs=1e-12)
    assert len(a.recommendations) <= 3  # top_k
    assert a.policy == policy


def test_every_invalid_conformance_row_raises_naming_its_column(conformance):
    frame = pd.read_csv(conformance / "invalid.csv", dtype=str, keep_default_na=False)
    faults = {"BAD_RANGE": "sensitive_data", "BAD_NEG": "users", "BAD_DAYS": "active_days",
              "BAD_NAN": "org_disruption", "BAD_EMPTY": "physical_safety", "BAD_TEXT": "legal_exposure"}

    def cell(text):  # a number where the text is one; '' is a missing value; other text stays text
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            return text

    for fields in frame.to_dict(orient="records"):
        fields = {k: (v if k == "account_id" else cell(v)) for k, v in fields.items()}
        account = fields["account_id"]
        if account in faults:
            with pytest.raises(riskscale.InputError) as caught:
                riskscale.assess(fields)
            assert f"account '{account}', field '{faults[account]}'" in str(caught.value)
        else:
            assert riskscale.assess(fields).archetype in riskscale.ARCHETYPES


def test_recommendations_are_ranked_above_min_score_and_cut_at_top_k():
    a = riskscale.assess(dict(ACCOUNT, sensitive_data=0.7, active_days=14, users=120))
    scores = [r.score for r in a.recommendations]
    assert scores == sorted(scores, reverse=True)
    assert all(s >= 0.25 for s in scores)
    assert all(isinstance(r, riskscale.Recommendation) and r.name and r.description for r in a.recommendations)
    top2 = riskscale.assess(dict(ACCOUNT, sensitive_data=0.7, active_days=14, users=120),
                            policy=riskscale.Policy(top_k=2))
    assert top2.recommendations == a.recommendations[:2]
    assert riskscale.assess(ACCOUNT, policy=riskscale.Policy(min_score=0.99)).recommendations == []


def test_explain_repr_and_html_name_the_archetype():
    a = riskscale.assess(dict(ACCOUNT, account_id="<Acme & Co>"))
    text = a.explain()
    assert text.startswith("<Acme & Co>: low_scale_low_risk")
    assert "to become high scale: 240 users" in text
    assert "role_based_on_demand" in text
    assert "archetype='low_scale_low_risk'" in repr(a)
    html = a._repr_html_()
    assert "<code>low_scale_low_risk</code>" in html
    assert "&lt;Acme &amp; Co&gt;" in html and "<Acme" not in html  # the id is escaped
    assert html.count("<tr>") == 1 + len(a.recommendations)
    assert "240" in html


def test_assessment_is_read_only_and_converts_to_a_dict():
    a = riskscale.assess(ACCOUNT)
    with pytest.raises(AttributeError):
        a.risk_score = 1.0
    d = a.to_dict()
    assert d["archetype"] == "low_scale_low_risk"
    assert d["recommendations"][0]["id"] == "role_based_on_demand"
    assert set(d["membership"]) == set(riskscale.ARCHETYPES)

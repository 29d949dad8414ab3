"""riskscale.metrics: each metric on hand-computed tables, the published Newcombe intervals, errors with row labels."""
import ast
import inspect
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import riskscale
from riskscale import _core, metrics

HSHR, HSLR, LSHR, LSLR = riskscale.ARCHETYPES
GROUPS = [HSHR, HSLR, LSHR, LSLR, "overall"]


# ---------------------------------------------------------------------------------------------
# adoption

@pytest.fixture
def accounts():
    return pd.DataFrame(
        {"account_id": ["a", "b", "c", "d", "e", "f"],
         "seats": [100, 50, 10, 0, np.nan, 40],
         "trained": [80, 50, 12, 0, 5, 10],
         "active": [60, 20, 5, 0, 5, 10],
         "archetype": pd.Categorical([HSHR, HSHR, HSLR, HSLR, LSHR, None], categories=list(riskscale.ARCHETYPES))},
        index=pd.Index(["r1", "r2", "r3", "r4", "r5", "r6"], name="row"))


def test_adoption_groups_hand_computed(accounts):
    table = metrics.adoption(accounts)
    assert list(table.index) == GROUPS
    assert table.index.name == "archetype"
    hshr = table.loc[HSHR]
    assert (hshr["accounts"], hshr["excluded"], hshr["seats"], hshr["trained"], hshr["active"]) == (2, 0, 150, 130, 80)
    assert hshr["training_coverage"] == pytest.approx(130 / 150)
    assert hshr["activation"] == pytest.approx(80 / 150)
    assert hshr["shelfware_seats"] == 70
    # HSLR: the inconsistent row is left out, the zero-seat row counts: NaN rates with a reason.
    assert table.loc[HSLR, "excluded"] == 1
    assert math.isnan(table.loc[HSLR, "activation"])
    assert table.loc[HSLR, "reason"] == "zero_seats"
    # Empty groups are there, with count 0 and NaN rates.
    for group in (LSHR, LSLR):
        assert table.loc[group, "accounts"] == 0
        assert math.isnan(table.loc[group, "training_coverage"])
        assert table.loc[group, "reason"] == "empty_group"
    overall = table.loc["overall"]
    assert (overall["accounts"], overall["excluded"], overall["seats"]) == (4, 2, 190)
    assert overall["training_coverage"] == pytest.approx(140 / 190)


def test_adoption_per_account_reports_reasons_without_clamping(accounts):
    table = metrics.adoption(accounts, level="account")
    assert list(table.index) == list(accounts.index)
    assert table.loc["r3", "training_coverage"] == pytest.approx(1.2)
    assert list(table["reason"]) == ["ok", "ok", "trained_above_seats", "zero_seats", "seats_not_finite", "ok"]
    assert table.loc["r6", "shelfware_seats"] == 30
    assert list(table["account_id"]) == list(accounts["account_id"])


def test_adoption_without_archetypes_has_only_overall(accounts):
    table = metrics.adoption(accounts.drop(columns="archetype"))
    assert list(table.index) == ["overall"]


def test_adoption_from_a_user_table(accounts):
    data = accounts[["account_id", "seats"]].iloc[:2]
    users = pd.DataFrame({"account_id": ["a", "a", "a", "b"], "trained": [True, True, False, False],
                          "active": [1, 0, 1, 0]}, index=["u1", "u2", "u3", "u4"])
    table = metrics.adoption(data, users, level="account")
    assert list(table["trained"]) == [2, 0]
    assert list(table["active"]) == [2, 0]
    assert list(table["trained_inactive"]) == [1, 0]
    assert list(table["active_untrained"]) == [1, 0]
    assert list(table["users"]) == [3, 1]
    overall = metrics.adoption(data, users).loc["overall"]
    assert (overall["trained_inactive"], overall["active_untrained"]) == (1, 1)
    with pytest.raises(ValueError, match=r"row 'u4', column 'account_id': 'zz' is not an account_id of data"):
        metrics.adoption(data, users.assign(account_id=["a", "a", "b", "zz"]))
    with pytest.raises(ValueError, match=r"row 'u2', column 'trained'.*accepted: 1 \(yes\) or 0 \(no\)"):
        metrics.adoption(data, users.assign(trained=[1, 2, 0, 0]))
    with pytest.raises(ValueError, match="not both"):
        metrics.adoption(accounts, users)


def test_adoption_refuses_bad_columns_naming_row_and_column(accounts):
    with pytest.raises(riskscale.InputError, match=r"missing column 'active'"):
        metrics.adoption(accounts.drop(columns="active"))
    bad = accounts.astype({"trained": object})
    bad.loc["r2", "trained"] = "many"
    with pytest.raises(ValueError, match=r"row 'r2', column 'trained': 'many' is not a number"):
        metrics.adoption(bad)
    bad = accounts.astype({"archetype": object})
    bad.loc["r5", "archetype"] = "medium"
    with pytest.raises(riskscale.InputError, match=r"row 'r5', column 'archetype': 'medium' is not an archetype; accepted: high_scale_high_risk, high_scale_low_risk, low_scale_high_risk, low_scale_low_risk, or empty$") as raised:
        metrics.adoption(bad)  # the CLI's sentence (tests/cli/test_metrics_cli.py), from the core's cell rule
    assert raised.value.row == "r5" and raised.value.column == "archetype"
    with pytest.raises(ValueError, match="level="):
        metrics.adoption(accounts, level="user")


# ---------------------------------------------------------------------------------------------
# funnel

STAGES = ["invited", "logged_in", "finished_course", "certified", "active_30_days"]


@pytest.fixture
def cohorts():
    rows = [[100, 80, 40, 30, 20], [50, 40, 20, 20, 10], [10, 12, 5, 5, 5], [10, 0, 0, 0, 0]]
    frame = pd.DataFrame(rows, columns=STAGES, index=["jan", "feb", "mar", "apr"])
    frame["archetype"] = [HSHR, HSHR, HSLR, LSHR]
    return frame


def test_funnel_rows_hand_computed(cohorts):
    table = metrics.funnel(cohorts, STAGES, level="row")
    assert table.loc["jan", "conversion_to_logged_in"] == pytest.approx(0.8)
    assert table.loc["jan", "conversion_to_finished_course"] == pytest.approx(0.5)
    assert table.loc["jan", "overall_conversion"] == pytest.approx(0.2)
    assert table.loc["jan", "largest_drop_stage"] == "finished_course"
    # Two steps tie at 0.5: the earliest is the largest drop.
    assert table.loc["feb", "largest_drop_stage"] == "finished_course"
    assert table.loc["mar", "reason"] == "stage_count_increases"
    assert table.loc["mar", "conversion_to_logged_in"] == pytest.approx(1.2)
    assert math.isnan(table.loc["apr", "conversion_to_finished_course"])
    assert table.loc["apr", "reason"] == "zero_stage_count"


def test_funnel_groups_sum_consistent_rows(cohorts):
    table = metrics.funnel(cohorts, STAGES)
    assert list(table.loc[HSHR, STAGES]) == [150, 120, 60, 50, 30]
    assert table.loc[HSHR, "conversion_to_certified"] == pytest.approx(50 / 60)
    assert table.loc[HSLR, "rows"] == 0 and table.loc[HSLR, "excluded"] == 1
    assert "empty_group" in table.loc[HSLR, "reason"]
    assert table.loc[LSLR, "largest_drop_stage"] is None
    assert list(table.loc["overall", STAGES]) == [160, 120, 60, 50, 30]


def test_funnel_from_furthest_stage_per_user():
    users = pd.DataFrame({"stage": ["invited", "logged_in", "certified", "certified", 4],
                          "cohort": ["x", "x", "x", "y", "y"],
                          "archetype": [HSHR, HSHR, HSHR, LSLR, LSLR]})
    table = metrics.funnel(users, STAGES, stage_column="stage", by="cohort", level="row")
    assert list(table.loc[("x", HSHR), STAGES]) == [3, 2, 1, 1, 0]
    assert list(table.loc[("y", LSLR), STAGES]) == [2, 2, 2, 2, 1]
    groups = metrics.funnel(users, STAGES, stage_column="stage", by="cohort")
    assert groups.loc[LSLR, "overall_conversion"] == pytest.approx(0.5)
    assert groups.loc["overall", "invited"] == 5
    with pytest.raises(ValueError, match=r"row 1, column 'stage': 'lost' is not a stage"):
        metrics.funnel(users.assign(stage=["invited", "lost", 0, 0, 0]), STAGES, stage_column="stage")
    with pytest.raises(ValueError, match=r"row 4, column 'stage'"):
        metrics.funnel(users.assign(stage=[0, 0, 0, 0, 7]), STAGES, stage_column="stage")


def test_funnel_refuses_bad_input(cohorts):
    with pytest.raises(ValueError, match="at least two"):
        metrics.funnel(cohorts, ["invited"])
    with pytest.raises(ValueError, match=r"row 'feb', column 'certified'.*accepted: a finite count >= 0"):
        metrics.funnel(cohorts.assign(certified=[1, -2, 0, 0]), STAGES)
    with pytest.raises(ValueError, match=r"missing column 'certified'"):
        metrics.funnel(cohorts.drop(columns="certified"), STAGES)


# ---------------------------------------------------------------------------------------------
# programme

def test_program_per_course_and_archetype():
    enrolments = pd.DataFrame({
        "course": ["A", "A", "A", "B", "B"],
        "completed": [True, True, False, True, False],
        "assessment_passed": [1, 0, np.nan, np.nan, 0],
        "days_to_completion": [10, 20, np.nan, 5, np.nan],
        "archetype": [HSHR, HSHR, HSLR, HSLR, None]})
    table = metrics.program(enrolments)
    assert table.index.names == ["course", "archetype"]
    a = table.loc[("A", "overall")]
    assert (a["enrolments"], a["completions"], a["assessed"], a["passed"]) == (3, 2, 2, 1)
    assert a["completion_rate"] == pytest.approx(2 / 3)
    assert a["pass_rate"] == 0.5
    assert a["median_days_to_completion"] == 15
    assert table.loc[("A", HSLR), "reason"] == "no_assessments;no_completion_times"
    assert table.loc[("B", LSLR), "enrolments"] == 0
    assert table.loc[("B", LSLR), "reason"] == "empty_group"
    every = table.loc[("overall", "overall")]
    assert every["completion_rate"] == pytest.approx(0.6)
    assert every["median_days_to_completion"] == 10
    with pytest.raises(ValueError, match=r"row 2, column 'days_to_completion'.*not completed"):
        metrics.program(enrolments.assign(days_to_completion=[10, 20, 3, 5, np.nan]))
    with pytest.raises(ValueError, match=r"missing column 'format'"):
        metrics.program(enrolments, by="format")


# ---------------------------------------------------------------------------------------------
# impact

# Newcombe RG (1998), Statistics in Medicine 17:873–890, Table II, method 10, examples (a)–(f).
NEWCOMBE_DIFFERENCES = [
    (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090), (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926), (0, 10, 0, 20, -0.1611, 0.2775), (10, 10, 0, 20, 0.6791, 1.0000)]
# Newcombe RG (1998), Statistics in Medicine 17:857–872, Table I, method 3 (Wilson).
WILSON = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)]


def flags(successes, trials):
    return [1] * successes + [0] * (trials - successes)


@pytest.mark.parametrize("x1, n1, x2, n2, lower, upper", NEWCOMBE_DIFFERENCES)
def test_impact_interval_matches_newcombe_table_ii(x1, n1, x2, n2, lower, upper):
    data = pd.DataFrame({"onboarding_completed": [1] * n1 + [0] * n2, "renewed": flags(x1, n1) + flags(x2, n2)})
    row = metrics.impact(data, min_group_size=0).loc[("renewed", "overall")]
    assert row["difference"] == pytest.approx(x1 / n1 - x2 / n2)
    assert round(row["ci_lower"], 4) == pytest.approx(lower, abs=1e-12)
    assert round(row["ci_upper"], 4) == pytest.approx(upper, abs=1e-12)
    assert row["reason"] == "ok"


@pytest.mark.parametrize("x, n, lower, upper", WILSON)
def test_wilson_interval_matches_newcombe_table_i(x, n, lower, upper):
    data = pd.DataFrame({"onboarding_completed": [1] * n + [0], "renewed": flags(x, n) + [0]})
    row = metrics.impact(data).loc[("renewed", "overall")]
    assert (round(row["completed_ci_lower"], 4), round(row["completed_ci_upper"], 4)) == (lower, upper)


def test_impact_groups_small_and_empty():
    data = pd.DataFrame({
        "onboarding_completed": [1] * 7 + [0] * 7 + [1] * 12,
        "renewed": flags(6, 7) + flags(2, 7) + flags(9, 12),
        "retained": [1] * 26,
        "archetype": [HSHR] * 14 + [HSLR] * 12})
    table = metrics.impact(data)
    assert table.index.names == ["outcome", "archetype"]
    assert list(table.index.get_level_values("outcome").unique()) == ["renewed", "retained"]
    hshr = table.loc[("renewed", HSHR)]
    assert (round(hshr["ci_lower"], 4), round(hshr["ci_upper"], 4)) == (0.0582, 0.8062)
    assert hshr["reason"] == "small_group"  # 7 and 7 accounts: flagged, values still given
    hslr = table.loc[("renewed", HSLR)]
    assert math.isnan(hslr["difference"]) and math.isnan(hslr["ci_lower"])
    assert hslr["reason"] == "small_group;not_completed_group_empty"
    assert table.loc[("renewed", LSHR), "reason"] == "small_group;completed_group_empty;not_completed_group_empty"
    assert table.loc[("retained", "overall"), "difference"] == 0
    with pytest.raises(ValueError, match=r"row 3, column 'renewed'.*accepted: 1 \(yes\) or 0 \(no\)"):
        metrics.impact(data.assign(renewed=[1, 1, 1, np.nan] + [0] * 22))
    with pytest.raises(ValueError, match="confidence"):
        metrics.impact(data, confidence=1.5)
    with pytest.raises(ValueError, match="no outcome column"):
        metrics.impact(data[["onboarding_completed"]])


# ---------------------------------------------------------------------------------------------
# interaction rate

def test_interaction_rate_per_row_and_pooled():
    channels = pd.DataFrame({"channel": ["forum", "forum", "linkedin", "slack"], "period": ["2024-01"] * 4,
                             "interactions": [50, 0, 30, 90], "posts": [10, 0, 5, 3], "followers": [1000, 100, 0, 2000],
                             "archetype": [HSHR, HSHR, HSLR, HSHR]})
    rows = metrics.interaction_rate(channels)
    assert rows["interaction_rate"].iloc[0] == pytest.approx(0.5)
    assert rows["interaction_rate"].iloc[3] == pytest.approx(1.5)
    assert list(rows["reason"]) == ["ok", "zero_posts", "zero_followers", "ok"]
    assert list(rows["channel"]) == list(channels["channel"])
    groups = metrics.interaction_rate(channels, level="group")
    assert groups.loc[HSHR, "interaction_rate"] == pytest.approx(140 / 16000 * 100)
    assert groups.loc[HSLR, "reason"] == "empty_group"
    with pytest.raises(ValueError, match=r"row 1, column 'followers'"):
        metrics.interaction_rate(channels.assign(followers=[1, -1, 0, 0]))


# ---------------------------------------------------------------------------------------------
# cost

def test_cost_of_modes_for_learner_counts_and_break_even():
    table = metrics.cost(learners=[20, 45, 221])
    assert list(table["ilt_onsite_sessions"]) == [1, 3, 12]
    assert table.loc[45, "ilt_onsite_total"] == 3 * 2310
    assert table.loc[221, "on_demand_total"] == 25000 + 8 * 221
    assert table.loc[20, "on_demand_per_learner"] == pytest.approx((25000 + 160) / 20)
    assert table.attrs["break_even"] == {"ilt_onsite": 221, "ilt_virtual": 1441}
    assert metrics.break_even() == 221
    assert metrics.break_even(instructor_led="ilt_virtual") == 1441
    assert metrics.break_even(on_demand={"per_learner": 200}) is None
    assert math.isnan(metrics.cost(learners=0)["ilt_virtual_per_learner"].iloc[0])


def test_cost_settings_defaults_overrides_and_files(tmp_path):
    defaults = metrics.cost_settings()
    assert defaults["ilt_onsite"] == {"class_size": 20, "trainer_per_session": 1500, "travel_per_session": 600,
                                      "lodging_per_session": 150, "per_diem_per_session": 60}
    assert set(defaults["format_modes"]) == set(riskscale.Policy().catalog_ids)
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"ilt_onsite": {"class_size": 10}, "format_modes": {"webinar": "on_demand"}}))
    merged = metrics.cost_settings(path, ilt_onsite={"trainer_per_session": 1000})
    assert merged["ilt_onsite"]["class_size"] == 10
    assert merged["ilt_onsite"]["trainer_per_session"] == 1000
    assert merged["format_modes"]["webinar"] == "on_demand"
    assert metrics.break_even(settings=str(path)) == metrics.break_even(ilt_onsite={"class_size": 10})
    with pytest.raises(riskscale.RiskscaleError, match=r"\$\.ilt_onsite\.class_size"):
        metrics.cost_settings(ilt_onsite={"class_size": 0})
    with pytest.raises(ValueError, match=r"\$\.colour"):
        metrics.cost(learners=[1], colour="red")


def test_cost_of_recommended_mixes():
    accounts = pd.DataFrame({
        "account_id": ["a", "b", "c", "d"], "users": [45, 10, 5, 0],
        "recommendations": ["onsite_training;on_demand_library", "on_demand_library;knowledge_certification",
                            "onsite_training;webinar", "on_demand_library"],
        "archetype": [HSHR, HSHR, LSHR, LSLR]})
    rows = metrics.cost(accounts, level="account")
    assert rows.loc[0, "total_cost"] == 3 * 2310 + 25000 + 8 * 45
    assert rows.loc[0, "ilt_onsite_cost"] == 3 * 2310
    assert rows.loc[1, "total_cost"] == 25000 + 80 + 2000
    assert math.isnan(rows.loc[2, "total_cost"])
    assert rows.loc[2, "reason"] == "unknown_format"
    assert rows.loc[2, "unknown_formats"] == "webinar"
    assert rows.loc[3, "reason"] == "zero_learners"
    groups = metrics.cost(accounts)
    # The on-demand course is created once for the two HSHR accounts.
    assert groups.loc[HSHR, "total_cost"] == 3 * 2310 + 8 * 55 + 25000 + 2000
    assert groups.loc[LSHR, "unpriced"] == 1
    assert groups.loc[HSLR, "reason"] == "empty_group"
    priced = metrics.cost(accounts, level="account", format_modes={"webinar": "ilt_virtual"})
    assert priced.loc[2, "total_cost"] == 2310 + 1000
    with pytest.raises(ValueError, match=r"row 1, column 'users'"):
        metrics.cost(accounts.assign(users=[1, -1, 1, 1]))
    with pytest.raises(ValueError, match="not both"):
        metrics.cost(accounts, learners=[1])


def test_metrics_over_classified_accounts(conformance):
    """The output of riskscale.classify joined to the data groups every metric by archetype."""
    data = pd.read_csv(conformance / "accounts.csv")
    data = data[data["users"].notna()].head(50).reset_index(drop=True)
    classified = riskscale.classify(data, on_invalid="flag")
    joined = data.join(classified[["archetype", "recommendations"]])
    joined["seats"] = joined["users"] + 5
    joined["trained"] = joined["users"] // 2
    joined["active"] = joined["users"] // 3
    table = metrics.adoption(joined)
    assert list(table.index) == GROUPS
    counted = table.loc[list(riskscale.ARCHETYPES), "accounts"].sum() + table.loc[list(riskscale.ARCHETYPES), "excluded"].sum()
    assert counted == joined["archetype"].notna().sum()
    costs = metrics.cost(joined[joined["archetype"].notna()])
    assert costs.loc["overall", "unpriced"] == 0
    assert costs.loc["overall", "accounts"] == joined["archetype"].notna().sum()


# ---------------------------------------------------------------------------------------------
# the public names


def test_the_module_shows_its_public_names_only():
    assert dir(metrics) == sorted(metrics.__all__)
    assert not {"np", "pd", "os", "Any", "json"} & set(dir(metrics))
    assert riskscale.metrics is metrics
    assert metrics.REASONS == tuple(_core.METRIC_REASONS)

"""The metrics' DataFrames have the columns the C++ core declares (riskscale._core.METRIC_COLUMNS, from
include/riskscale/metrics/schema.hpp), and riskscale.metrics.columns gives that declaration."""
from pathlib import Path

import pandas as pd
import pytest

import riskscale
from riskscale import _core, metrics

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "data"
HSHR, LSLR = "high_scale_high_risk", "low_scale_low_risk"


def declared(metric, level, data=None, **choice):
    present = [str(c) for c in data.columns] if data is not None else []
    return _core.metric_output_names(metric, level, present, False, choice.get("with_users", False),
                                     list(choice.get("stages", ())), choice.get("by") or "")


def shown(frame, keys=0):
    """The frame's columns, after the first `keys` index levels (the group keys a DataFrame keeps as its index)."""
    return list(frame.index.names[:keys]) + list(frame.columns)


def test_columns_gives_the_declaration_and_refuses_unknown_metrics():
    assert set(_core.METRIC_COLUMNS) >= {"adoption", "funnel", "program", "impact", "interaction", "cost"}
    impact = metrics.columns("impact")
    assert [c["name"] for c in impact["inputs"]][:1] == ["onboarding_completed"]
    assert [c["name"] for c in impact["outputs"]["group"]][-3:] == ["ci_lower", "ci_upper", "reason"]
    seats = next(c for c in metrics.columns("adoption")["inputs"] if c["name"] == "seats")
    assert seats == {"name": "seats", "required": True, "kind": "count",
                     "accepted": "licensed seats per account, a count >= 0"}
    impact["inputs"].clear()  # a copy: the declaration stays as it is
    assert metrics.columns("impact")["inputs"]
    assert "columns" in metrics.__all__
    with pytest.raises(ValueError, match="accepted: one of adoption"):
        metrics.columns("nothing")


def test_adoption_frames_have_the_declared_columns():
    data = pd.DataFrame({"account_id": ["A1", "A2"], "seats": [10, 5], "trained": [5, 5], "active": [4, 1],
                         "archetype": [HSHR, LSLR]})
    assert shown(metrics.adoption(data), 1) == declared("adoption", "group", data)
    assert shown(metrics.adoption(data, level="account")) == declared("adoption", "account", data)
    bare = data.drop(columns=["account_id", "archetype"])
    assert shown(metrics.adoption(bare, level="account")) == declared("adoption", "account", bare)
    seats = data[["account_id", "seats"]]
    users = pd.DataFrame({"account_id": ["A1", "A1", "A2"], "trained": [1, 0, 1], "active": ["yes", "no", "no"]})
    for level, keys in (("group", 1), ("account", 0)):
        assert shown(metrics.adoption(seats, users, level=level), keys) == declared("adoption", level, seats,
                                                                                     with_users=True)


def test_funnel_frames_have_the_declared_columns():
    stages = ["invited", "logged_in", "certified"]
    data = pd.DataFrame({"cohort": ["c1", "c2"], "invited": [10, 5], "logged_in": [8, 4], "certified": [3, 1],
                         "archetype": [HSHR, None]})
    assert shown(metrics.funnel(data, stages), 1) == declared("funnel", "group", data, stages=stages)
    for by in (None, "cohort"):
        assert shown(metrics.funnel(data, stages, level="row", by=by)) == declared("funnel", "row", data,
                                                                                  stages=stages, by=by)
    users = pd.DataFrame({"cohort": ["c1", "c1", "c2"], "stage": ["certified", 0, 1]})
    per_cohort = metrics.funnel(users, stages, stage_column="stage", by="cohort", level="row")
    assert list(per_cohort.index.names) == ["cohort"]  # the cohort keys are the index
    assert shown(per_cohort) == declared("funnel", "row", None, stages=stages)


def test_program_impact_interaction_and_cost_frames_have_the_declared_columns():
    enrolments = pd.DataFrame({"course": ["A", "B"], "completed": [1, 0]})
    assert shown(metrics.program(enrolments), 2) == declared("program", "group", by="course")
    accounts = pd.DataFrame({"onboarding_completed": [1, 0, 1], "renewed": [1, 1, 0], "archetype": [HSHR] * 3})
    assert shown(metrics.impact(accounts), 2) == declared("impact", "group")
    channels = pd.DataFrame({"channel": ["forum"], "period": ["p"], "interactions": [5], "posts": [1],
                             "followers": [10]})
    assert shown(metrics.interaction_rate(channels)) == declared("interaction", "row", channels)
    assert shown(metrics.interaction_rate(channels, level="group"), 1) == declared("interaction", "group", channels)
    classified = riskscale.classify(pd.read_csv(EXAMPLES / "accounts.csv").head(20))
    costs = pd.DataFrame({"users": 40, "recommendations": classified["recommendations"].to_numpy()})
    assert shown(metrics.cost(costs), 1) == declared("cost", "group", costs)
    assert shown(metrics.cost(costs, level="account")) == declared("cost", "account", costs)

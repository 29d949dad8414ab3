"""riskscale.calibrate and riskscale.validate: a planted policy recovered, the Calibration object,
refusals naming the row label, validate's intervals against hand-computed values, the plot."""
import json
import math

import numpy as np
import pandas as pd
import pytest

import riskscale

FACTORS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure"]
PLANTED = riskscale.Policy.from_dict({
    "version": 1, "risk_threshold": 0.4, "scale_threshold": 0.6,
    "risk_weights": {"sensitive_data": 0.6, "org_disruption": 0.75, "physical_safety": 0.5, "legal_exposure": 0.95},
    "scale_weights": {"frequency": 0.6, "reach": 0.4}})


def accounts(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"account_id": [f"A{i}" for i in range(n)]}, index=pd.Index([f"r{i}" for i in range(n)]))
    for f in FACTORS:
        frame[f] = rng.random(n) ** 3
    frame["active_days"] = 31 * rng.random(n)
    frame["users"] = np.floor(np.expm1(rng.random(n) * np.log1p(1e4)))
    return frame


@pytest.fixture(scope="module")
def labelled():
    frame = accounts(1500, 21)
    truth = riskscale.classify(frame, PLANTED)["archetype"].astype(str).to_numpy().copy()
    rng = np.random.default_rng(22)
    labels = truth.copy()
    for i in np.flatnonzero(rng.random(len(labels)) < 0.05):
        labels[i] = riskscale.ARCHETYPES[(riskscale.ARCHETYPES.index(labels[i]) + 1 + rng.integers(3)) % 4]
    frame["cs_label"] = labels
    return frame


def test_calibrate_recovers_thresholds_with_known_weights(labelled):
    start = PLANTED.replace(risk_threshold=0.5, scale_threshold=0.5)
    cal = riskscale.calibrate(labelled, label="cs_label", policy=start, fit=["risk_threshold", "scale_threshold"])
    assert abs(cal.policy.risk_threshold - 0.4) < 0.03
    assert abs(cal.policy.scale_threshold - 0.6) < 0.03
    assert cal.report["cross_validation"]["mean"] > cal.report["cross_validation"]["start_mean"]
    assert list(cal.parameters.index) == ["risk_threshold", "scale_threshold"]
    assert cal.parameters.loc["risk_threshold", "before"] == 0.5


def test_calibration_object(labelled):
    cal = riskscale.calibrate(labelled, label="cs_label")
    assert isinstance(cal.policy, riskscale.Policy)
    assert riskscale.Policy.from_json(cal.policy.to_json()) == cal.policy
    fitted = cal.confusion["fitted"]
    assert list(fitted.index) == list(riskscale.ARCHETYPES) and list(fitted.columns) == list(riskscale.ARCHETYPES)
    assert int(fitted.to_numpy().sum()) == len(labelled)
    off_diagonal = int(fitted.to_numpy().sum() - np.trace(fitted.to_numpy()))
    assert len(cal.disagreements) == off_diagonal
    # Disagreements are indexed by the frame's own row labels and really disagree.
    assert set(cal.disagreements.index) <= set(labelled.index)
    row = cal.disagreements.index[0]
    assert labelled.loc[row, "cs_label"] == cal.disagreements.loc[row, "label"]
    reclassified = riskscale.classify(labelled, cal.policy)
    assert reclassified.loc[row, "archetype"] == cal.disagreements.loc[row, "fitted"] != labelled.loc[row, "cs_label"]
    assert cal.report["fitted"]["agreement"] > cal.report["start"]["agreement"]
    assert "Calibration" in cal._repr_html_() and "<table" in cal._repr_html_()
    assert repr(cal).startswith("Calibration(1500 accounts")


def test_split_labels_and_determinism(labelled):
    frame = labelled.copy()
    frame["risk"] = np.where(frame["cs_label"].str.endswith("high_risk"), "high", "low")
    frame["scale"] = np.where(frame["cs_label"].str.startswith("high_scale"), "high", "low")
    a = riskscale.calibrate(frame, label=("risk", "scale"), folds=3, seed=4)
    b = riskscale.calibrate(frame, label="cs_label", folds=3, seed=4)
    assert a.policy == b.policy
    assert a.report == b.report


def test_l2_infinity_keeps_the_start(labelled):
    cal = riskscale.calibrate(labelled, label="cs_label", l2=math.inf, folds=0)
    assert cal.policy == riskscale.Policy()


def test_refusals_name_the_row_label(labelled):
    frame = labelled.copy()
    frame.loc["r5", "cs_label"] = "churned"
    with pytest.raises(ValueError, match=r"row 'r5', column 'cs_label': 'churned' is not an archetype id"):
        riskscale.calibrate(frame, label="cs_label")
    with pytest.raises(ValueError, match="at least 20 labelled accounts; got 19"):
        riskscale.calibrate(labelled.head(19), label="cs_label")
    frame = labelled.copy()
    frame["cs_label"] = "low_scale_low_risk"
    with pytest.raises(ValueError, match="risk_threshold cannot be identified"):
        riskscale.calibrate(frame, label="cs_label")
    frame = labelled.copy()
    frame.loc["r7", "users"] = -3
    with pytest.raises(ValueError, match="row 'r7'"):
        riskscale.calibrate(frame, label="cs_label")
    with pytest.raises(ValueError, match="unknown parameter to fit 'threshold'"):
        riskscale.calibrate(labelled, label="cs_label", fit=["threshold"])


def quadrant_frame(counts):
    """A classify-like frame: per archetype (accounts, events)."""
    rows = []
    for archetype, (n, x) in counts.items():
        rows += [{"archetype": archetype, "borderline": i % 4 == 0, "churned": int(i < x)} for i in range(n)]
    frame = pd.DataFrame(rows)
    frame["archetype"] = pd.Categorical(frame["archetype"], categories=list(riskscale.ARCHETYPES))
    return frame


def test_validate_hand_computed_intervals():
    frame = quadrant_frame({"high_scale_high_risk": (30, 28), "low_scale_high_risk": (40, 28),
                            "high_scale_low_risk": (40, 24), "low_scale_low_risk": (40, 24)})
    table = riskscale.validate(frame, outcome="churned")
    # Wilson 28/30 = [0.786765, 0.981523]; Newcombe 56/70 - 48/80 = 0.2 [0.0524, 0.3339] (Newcombe 1998).
    assert table.loc["high_scale_high_risk", "lower"] == pytest.approx(0.786765, abs=1e-6)
    assert table.loc["high_scale_high_risk", "upper"] == pytest.approx(0.981523, abs=1e-6)
    assert table.loc["high_risk", "events"] == 56 and table.loc["high_risk", "accounts"] == 70
    risk = table.attrs["high_minus_low_risk"]
    assert risk["difference"] == pytest.approx(0.2)
    assert risk["lower"] == pytest.approx(0.0524, abs=5e-5) and risk["upper"] == pytest.approx(0.3339, abs=5e-5)
    assert table.attrs["quadrants_separate"] is True
    assert "The quadrants separate churned" in table.attrs["verdict"]
    assert table.loc["borderline", "accounts"] + table.loc["not_borderline", "accounts"] == 150


def test_validate_non_separating_outcome_and_plot():
    frame = quadrant_frame({a: (20, 10) for a in riskscale.ARCHETYPES})
    table = riskscale.validate(frame, outcome=frame["churned"].astype(bool))
    assert table.attrs["quadrants_separate"] is False
    assert "do not separate" in table.attrs["verdict"]
    import matplotlib
    matplotlib.use("Agg")
    ax = riskscale.plot_validation(table)
    assert len(ax.patches) == 4
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.5] * 4)


def test_validate_refuses_a_bad_outcome_naming_the_row():
    frame = quadrant_frame({"high_scale_high_risk": (5, 2)})
    frame.loc[3, "churned"] = 2
    with pytest.raises(ValueError, match=r"row 3, column 'churned': 2 is not an outcome"):
        riskscale.validate(frame, outcome="churned")


def test_validate_refuses_an_archetype_that_is_no_id_naming_the_row():
    # As `riskscale validate` does (tests/cli/test_calibrate_cli.py); an empty archetype is an
    # account classify could not score, and counts in no quadrant.
    frame = quadrant_frame({"high_scale_high_risk": (5, 2)})
    frame["archetype"] = frame["archetype"].astype(object)
    frame.loc[2, "archetype"] = "mid_scale"
    with pytest.raises(riskscale.InputError, match=r"row 2, column 'archetype': 'mid_scale' is not an archetype id; "
                                                   r"accepted: high_scale_high_risk, .*, or empty") as raised:
        riskscale.validate(frame, outcome="churned")
    assert raised.value.row == 2 and raised.value.column == "archetype"
    frame.loc[2, "archetype"] = ""
    assert riskscale.validate(frame, outcome="churned").loc["high_scale_high_risk", "accounts"] == 4

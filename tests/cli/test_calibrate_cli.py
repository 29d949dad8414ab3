"""`riskscale calibrate` and `riskscale validate`: labels made by classifying with a planted policy,
the fitted policy file, the report formats, refusals, and validate's intervals and verdict."""
import json

import numpy as np
import pandas as pd
import pytest

FACTORS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure"]
PLANTED = {"version": 1, "risk_threshold": 0.4, "scale_threshold": 0.6,
           "risk_weights": {"sensitive_data": 0.6, "org_disruption": 0.75, "physical_safety": 0.5,
                            "legal_exposure": 0.95},
           "scale_weights": {"frequency": 0.6, "reach": 0.4}}


def accounts(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"account_id": [f"A{i}" for i in range(n)]})
    for f in FACTORS:
        frame[f] = rng.random(n) ** 3
    frame["active_days"] = 31 * rng.random(n)
    frame["users"] = np.floor(np.expm1(rng.random(n) * np.log1p(1e4)))
    return frame


@pytest.fixture()
def labelled(run, tmp_path):
    """1,000 accounts labelled by the planted policy (through `riskscale classify`), 5 % flipped."""
    frame = accounts(1000, 3)
    frame.to_csv(tmp_path / "accounts.csv", index=False)
    (tmp_path / "planted.json").write_text(json.dumps(PLANTED))
    done = run("classify", tmp_path / "accounts.csv", "--policy", tmp_path / "planted.json",
               "-o", tmp_path / "planted.csv")
    assert done.returncode == 0, done.stderr
    archetypes = pd.read_csv(tmp_path / "planted.csv")["archetype"].to_numpy().copy()
    ids = ["high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"]
    rng = np.random.default_rng(4)
    flip = rng.random(len(archetypes)) < 0.05
    for i in np.flatnonzero(flip):
        archetypes[i] = ids[(ids.index(archetypes[i]) + 1 + rng.integers(3)) % 4]
    frame["cs_label"] = archetypes
    frame.to_csv(tmp_path / "labelled.csv", index=False)
    return tmp_path


def test_calibrate_writes_a_whole_policy_and_reports(run, labelled):
    out = labelled / "fitted.json"
    done = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "-o", out, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["accounts"] == 1000
    assert report["fitted"]["agreement"] > report["start"]["agreement"]
    assert report["cross_validation"]["folds"] == 5
    assert report["cross_validation"]["mean"] > report["cross_validation"]["start_mean"]
    names = [p["name"] for p in report["parameters"]]
    assert names[:2] == ["risk_threshold", "scale_threshold"]
    assert "scale_weights.reach" in names
    fitted = json.loads(out.read_text())
    assert abs(fitted["scale_threshold"] - 0.6) < 0.03
    # The fitted file loads and validates like any other policy.
    check = run("policy", "validate", out)
    assert check.returncode == 0, check.stderr
    # Each disagreement names the file line of a labelled account.
    for d in report["disagreements"]:
        assert 2 <= d["row"] <= 1001
        assert d["label"] != d["fitted"]


def test_calibrate_text_and_markdown_and_determinism(run, labelled):
    a = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "-o", labelled / "a.json", "--seed", "9")
    b = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "-o", labelled / "b.json", "--seed", "9",
            "--format", "markdown")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert b"5-fold cross-validated agreement" in a.stdout
    assert b"risk_threshold: 0.5000 -> " in a.stdout
    assert b"| parameter | before | after |" in b.stdout
    assert (labelled / "a.json").read_text() == (labelled / "b.json").read_text()


def test_calibrate_fit_list_keeps_the_start_policys_other_sections(run, labelled):
    start = dict(PLANTED, risk_threshold=0.5, scale_threshold=0.5, min_score=0.3, top_k=2)
    (labelled / "start.json").write_text(json.dumps(start))
    out = labelled / "fitted.json"
    done = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "--policy", labelled / "start.json",
               "--fit", "risk_threshold,scale_threshold", "--folds", "0", "-o", out)
    assert done.returncode == 0, done.stderr
    fitted = json.loads(out.read_text())
    assert abs(fitted["risk_threshold"] - 0.4) < 0.03
    assert abs(fitted["scale_threshold"] - 0.6) < 0.03
    assert fitted["min_score"] == 0.3 and fitted["top_k"] == 2
    assert fitted["risk_weights"] == PLANTED["risk_weights"]


def test_calibrate_refusals(run, labelled, tmp_path):
    frame = pd.read_csv(labelled / "labelled.csv", float_precision="round_trip")
    frame.loc[7, "cs_label"] = "churned"
    frame.to_csv(tmp_path / "bad_label.csv", index=False)
    done = run("calibrate", tmp_path / "bad_label.csv", "--label", "cs_label", "-o", tmp_path / "f.json")
    assert done.returncode == 2
    assert b"line 9, column 'cs_label'" in done.stderr and b"'churned' is not an archetype id" in done.stderr
    assert not (tmp_path / "f.json").exists()

    frame = pd.read_csv(labelled / "labelled.csv", float_precision="round_trip").head(19)
    frame.to_csv(tmp_path / "few.csv", index=False)
    done = run("calibrate", tmp_path / "few.csv", "--label", "cs_label", "-o", tmp_path / "f.json")
    assert done.returncode == 2 and b"at least 20 labelled accounts; got 19" in done.stderr

    frame = pd.read_csv(labelled / "labelled.csv", float_precision="round_trip")
    frame["cs_label"] = np.where(np.arange(len(frame)) % 2 == 0, "high_scale_low_risk", "low_scale_low_risk")
    frame.to_csv(tmp_path / "no_high_risk.csv", index=False)
    done = run("calibrate", tmp_path / "no_high_risk.csv", "--label", "cs_label", "-o", tmp_path / "f.json")
    assert done.returncode == 2 and b"risk_threshold cannot be identified" in done.stderr

    done = run("calibrate", labelled / "labelled.csv", "--label", "nope", "-o", tmp_path / "f.json")
    assert done.returncode == 2 and b"no column 'nope'" in done.stderr
    done = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "--fit", "threshold", "-o", tmp_path / "f.json")
    assert done.returncode == 2 and b"accepted: risk_threshold" in done.stderr
    # The input is never the output.
    done = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "-o", labelled / "labelled.csv")
    assert done.returncode == 2


def test_calibrate_separate_risk_and_scale_labels(run, labelled):
    frame = pd.read_csv(labelled / "labelled.csv", float_precision="round_trip")
    frame["risk"] = np.where(frame["cs_label"].str.endswith("high_risk"), "high", "low")
    frame["scale"] = np.where(frame["cs_label"].str.startswith("high_scale"), "high", "low")
    frame.drop(columns="cs_label").to_csv(labelled / "split.csv", index=False)
    one = run("calibrate", labelled / "labelled.csv", "--label", "cs_label", "-o", labelled / "one.json", "--folds", "0")
    two = run("calibrate", labelled / "split.csv", "--risk-label", "risk", "--scale-label", "scale",
              "-o", labelled / "two.json", "--folds", "0")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert (labelled / "one.json").read_text() == (labelled / "two.json").read_text()


def classified_with_outcome(run, tmp_path, rates):
    """A classified portfolio whose outcome has the given rate per archetype (deterministic)."""
    frame = accounts(800, 5)
    frame.to_csv(tmp_path / "acc.csv", index=False)
    done = run("classify", tmp_path / "acc.csv", "-o", tmp_path / "classified.csv")
    assert done.returncode == 0, done.stderr
    classified = pd.read_csv(tmp_path / "classified.csv", keep_default_na=False)
    outcome = np.zeros(len(classified), dtype=int)
    for archetype, rate in rates.items():
        rows = np.flatnonzero(classified["archetype"].to_numpy() == archetype)
        outcome[rows[: int(round(rate * len(rows)))]] = 1
    classified["churned"] = outcome
    classified.to_csv(tmp_path / "with_outcome.csv", index=False)
    return tmp_path / "with_outcome.csv", classified


def test_validate_separating_outcome(run, tmp_path):
    path, classified = classified_with_outcome(run, tmp_path, {"high_scale_high_risk": 0.9, "low_scale_low_risk": 0.1,
                                                               "high_scale_low_risk": 0.5, "low_scale_high_risk": 0.5})
    done = run("validate", path, "--outcome", "churned", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["quadrants_separate"] is True
    groups = {g["group"]: g for g in report["groups"]}
    hshr = groups["high_scale_high_risk"]
    expected_events = int(round(0.9 * (classified["archetype"] == "high_scale_high_risk").sum()))
    assert hshr["events"] == expected_events
    assert hshr["lower"] < hshr["rate"] < hshr["upper"]
    assert groups["borderline"]["accounts"] + groups["not_borderline"]["accounts"] == report["accounts"]
    assert "The quadrants separate churned" in report["verdict"]


def test_validate_non_separating_outcome_in_words(run, tmp_path):
    path, _ = classified_with_outcome(run, tmp_path, {a: 0.3 for a in ["high_scale_high_risk", "high_scale_low_risk",
                                                                       "low_scale_high_risk", "low_scale_low_risk"]})
    done = run("validate", path, "--outcome", "churned")
    assert done.returncode == 0, done.stderr
    assert b"The quadrants do not separate churned" in done.stdout
    assert b"(Newcombe)" in done.stdout


def test_validate_refuses_a_bad_outcome(run, tmp_path):
    path, classified = classified_with_outcome(run, tmp_path, {"high_scale_high_risk": 0.5})
    classified.loc[3, "churned"] = 2
    classified.to_csv(tmp_path / "bad.csv", index=False)
    done = run("validate", tmp_path / "bad.csv", "--outcome", "churned")
    assert done.returncode == 2 and b"line 5, column 'churned': '2' is not an outcome" in done.stderr


def test_validate_refuses_an_archetype_that_is_no_id(run, tmp_path):
    path, classified = classified_with_outcome(run, tmp_path, {"high_scale_high_risk": 0.5})
    classified.loc[3, "archetype"] = "mid_scale"
    classified.to_csv(tmp_path / "bad.csv", index=False)
    done = run("validate", tmp_path / "bad.csv", "--outcome", "churned")
    assert done.returncode == 2
    assert (b"line 5, column 'archetype': 'mid_scale' is not an archetype id; accepted: high_scale_high_risk, "
            b"high_scale_low_risk, low_scale_high_risk, low_scale_low_risk, or empty") in done.stderr

"""riskscale.report(metrics=..., plans=...): the Onboarding and lifecycle section and the journey map of
given plans, the same bytes as `riskscale report --metrics KIND=FILE --plans FILE`, and the errors."""
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import riskscale

from conftest import REPORT_START as START
FILES = {"adoption": "metrics_adoption.csv", "funnel": "metrics_funnel.csv", "program": "metrics_enrolments.csv",
         "interaction": "metrics_channels.csv", "impact": "metrics_impact.csv"}




def text_frame(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)



@pytest.mark.parametrize("typed", [True, False], ids=["typed", "text"])
def test_same_bytes_as_the_command_line(cli_report, cli, data, tmp_path, typed):
    accounts = pd.read_csv(data / "accounts.csv")
    read = pd.read_csv if typed else text_frame
    metrics = {kind: read(data / name) for kind, name in FILES.items()}
    plans = riskscale.plans(accounts, start=START)
    plans_csv = tmp_path / "plans.csv"
    done = subprocess.run([str(cli), "plan", str(data / "accounts.csv"), "--all", "--start", START, "-o",
                           str(plans_csv)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "python.html"
    result = riskscale.report(accounts, path, metrics=metrics, plans=plans if typed else text_frame(plans_csv),
                              start=START)
    args = [a for kind, name in FILES.items() for a in ("--metrics", f"{kind}={data / name}")]
    expected = cli_report(tmp_path, data / "accounts.csv", *args, "--plans", plans_csv)
    assert path.read_bytes() == expected
    assert 'id="lifecycle"' in result.html and "The given plans" in result.html


def test_one_metric_and_the_section_numbers(data, tmp_path):
    accounts = pd.read_csv(data / "accounts.csv")
    impact = pd.read_csv(data / "metrics_impact.csv")
    result = riskscale.report(accounts, tmp_path / "r.html", metrics={"impact": impact}, start=START)
    expected = riskscale.metrics.impact(impact)
    overall = expected.loc[("renewed", "overall")]
    row = f'<tr data-outcome="renewed" data-group="overall">'
    cells = result.html[result.html.index(row):result.html.index("</tr>", result.html.index(row))]
    assert f'<td class="n rate-completed">{100 * overall["rate_completed"]:.1f}%</td>' in cells
    assert f'<td class="n difference">{100 * overall["difference"]:+.1f}</td>' in cells
    assert "No impact table given" not in result.html
    assert 'id="lifecycle-table"' in result.html and "no leading metric given" in result.html


def test_errors_name_the_table_row_and_column(data, tmp_path):
    accounts = pd.read_csv(data / "accounts.csv")
    path = tmp_path / "r.html"
    with pytest.raises(ValueError, match="'churn' is not a metric kind; accepted: funnel"):
        riskscale.report(accounts, path, metrics={"churn": pd.DataFrame()})
    with pytest.raises(ValueError, match=r"metrics\['impact'\]: expected a pandas DataFrame"):
        riskscale.report(accounts, path, metrics={"impact": [1, 2]})
    bad = pd.DataFrame({"onboarding_completed": ["1", "maybe"], "renewed": ["1", "0"]}, index=["x", "y"])
    with pytest.raises(riskscale.InputError,
                       match=r"metrics\['impact'\]: row 'y', column 'onboarding_completed': 'maybe' is not a flag"):
        riskscale.report(accounts, path, metrics={"impact": bad})
    seats = pd.DataFrame({"seats": [10, -1], "trained": [1, 1], "active": [1, 1]}, index=["a", "b"])
    report = riskscale.report(accounts, path, metrics={"adoption": seats})  # a negative count is a reason, not a refusal
    assert "training coverage" in report.html
    plans = riskscale.plans(accounts.head(3), start=START)
    plans.index = [f"t{i}" for i in range(len(plans))]
    plans["channel"] = plans["channel"].astype(str)
    plans.loc["t1", "channel"] = "fax"
    with pytest.raises(riskscale.InputError, match=r"plans, row 't1', column 'channel': 'fax' is not a channel"):
        riskscale.report(accounts, path, plans=plans)
    with pytest.raises(ValueError, match="account with metrics or plans"):
        riskscale.report(accounts, path, account="ACC-000001", plans=plans)
    assert not (tmp_path / "never.html").exists()

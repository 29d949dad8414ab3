"""`riskscale report --metrics KIND=FILE` and `--plans`: the Onboarding and lifecycle section with the
numbers `riskscale metrics` prints (checked in the DOM headless Chromium renders), and the journey map
of given plans."""
import csv
import io
import re

import pytest

from test_report_cli import ARCHETYPES, DATA, METRICS, START, browse, structure_of


@pytest.fixture(scope="module")
def plans_csv(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("plans") / "plans.csv"
    done = run("plan", DATA / "accounts.csv", "--all", "--start", START, "-o", out)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def lifecycle_report(run, plans_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("lifecycle") / "report.html"
    done = run("report", DATA / "accounts.csv", "--start", START, *METRICS, "--plans", plans_csv, "-o", out)
    assert done.returncode == 0, done.stderr
    return out


def metrics_csv(run, *args):
    done = run("metrics", *args, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout.decode())))


def percent(text):
    return "–" if text == "" else f"{100 * float(text):.1f}%"


def points(text):
    return "–" if text == "" else f"{100 * float(text):+.1f}"


def test_dom_has_the_metrics_of_riskscale_metrics(run, lifecycle_report, tmp_path):
    done, requested = browse(tmp_path, lifecycle_report, "--dump-dom")
    assert requested == []
    dom = done.stdout.decode()
    page = structure_of(dom)
    assert page.errors == []
    assert page.sections == ["summary", "portfolio", "talk", "lifecycle", "journeys"]
    section = re.search(r'<section id="lifecycle">.*?</section>', dom, re.S).group(0)
    # Impact: every rate, difference and interval is `riskscale metrics impact`'s, small groups flagged.
    impact = metrics_csv(run, "impact", DATA / "metrics_impact.csv")
    assert len(impact) == 10  # renewed and expanded, four archetypes and overall
    for row in impact:
        cells = re.search(rf'<tr data-outcome="{row["outcome"]}" data-group="{row["archetype"]}">(.*?)</tr>',
                          section, re.S)
        assert cells, row
        values = re.findall(r"<td[^>]*>(.*?)</td>", cells.group(1))
        assert values[2] == row["accounts_completed"]
        assert values[3] == percent(row["rate_completed"])
        assert values[4] == f'{percent(row["completed_ci_lower"])} to {percent(row["completed_ci_upper"])}'
        assert values[6] == percent(row["rate_not_completed"])
        assert values[8] == points(row["difference"])
        assert values[9] == f'{points(row["ci_lower"])} to {points(row["ci_upper"])}'
        assert values[10] == row["reason"]
        if "small_group" in row["reason"]:
            assert '<td class="flag">small_group</td>' in cells.group(0)
    assert any("small_group" in row["reason"] for row in impact)
    # An error bar per row with an interval, inside a chart with a title, a description and axis labels.
    chart = re.search(r'<svg id="impact-chart".*?</svg>', section, re.S).group(0)
    assert chart.count('class="error-bar"') == sum(row["ci_lower"] != "" for row in impact)
    assert "<title" in chart and "<desc" in chart and "percentage points" in chart
    # Adoption and programme: the per-archetype values of `riskscale metrics adoption` and `program`.
    table = re.search(r'<table id="lifecycle-table">.*?</table>', section, re.S).group(0)

    def shown(metric):
        row = re.search(rf'<tr data-metric="{re.escape(metric)}">(.*?)</tr>', table, re.S).group(1)
        return dict(re.findall(r'data-group="([a-z_]+)">([^<]*)</td>', row))

    adoption = {row["archetype"]: row for row in metrics_csv(run, "adoption", DATA / "metrics_adoption.csv")}
    coverage = shown("training coverage")
    assert coverage == {group: percent(adoption[group]["training_coverage"]) for group in ARCHETYPES + ["overall"]}
    program = {row["archetype"]: row for row in metrics_csv(run, "program", DATA / "metrics_enrolments.csv")
               if row["course"] == "overall"}
    completion = shown("course completion")
    assert completion == {group: percent(program[group]["completion_rate"]) for group in ARCHETYPES + ["overall"]}
    # Each metric with its lifecycle stage.
    for stage, metric in [("onboarding", "funnel conversion"), ("onboarding", "course completion"),
                          ("adoption", "activation"), ("adoption", "community interaction")]:
        assert f'<tr data-metric="{metric}"><td>{stage}</td>' in table
    # The summary includes the metrics.
    headlines = re.search(r'<ol class="headlines" id="headlines">.*?</ol>', dom, re.S).group(0)
    assert "renewed (renewal): " in headlines and "training coverage (adoption, trained / seats)" in headlines


def test_journey_map_of_the_given_plans(lifecycle_report, plans_csv):
    text = lifecycle_report.read_text()
    rows = list(csv.DictReader(plans_csv.open()))
    journeys = re.search(r'<section id="journeys">.*?</section>', text, re.S).group(0)
    assert "The given plans" in journeys
    for archetype in ARCHETYPES:
        account = re.search(rf'<h3 id="journey-{archetype}">[^:]*: ([^<]+)</h3>', journeys).group(1)
        planned = [r for r in rows if r["account_id"] == account]
        assert planned and all(r["archetype"] == archetype for r in planned)
        assert f'id="journey-chart-{archetype}"' in journeys
        figure = journeys[journeys.index(f'id="journey-{archetype}"'):]
        assert re.search(r"Its (\d+) touchpoints", figure).group(1) == str(len(planned))


def test_plans_of_one_archetype_give_one_journey(run, plans_csv, tmp_path):
    lines = plans_csv.read_text().splitlines()
    one = tmp_path / "one.csv"
    one.write_text("\n".join([lines[0]] + [l for l in lines[1:] if l.startswith("ACC-000001,")]) + "\n")
    out = tmp_path / "report.html"
    done = run("report", DATA / "accounts.csv", "--start", START, "--plans", one, "-o", out)
    assert done.returncode == 0, done.stderr
    assert re.findall(r'<h3 id="journey-([a-z_]+)">[^:]*: ([^<]+)</h3>', out.read_text()) == [
        ("high_scale_high_risk", "ACC-000001")]


def test_errors_name_the_file_line_and_column(run, plans_csv, tmp_path):
    out = tmp_path / "report.html"
    done = run("report", DATA / "accounts.csv", "--metrics", "churn=x.csv", "-o", out)
    assert done.returncode == 2 and b"'churn' is not a metric kind; accepted: funnel" in done.stderr
    done = run("report", DATA / "accounts.csv", "--metrics", "impact", "-o", out)
    assert done.returncode == 2 and b"accepted: KIND=FILE" in done.stderr
    done = run("report", DATA / "accounts.csv", *METRICS[:2], *METRICS[:2], "-o", out)
    assert done.returncode == 2 and b"given twice" in done.stderr
    bad = tmp_path / "impact.csv"
    bad.write_text("account_id,onboarding_completed,renewed\nA,1,1\nB,maybe,0\n")
    done = run("report", DATA / "accounts.csv", "--metrics", f"impact={bad}", "-o", out)
    assert done.returncode == 2
    assert b"impact.csv line 3, column 'onboarding_completed': 'maybe' is not a number" in done.stderr
    lines = plans_csv.read_text().splitlines()
    broken = tmp_path / "plans.csv"
    broken.write_text("\n".join([lines[0], lines[1].replace(",email,", ",fax,", 1)]) + "\n")
    done = run("report", DATA / "accounts.csv", "--plans", broken, "-o", out)
    assert done.returncode == 2
    assert b"plans.csv line 2, column 'channel': 'fax' is not a channel; accepted: email" in done.stderr
    done = run("report", DATA / "accounts.csv", "--account", "ACC-000001", *METRICS[:2], "-o", out)
    assert done.returncode == 2 and b"--account with --metrics" in done.stderr
    assert not out.exists()

"""riskscale.report: the same HTML bytes as `riskscale report` for the same accounts (one renderer,
src/report), the welcome pack, the notebook view and the errors."""
from pathlib import Path

import pandas as pd
import pytest

import riskscale

from conftest import REPORT_START as START




def read(path: Path) -> pd.DataFrame:
    # Text cells, so that the numbers are parsed by the core's reader, as the command line parses them.
    return pd.read_csv(path, dtype=str, keep_default_na=False)



def test_same_bytes_as_the_command_line_with_a_previous_snapshot(cli_report, data, tmp_path):
    path = tmp_path / "python.html"
    result = riskscale.report(read(data / "accounts.csv"), path, previous=read(data / "accounts_previous.csv"),
                              start=START)
    assert isinstance(result, riskscale.Report)
    expected = cli_report(tmp_path, data / "accounts.csv", "--previous", data / "accounts_previous.csv")
    assert path.read_bytes() == expected
    assert result.html.encode("utf-8") == expected
    assert 'id="movement"' in result.html


def test_same_bytes_with_rejected_rows_and_through_the_policys_inputs(cli_report, data, repo_root, tmp_path):
    path = tmp_path / "python.html"
    riskscale.report(read(data / "accounts_with_errors.csv"), path, start=START)
    assert path.read_bytes() == cli_report(tmp_path, data / "accounts_with_errors.csv", exits=(1,))
    assert 'id="rejected-count">6<' in path.read_text()
    policy_file = repo_root / "examples" / "policies" / "crm.json"
    riskscale.report(read(data / "crm_accounts.csv"), path, riskscale.Policy.from_json(policy_file), start=START)
    assert path.read_bytes() == cli_report(tmp_path, data / "crm_accounts.csv", "--policy", policy_file, exits=(1,))


def test_counts_are_the_summary_of_classify(data, tmp_path):
    accounts = read(data / "accounts.csv")
    result = riskscale.report(accounts, tmp_path / "r.html", start=START)
    counts = riskscale.classify(accounts)["archetype"].value_counts()
    for archetype in riskscale.ARCHETYPES:
        assert (f'<tr data-archetype="{archetype}"><td><span class="tag a{riskscale.ARCHETYPES.index(archetype)}">'
                f'{archetype}</span></td><td class="n count">{counts[archetype]:,}</td>') in result.html


def test_welcome_pack_same_bytes_and_notebook_view(cli_report, data, tmp_path):
    path = tmp_path / "pack.html"
    pack = riskscale.report(read(data / "accounts.csv"), path, account="ACC-000042", start=START)
    assert path.read_bytes() == cli_report(tmp_path, data / "accounts.csv", "--account", "ACC-000042")
    assert "Welcome, ACC-000042" in pack.html
    view = pack._repr_html_()
    assert view.startswith("<iframe ") and 'srcdoc="&lt;!DOCTYPE html&gt;' in view
    assert "<script" not in view
    assert repr(pack) == f"Report({str(path)!r}, {len(pack.html.encode()) / 1000:.1f} kB)"


def test_errors_name_the_account_and_the_argument(data, tmp_path):
    accounts = read(data / "accounts.csv")
    with pytest.raises(riskscale.InputError, match="NOPE-1"):
        riskscale.report(accounts, tmp_path / "x.html", account="NOPE-1")
    with pytest.raises(ValueError, match="top=0"):
        riskscale.report(accounts, tmp_path / "x.html", top=0)
    with pytest.raises(ValueError, match="previous and account"):
        riskscale.report(accounts, tmp_path / "x.html", previous=accounts, account="ACC-000001")
    twice = pd.concat([accounts, accounts.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="ACC-000001"):
        riskscale.report(twice, tmp_path / "x.html", previous=accounts)
    with pytest.raises(ValueError, match="expected a pandas DataFrame"):
        riskscale.report([1, 2], tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_goals_same_bytes_from_a_list_or_the_file(cli_report, data, repo_root, tmp_path):
    goals_file = repo_root / "examples" / "goals" / "goals.json"
    path = tmp_path / "python.html"
    accounts, previous = read(data / "accounts.csv"), read(data / "accounts_previous.csv")
    result = riskscale.report(accounts, path, previous=previous, goals=goals_file, start=START)
    expected = cli_report(tmp_path, data / "accounts.csv", "--previous", data / "accounts_previous.csv",
                          "--goals", goals_file)
    assert path.read_bytes() == expected
    import json
    as_list = riskscale.report(accounts, tmp_path / "list.html", previous=previous,
                               goals=json.loads(goals_file.read_text()), start=START)
    assert as_list.html == result.html
    assert '<section id="goals">' in result.html
    # Without the previous snapshot the movement goal is shown as not measured, not as a number.
    alone = riskscale.report(accounts, tmp_path / "alone.html", goals=goals_file, start=START)
    assert "not measured (needs a previous snapshot)" in alone.html
    with pytest.raises(ValueError, match=r"\$\[0\]\.metric"):
        riskscale.report(accounts, tmp_path / "x.html", goals=[{"initiative": "x", "metric": "nope", "target": 1}])

"""riskscale.summary and riskscale.plot_matrix over classified portfolios."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import riskscale  # noqa: E402
from conformance_rows import read_accounts  # noqa: E402

SCORES = ["risk_score", "scale_score", "frequency_score", "reach_score"]


@pytest.fixture(scope="module")
def portfolio(repo_root):
    """examples/data/accounts.csv (2,400 accounts) classified with the defaults."""
    return riskscale.classify(pd.read_csv(repo_root / "examples" / "data" / "accounts.csv"))


def _check_summary(result, table, watch):
    valid = result[result["archetype"].notna()]
    counts = valid["archetype"].value_counts()
    assert list(table.index) == list(riskscale.ARCHETYPES) + ["all"]
    for archetype in riskscale.ARCHETYPES:
        rows = valid[valid["archetype"] == archetype]
        assert table.loc[archetype, "accounts"] == counts[archetype] == len(rows)
        assert table.loc[archetype, "borderline"] == rows["borderline"].sum()
        for column in SCORES:
            want = rows[column].mean() if len(rows) else np.nan
            np.testing.assert_allclose(table.loc[archetype, f"mean_{column}"], want, rtol=0, atol=1e-12)
    assert table.loc["all", "accounts"] == len(valid) == counts.sum()
    assert table.loc["all", "borderline"] == valid["borderline"].sum()
    np.testing.assert_allclose(table["share"], table["accounts"] / len(valid), rtol=0, atol=1e-15)
    assert table.attrs["rejected"] == len(result) - len(valid)

    lists = valid["recommendations"].fillna("").str.split(";")
    formats = table.attrs["formats"].set_index("format")
    for format_id, row in formats.iterrows():
        assert row["accounts"] == lists.apply(lambda ids: format_id in ids).sum()
        assert row["first_choice"] == lists.str[0].eq(format_id).sum()
    assert list(formats["accounts"]) == sorted(formats["accounts"], reverse=True)
    mentioned = {f for ids in lists for f in ids if f}
    assert set(formats.index) == mentioned

    closest = table.attrs["closest"]
    assert len(closest) == min(watch, len(valid))
    assert list(closest["margin"]) == sorted(valid["margin"])[:watch]
    by_id = valid.set_index("account_id")
    for _, entry in closest.iterrows():
        assert by_id.loc[entry["account_id"], "margin"] == entry["margin"]
        assert by_id.loc[entry["account_id"], "archetype"] == entry["archetype"]


def test_summary_counts_equal_value_counts(portfolio):
    table = riskscale.summary(portfolio)
    assert table.loc["all", "accounts"] == 2400
    _check_summary(portfolio, table, watch=10)


def test_summary_of_the_custom_conformance_case(conformance):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json")
    result = riskscale.classify(read_accounts(conformance / "accounts_custom.csv"), policy)
    table = riskscale.summary(result, policy, watch=5)
    _check_summary(result, table, watch=5)
    assert (table.attrs["formats"]["accounts"] <= table.loc["all", "accounts"]).all()


def test_summary_counts_flagged_rows_as_rejected(conformance):
    result = riskscale.classify(pd.read_csv(conformance / "invalid.csv"), on_invalid="flag")
    table = riskscale.summary(result)
    assert table.attrs["rejected"] == 6
    _check_summary(result, table, watch=10)


def test_summary_of_an_empty_portfolio():
    empty = riskscale.classify({c: np.zeros(0) for c in riskscale.Policy().input_fields})
    table = riskscale.summary(empty)
    assert (table["accounts"] == 0).all() and table.attrs["rejected"] == 0
    assert table["mean_risk_score"].isna().all()


def _threshold_lines(ax):
    vertical = [line.get_xdata()[0] for line in ax.lines if line.get_xdata()[0] == line.get_xdata()[1]]
    horizontal = [line.get_ydata()[0] for line in ax.lines if line.get_ydata()[0] == line.get_ydata()[1]]
    return vertical, horizontal


def test_plot_matrix_draws_points_and_threshold_lines(portfolio):
    ax = riskscale.plot_matrix(portfolio)
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
        assert _threshold_lines(ax) == ([0.5], [0.5])  # scale threshold on x, risk threshold on y
        points = sum(len(c.get_offsets()) for c in ax.collections)
        assert points == len(portfolio) + portfolio["borderline"].sum()  # borderline accounts are ringed
        labels = ax.get_legend_handles_labels()[1]
        counts = portfolio["archetype"].value_counts()
        for archetype in riskscale.ARCHETYPES:
            assert f"{archetype} ({counts[archetype]})" in labels
        assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)
        assert "scale" in ax.get_xlabel() and "risk" in ax.get_ylabel()
    finally:
        plt.close(ax.figure)


def test_plot_matrix_uses_the_given_axes_and_policy(conformance):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json")
    result = riskscale.classify(read_accounts(conformance / "accounts_custom.csv"), policy)
    figure, given = plt.subplots()
    try:
        ax = riskscale.plot_matrix(result, ax=given, policy=policy)
        assert ax is given
        assert _threshold_lines(ax) == ([0.55], [0.4])
    finally:
        plt.close(figure)


def test_plot_matrix_skips_flagged_rows(conformance):
    result = riskscale.classify(pd.read_csv(conformance / "invalid.csv"), on_invalid="flag")
    ax = riskscale.plot_matrix(result)
    try:
        assert sum(len(c.get_offsets()) for c in ax.collections) == 2 + result["borderline"].sum()
    finally:
        plt.close(ax.figure)


def test_summary_and_recommendations_read_the_policy_classify_recorded():
    """A result classified under a custom catalogue is read with that catalogue, not the defaults."""
    import riskscale as rs
    policy = rs.Policy(catalog=[{"id": "shadowing", "affinity": {"low_scale_low_risk": 1, "low_scale_high_risk": 1}},
                                {"id": "webinar", "affinity": {"high_scale_low_risk": 1, "high_scale_high_risk": 1}}])
    frame = pd.DataFrame({"account_id": ["a", "b"], "sensitive_data": [0.1, 0.9], "org_disruption": [0.0, 0.5],
                          "physical_safety": [0.0, 0.0], "legal_exposure": [0.0, 0.8],
                          "active_days": [2.0, 25.0], "users": [3.0, 4000.0]})
    result = rs.classify(frame, policy)
    table = rs.summary(result)  # the default catalogue has no "shadowing": this would raise
    assert table.attrs["formats"]["format"].tolist() == ["shadowing", "webinar"]
    long = rs.recommendations(result)
    assert long.loc[long["account_id"] == "a", "format"].iloc[0] == "shadowing"
    assert long.loc[long["account_id"] == "b", "format"].iloc[0] == "webinar"

"""The risk–scale matrix as a matplotlib plot."""

from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from ._classify import ARCHETYPES
from ._policy import Policy, _policy_of

__all__ = ["plot_matrix"]

_COLOURS = {
    "high_scale_high_risk": "#c0392b",
    "high_scale_low_risk": "#2980b9",
    "low_scale_high_risk": "#e67e22",
    "low_scale_low_risk": "#27ae60",
}


def plot_matrix(result: pd.DataFrame, ax: Optional[Any] = None, policy: Optional[Policy] = None) -> Any:
    """Plot accounts on the 2×2 risk–scale matrix.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`riskscale.classify`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    policy : Policy, optional
        Supplies the thresholds (SPEC defaults when omitted).

    Returns
    -------
    matplotlib Axes
        Scale on x, risk on y, threshold lines, quadrant labels, points coloured by
        archetype, borderline accounts ringed.
    """
    import matplotlib.pyplot as plt  # optional dependency, imported on use

    settings = (_policy_of(result, policy) or Policy()).to_dict()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    for archetype in ARCHETYPES:
        rows = result[result["archetype"] == archetype]
        ax.scatter(rows["scale_score"], rows["risk_score"], s=12, alpha=0.6, color=_COLOURS[archetype],
                   label=f"{archetype} ({len(rows)})")
    borderline = result[result["borderline"].fillna(False).astype(bool)]
    if len(borderline):
        ax.scatter(borderline["scale_score"], borderline["risk_score"], s=40, facecolors="none",
                   edgecolors="black", linewidths=0.6, label=f"borderline ({len(borderline)})")
    _draw_quadrants(ax, settings)
    ax.set_xlabel("scale score (frequency × reach)")
    ax.set_title("Risk–scale onboarding matrix")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax


def _draw_quadrants(ax, settings) -> None:
    """The matrix's frame on ``ax``: the policy's two thresholds, the quadrant names, [0, 1] axes."""
    ax.axvline(settings["scale_threshold"], color="grey", linestyle="--", linewidth=1)
    ax.axhline(settings["risk_threshold"], color="grey", linestyle="--", linewidth=1)
    for x, y, text in ((0.98, 0.98, "high scale\nhigh risk"), (0.98, 0.02, "high scale\nlow risk"),
                       (0.02, 0.98, "low scale\nhigh risk"), (0.02, 0.02, "low scale\nlow risk")):
        ax.text(x, y, text, transform=ax.transAxes, ha="right" if x > 0.5 else "left",
                va="top" if y > 0.5 else "bottom", fontsize=9, color="dimgrey")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel("risk score")

"""The portfolio at a glance, as the command line's `riskscale summary` shows it."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd

from . import _columns, _core
from ._classify import ARCHETYPES
from ._policy import Policy, _core_policy, _policy_of

__all__ = ["summary"]

_SCORES = ("risk_score", "scale_score", "frequency_score", "reach_score")


def _partial(result: pd.DataFrame, core_policy: "_core.Policy", watch: int, part: int = 0) -> "_core.Summary":
    """The core's summary of one table (or one partition; `part` orders its rows after earlier parts)."""
    codes, _ = _columns.archetype_codes(result["archetype"])  # no archetype: a rejected row, as the CLI counts it
    position = {format_id: k for k, format_id in enumerate(core_policy.catalog_ids)}
    factorized, uniques = pd.factorize(result["recommendations"].fillna(""), sort=False)
    width = max(core_policy.recommendation_width, 1)
    table = np.full((len(uniques) + 1, width), -1, dtype=np.int16)
    lengths = np.zeros(len(uniques) + 1, dtype=np.int16)
    for u, parts in enumerate(_columns.split_lists(uniques)):
        unknown = [p for p in parts if p not in position]
        if unknown:
            raise ValueError(f"column 'recommendations': format {unknown[0]!r} is not in the policy's catalogue; "
                             "accepted: the policy the table was classified with")
        table[u, : len(parts)] = [position[p] for p in parts]
        lengths[u] = len(parts)
    factorized = np.where(factorized < 0, len(uniques), factorized)
    account_ids = (result["account_id"].astype(str).tolist() if "account_id" in result
                   else [str(label) for label in result.index])
    summary = _core.Summary(core_policy, watch)
    summary.add_rows(
        account_ids,
        np.ascontiguousarray(codes),
        np.ascontiguousarray(result["margin"].to_numpy(dtype=np.float64)),
        np.ascontiguousarray(result["borderline"].fillna(False).to_numpy(dtype=bool)),
        *(np.ascontiguousarray(result[c].to_numpy(dtype=np.float64)) for c in _SCORES),
        np.ascontiguousarray(table[factorized]),
        np.ascontiguousarray(lengths[factorized]),
        part,
    )
    return summary


def _combine(partials: List["_core.Summary"], watch: int) -> "_core.Summary":
    """Partial summaries merged by the core: counts and sums add, the watch list keeps the smallest margins."""
    del watch  # each partial keeps its own watch list of that size
    combined = partials[0]
    for other in partials[1:]:
        combined.merge(other)
    return combined


def _frame(summary: "_core.Summary") -> pd.DataFrame:
    """The summary table; every count, share and mean is the core's."""
    tables = summary.tables()
    frame = pd.DataFrame.from_dict({name: tables["rows"][name] for name in (*ARCHETYPES, "all")}, orient="index")
    frame.index.name = "archetype"
    frame.attrs["formats"] = pd.DataFrame(tables["formats"], columns=["format", "accounts", "share", "first_choice"])
    frame.attrs["closest"] = pd.DataFrame(tables["closest"], columns=["account_id", "archetype", "margin"])
    frame.attrs["rejected"] = tables["rejected"]
    return frame


def summary(result: pd.DataFrame, policy: Optional[Policy] = None, *, watch: int = 10) -> pd.DataFrame:
    """Summarise a classified portfolio.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`riskscale.classify` (rows with a missing archetype count as
        rejected).
    policy : Policy, optional
        The policy used to classify (it names the formats); SPEC defaults when omitted.
    watch : int
        How many accounts closest to changing quadrant to list.

    Returns
    -------
    DataFrame
        One row per archetype and an ``all`` row: ``accounts``, ``share``, ``borderline``
        and the mean scores (NaN for an empty group). ``.attrs`` holds ``"formats"``
        (most recommended formats with ``accounts``, ``share`` and ``first_choice``),
        ``"closest"`` (accounts with the smallest margins) and ``"rejected"``.

    Examples
    --------
    >>> table = summary(classify(accounts))           # doctest: +SKIP
    >>> table.loc["all", "accounts"]                  # doctest: +SKIP
    2400
    """
    return _frame(_combine([_partial(result, _core_policy(_policy_of(result, policy)), watch)], watch))

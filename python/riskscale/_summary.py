"""The portfolio at a glance, as the command line's `riskscale summary` shows it."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd

from . import _core
from ._classify import ARCHETYPES
from ._policy import Policy, _core_policy, _policy_of

_SCORES = ("risk_score", "scale_score", "frequency_score", "reach_score")


def _partial(result: pd.DataFrame, core_policy: "_core.Policy", watch: int, part: int = 0) -> Dict[str, Any]:
    """Counts and sums of one table (or one partition), computed by the core."""
    archetype = result["archetype"]
    codes = (archetype.cat.codes if hasattr(archetype, "cat") else
             pd.Series(pd.Categorical(archetype, categories=list(ARCHETYPES)).codes)).to_numpy(dtype=np.int8)
    position = {format_id: k for k, format_id in enumerate(core_policy.catalog_ids)}
    factorized, uniques = pd.factorize(result["recommendations"].fillna(""), sort=False)
    width = max(core_policy.recommendation_width, 1)
    table = np.full((len(uniques) + 1, width), -1, dtype=np.int16)
    lengths = np.zeros(len(uniques) + 1, dtype=np.int16)
    for u, text in enumerate(uniques):
        parts = [p for p in str(text).split(";") if p]
        unknown = [p for p in parts if p not in position]
        if unknown:
            raise ValueError(f"column 'recommendations': format {unknown[0]!r} is not in the policy's catalogue; "
                             "accepted: the policy the table was classified with")
        table[u, : len(parts)] = [position[p] for p in parts]
        lengths[u] = len(parts)
    factorized = np.where(factorized < 0, len(uniques), factorized)
    account_ids = (result["account_id"].astype(str).tolist() if "account_id" in result
                   else [str(label) for label in result.index])
    raw = _core.summarize(
        account_ids,
        np.ascontiguousarray(codes),
        np.ascontiguousarray(result["margin"].to_numpy(dtype=np.float64)),
        np.ascontiguousarray(result["borderline"].fillna(False).to_numpy(dtype=bool)),
        *(np.ascontiguousarray(result[c].to_numpy(dtype=np.float64)) for c in _SCORES),
        np.ascontiguousarray(table[factorized]),
        np.ascontiguousarray(lengths[factorized]),
        core_policy,
        watch,
    )
    for entry in raw["closest"]:
        entry["order"] = (part, entry["order"])  # input order across partitions
    return raw


def _combine(partials: List[Dict[str, Any]], watch: int) -> Dict[str, Any]:
    """Adds partial summaries: counts and sums add; the watch list keeps the smallest margins."""
    def add(a: Dict[str, Any], b: Dict[str, Any]) -> Dict[str, Any]:
        return {key: a[key] + b[key] for key in a}
    combined = partials[0]
    for other in partials[1:]:
        formats: Dict[int, Dict[str, Any]] = {f["index"]: dict(f) for f in combined["formats"]}
        for f in other["formats"]:
            if f["index"] in formats:
                formats[f["index"]]["accounts"] += f["accounts"]
                formats[f["index"]]["first_choice"] += f["first_choice"]
            else:
                formats[f["index"]] = dict(f)
        combined = {
            "total": add(combined["total"], other["total"]),
            "rejected": combined["rejected"] + other["rejected"],
            "archetypes": {a: add(combined["archetypes"][a], other["archetypes"][a]) for a in ARCHETYPES},
            "formats": list(formats.values()),
            "closest": sorted(combined["closest"] + other["closest"],
                              key=lambda e: (e["margin"], e["order"]))[:watch],
        }
    combined["formats"] = sorted(combined["formats"], key=lambda f: (-f["accounts"], f["index"]))
    return combined


def _frame(raw: Dict[str, Any]) -> pd.DataFrame:
    """The summary table from combined counts and sums."""
    total = raw["total"]["accounts"]
    rows = {name: raw["archetypes"][name] for name in ARCHETYPES}
    rows["all"] = raw["total"]
    records = {}
    for name, counts in rows.items():
        n = counts["accounts"]
        records[name] = {
            "accounts": n,
            "share": n / total if total else 0.0,
            "borderline": counts["borderline"],
            **{f"mean_{c}": (counts[f"sum_{c}"] / n if n else np.nan) for c in _SCORES},
        }
    frame = pd.DataFrame.from_dict(records, orient="index")
    frame.index.name = "archetype"
    formats = pd.DataFrame(raw["formats"], columns=["format", "accounts", "first_choice"])
    formats.insert(2, "share", formats["accounts"] / total if total else 0.0)
    frame.attrs["formats"] = formats
    frame.attrs["closest"] = pd.DataFrame(raw["closest"], columns=["account_id", "archetype", "margin"])
    frame.attrs["rejected"] = raw["rejected"]
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

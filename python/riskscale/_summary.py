"""The portfolio at a glance, as the command line's `riskscale summary` shows it."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from . import _core
from ._classify import ARCHETYPES
from ._policy import Policy, _core_policy


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
        and the mean scores. ``.attrs`` holds ``"formats"`` (most recommended formats,
        with ``accounts``, ``share`` and ``first_choice`` counts), ``"closest"`` (accounts
        with the smallest margins) and ``"rejected"``.
    """
    core_policy = _core_policy(policy)
    codes = result["archetype"].cat.codes.to_numpy(dtype=np.int8) if hasattr(result["archetype"], "cat") else \
        pd.Categorical(result["archetype"], categories=list(ARCHETYPES)).codes.astype(np.int8)
    ids = core_policy.catalog_ids
    position = {format_id: k for k, format_id in enumerate(ids)}
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
    account_ids = result["account_id"].astype(str).tolist() if "account_id" in result else \
        [str(label) for label in result.index]
    raw = _core.summarize(
        account_ids,
        np.ascontiguousarray(codes),
        np.ascontiguousarray(result["margin"].to_numpy(dtype=np.float64)),
        np.ascontiguousarray(result["borderline"].fillna(False).to_numpy(dtype=bool)),
        *(np.ascontiguousarray(result[c].to_numpy(dtype=np.float64))
          for c in ("risk_score", "scale_score", "frequency_score", "reach_score")),
        np.ascontiguousarray(table[factorized]),
        np.ascontiguousarray(lengths[factorized]),
        core_policy,
        watch,
    )
    total = raw["total"]["accounts"]
    rows = {name: raw["archetypes"][name] for name in ARCHETYPES}
    rows["all"] = raw["total"]
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.insert(1, "share", frame["accounts"] / total if total else 0.0)
    frame.index.name = "archetype"
    formats = pd.DataFrame(raw["formats"], columns=["format", "accounts", "first_choice"])
    formats.insert(2, "share", formats["accounts"] / total if total else 0.0)
    frame.attrs["formats"] = formats
    frame.attrs["closest"] = pd.DataFrame(raw["closest"], columns=["account_id", "archetype", "margin"])
    frame.attrs["rejected"] = raw["rejected"]
    return frame

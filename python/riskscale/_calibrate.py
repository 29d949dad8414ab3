"""Calibrate a policy from labelled accounts, and validate a classification against an outcome.

The fit, its report (agreement, Cohen's kappa, confusion matrices, cross-validation, the
disagreeing accounts) and the outcome intervals all come from the C++ core
(``calibrate.hpp``, ``validate.hpp``, whose intervals are ``metrics.hpp``'s); this module only
translates to pandas.
"""

from __future__ import annotations

import html
import json
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _columns, _core
from ._classify import ARCHETYPES, classify
from ._drift import _inputs, _mapped
from ._policy import Policy, _core_policy

#: Parameter groups :func:`calibrate` can fit, in core order.
CALIBRATION_PARAMETERS = tuple(_core.CALIBRATION_PARAMETERS)
#: What :func:`calibrate` fits by default.
DEFAULT_FIT = ("risk_threshold", "scale_threshold", "risk_weights", "scale_weights")

__all__ = ["CALIBRATION_PARAMETERS", "Calibration", "calibrate", "plot_validation", "validate"]


def _confusion(matrix: Dict[str, Dict[str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame([[matrix[label][c] for c in ARCHETYPES] for label in ARCHETYPES],
                         index=pd.Index(list(ARCHETYPES), name="label"),
                         columns=pd.Index(list(ARCHETYPES), name="classified"))
    return frame


class Calibration:
    """A policy fitted to labelled accounts, as returned by :func:`calibrate`.

    Attributes
    ----------
    policy : Policy
        The fitted policy: the starting policy with the fitted values, every other section kept.
    start_policy : Policy
        The starting policy.
    report : dict
        The core's report: ``accounts``, ``start`` and ``fitted`` (agreement, kappa, confusion),
        ``log_likelihood``, ``cross_validation`` (folds, agreement per fold, mean, spread,
        start_mean), ``parameters`` (name, before, after), ``disagreements``, ``iterations``.
    confusion : dict of DataFrame
        ``"start"`` and ``"fitted"``: 4×4 counts, rows the label, columns the classification.
    parameters : DataFrame
        One row per fitted number: ``before``, ``after``, indexed by name.
    disagreements : DataFrame
        The labelled accounts the fitted policy still classifies differently, indexed by the input's
        row labels: ``label``, ``fitted``, ``start``, ``label_membership``.
    """

    def __init__(self, policy: Policy, start_policy: Policy, report: Dict[str, Any], index: pd.Index):
        self.policy = policy
        self.start_policy = start_policy
        self.report = report
        self.confusion = {"start": _confusion(report["start"]["confusion"]),
                          "fitted": _confusion(report["fitted"]["confusion"])}
        self.parameters = pd.DataFrame(report["parameters"], columns=["name", "before", "after"]).set_index("name")
        rows = [d["row"] for d in report["disagreements"]]
        self.disagreements = pd.DataFrame(
            {"label": pd.Categorical([d["label"] for d in report["disagreements"]], categories=list(ARCHETYPES)),
             "fitted": pd.Categorical([d["fitted"] for d in report["disagreements"]], categories=list(ARCHETYPES)),
             "start": pd.Categorical([d["start"] for d in report["disagreements"]], categories=list(ARCHETYPES)),
             "label_membership": np.array([d["label_membership"] for d in report["disagreements"]], dtype=np.float64)},
            index=index[rows] if rows else index[:0])

    def __repr__(self) -> str:
        r = self.report
        cv = r["cross_validation"]
        cv_text = f", {cv['folds']}-fold CV {cv['mean']:.1%}" if cv["folds"] else ""
        return (f"Calibration({r['accounts']} accounts: agreement {r['start']['agreement']:.1%} -> "
                f"{r['fitted']['agreement']:.1%}{cv_text}; {len(self.disagreements)} disagreements)")

    def _repr_html_(self) -> str:
        return (f"<div><p><b>Calibration</b>: {html.escape(repr(self)[12:-1])}</p>"
                f"<p>Parameters</p>{self.parameters.to_html()}"
                f"<p>Confusion, fitted policy (rows: label)</p>{self.confusion['fitted'].to_html()}"
                f"<p>Disagreements (first 10)</p>{self.disagreements.head(10).to_html()}</div>")


def _labels(frame: pd.DataFrame, label: Union[str, Tuple[str, str]]) -> list:
    """The archetype id of each row: the ``label`` column, or a (risk, scale) pair of high/low columns."""
    if isinstance(label, tuple):
        risk_column, scale_column = label
        for column in (risk_column, scale_column):
            if column not in frame.columns:
                raise ValueError(f"no label column {column!r}; the frame has {', '.join(map(str, frame.columns))}")
        ids = []
        for row, risk, scale in zip(frame.index, frame[risk_column], frame[scale_column]):
            for column, value in ((risk_column, risk), (scale_column, scale)):
                if value not in ("high", "low"):
                    raise ValueError(f"row {row!r}, column {column!r}: {value!r} is not a label; accepted: high, low")
            ids.append(f"{scale}_scale_{risk}_risk")
        return ids
    if label not in frame.columns:
        raise ValueError(f"no label column {label!r}; the frame has {', '.join(map(str, frame.columns))}")
    values = frame[label]
    ids = []
    for row, value in zip(frame.index, values):
        if not isinstance(value, str) or value not in ARCHETYPES:
            raise ValueError(f"row {row!r}, column {label!r}: {value!r} is not an archetype id; accepted: "
                             f"{', '.join(ARCHETYPES)}")
        ids.append(value)
    return ids


def calibrate(df: pd.DataFrame, label: Union[str, Tuple[str, str]] = "label", policy: Optional[Policy] = None,
              fit: Optional[Sequence[str]] = None, folds: int = 5, seed: int = 0, l2: float = 1.0) -> Calibration:
    """Fit a policy's thresholds and weights to accounts labelled with an archetype.

    Maximises the likelihood of the labels under the SPEC §4 soft membership with an L2 pull
    toward ``policy`` (L-BFGS-B in the core, every parameter inside its SPEC range).

    Parameters
    ----------
    df : DataFrame
        Labelled accounts with the SPEC §2 columns, or raw columns read through the policy's ``inputs``.
    label : str or (str, str)
        The column of archetype ids, or a ``(risk_column, scale_column)`` pair of ``high``/``low`` labels.
    policy : Policy, optional
        The starting policy (default: the SPEC defaults).
    fit : sequence of str, optional
        Parameter groups to fit (default risk_threshold, scale_threshold, risk_weights, scale_weights;
        also temperature, frequency_full, reach_full).
    folds : int
        Cross-validation folds (0 = none), shuffled by ``seed``.
    seed : int
        Seed of the fold shuffle; the same input and seed give the same result.
    l2 : float
        Strength of the pull toward the starting policy: 0 = maximum likelihood, ``inf`` = no change.

    Returns
    -------
    Calibration

    Raises
    ------
    ValueError
        Fewer than 20 accounts, a label that is not an archetype id (naming the row), a class with
        no examples (naming the parameter that cannot be identified), an invalid account.

    Examples
    --------
    >>> cal = riskscale.calibrate(labelled, label="cs_label")  # doctest: +SKIP
    >>> cal.policy.to_json()  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"calibrate takes a DataFrame; got {type(df).__name__}")
    labels = _labels(df, label)
    core_policy = _core_policy(policy)
    checked = classify(df, policy, on_invalid="flag")
    if "invalid_reason" in checked.columns:
        bad = checked["invalid_reason"].map(lambda v: isinstance(v, str)).to_numpy()
        if bad.any():
            row = df.index[int(np.flatnonzero(bad)[0])]
            raise ValueError(f"row {row!r}: {checked['invalid_reason'].iloc[int(np.flatnonzero(bad)[0])]}")
    derived, _ = _mapped(df, policy)
    columns = _inputs(derived, core_policy, "labelled", {})
    label_column = label if isinstance(label, str) else "label"
    fitted, report_text = _core.calibrate_columns(columns, labels, label_column, core_policy,
                                                  list(DEFAULT_FIT if fit is None else fit), int(folds), int(seed),
                                                  float(l2))
    start = policy if policy is not None else Policy()
    return Calibration(Policy._wrap(fitted), start, json.loads(report_text), df.index)


def validate(result: pd.DataFrame, outcome: Union[str, Sequence[Any]] = "outcome", *,
             confidence: float = 0.95) -> pd.DataFrame:
    """Outcome rate per archetype and for borderline vs not, with Wilson intervals.

    Parameters
    ----------
    result : DataFrame
        A :func:`riskscale.classify` result (``archetype``, ``borderline``); rows without an
        archetype (invalid accounts) are left out.
    outcome : str or array-like
        The 0/1 (or bool) outcome: a column of ``result`` or values aligned with it.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        Indexed by group (the four archetypes, borderline, not_borderline, high_risk, low_risk,
        high_scale, low_scale): ``accounts``, ``events``, ``rate``, ``lower``, ``upper``. ``attrs``
        holds ``high_minus_low_risk`` and ``high_minus_low_scale`` (Newcombe intervals),
        ``quadrants_separate`` and ``verdict`` (the finding in words).

    Examples
    --------
    >>> table = riskscale.validate(riskscale.classify(df), outcome=df["churned"])  # doctest: +SKIP
    >>> table.attrs["verdict"]  # doctest: +SKIP
    """
    for column in ("archetype", "borderline"):
        if column not in result.columns:
            raise ValueError(f"validate needs the classify column {column!r}; the frame has "
                             f"{', '.join(map(str, result.columns))}")
    name = outcome if isinstance(outcome, str) else "outcome"
    values = result[outcome] if isinstance(outcome, str) else pd.Series(np.asarray(outcome), index=result.index)
    if len(values) != len(result):
        raise ValueError(f"outcome has {len(values)} values for {len(result)} rows; accepted: one per row")
    numbers = np.empty(len(values), dtype=np.float64)
    for i, (row, value) in enumerate(zip(result.index, values)):
        if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, float, np.integer, np.floating))
                                                   and value in (0, 1)):
            numbers[i] = float(value)
        else:
            raise ValueError(f"row {row!r}, column {name!r}: {value!r} is not an outcome; accepted: 0, 1, True, False")
    codes, unknown = _columns.archetype_codes(result["archetype"])  # -1: an account classify could not score
    if unknown is not None:
        raise _columns.input_error(f"row {result.index[unknown]!r}, column 'archetype': "
                                   f"{result['archetype'].iloc[unknown]!r} is not an archetype id; accepted: "
                                   f"{_core.ARCHETYPE_CELL_TEXTS}", row=result.index[unknown], column="archetype",
                                   value=result["archetype"].iloc[unknown])
    borderline = result["borderline"].fillna(False).to_numpy(dtype=bool).astype(np.uint8)
    found = _core.validate_columns(codes, borderline, numbers, name, float(confidence))
    table = pd.DataFrame(found["groups"]).set_index("group")
    for key in ("high_minus_low_risk", "high_minus_low_scale", "quadrants_separate", "verdict", "confidence",
                "skipped"):
        table.attrs[key] = found[key]
    return table


def plot_validation(table: pd.DataFrame, ax: Optional[Any] = None) -> Any:
    """The outcome rate per quadrant with its interval as error bars.

    Parameters
    ----------
    table : DataFrame
        A :func:`validate` result.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    quadrants = table.loc[list(ARCHETYPES)]
    x = np.arange(len(quadrants))
    rate = quadrants["rate"].to_numpy(dtype=np.float64)
    errors = np.vstack([rate - quadrants["lower"].to_numpy(dtype=np.float64),
                        quadrants["upper"].to_numpy(dtype=np.float64) - rate])
    ax.bar(x, rate, color="#8fb3d9")
    ax.errorbar(x, rate, yerr=errors, fmt="none", ecolor="black", capsize=4)
    ax.set_xticks(x)
    ax.set_xticklabels([a.replace("_", " ").replace(" scale ", " scale\n") for a in ARCHETYPES], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("outcome rate")
    ax.set_title(table.attrs.get("verdict", "").split(":")[0])
    return ax

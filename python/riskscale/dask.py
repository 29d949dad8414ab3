"""riskscale on Dask: the same policy and columns, for portfolios larger than one machine.

Every partition goes through :func:`riskscale.classify` (the C++ core, GIL released), so
results are those of one machine, row for row; :func:`drift` aligns two snapshots by account
id first. The policy and the compiled module
travel to worker processes by pickle.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import dask
import dask.dataframe as dd
import pandas as pd

from ._classify import classify as _classify_frame
from ._drift import Drift
from ._drift import drift as _drift_frames
from ._policy import Policy, _core_policy
from ._summary import _combine, _frame, _partial
from . import _usage

__all__ = ["classify", "drift", "summary", "usage"]


def _classify_partition(frame: pd.DataFrame, policy: Optional[Policy], on_invalid: str, threads: int,
                        inputs: bool = False) -> pd.DataFrame:
    return _classify_frame(frame, policy, threads=threads, on_invalid=on_invalid, inputs=inputs)


def classify(ddf: dd.DataFrame, policy: Optional[Policy] = None, *, on_invalid: str = "raise",
             threads: int = 1, inputs: bool = False) -> dd.DataFrame:
    """Classify a Dask DataFrame, lazily, partition by partition.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The SPEC §2 input columns, as for :func:`riskscale.classify`.
    policy : Policy, optional
        Defaults to the SPEC defaults.
    on_invalid : {"raise", "flag"}
        As for :func:`riskscale.classify`; "raise" fails the computation on the first
        invalid row of any partition, "flag" keeps every row with an ``invalid_reason``.
    threads : int
        Core threads per partition; 1 by default, because Dask already runs one
        partition per worker thread or process.
    inputs : bool
        Add the derived model inputs as columns, as :func:`riskscale.classify` does. With a
        policy that has an ``inputs`` section (SPEC §9), each partition of the raw export is
        mapped by the same rules.

    Returns
    -------
    dask.dataframe.DataFrame
        The SPEC §8 columns with the correct ``meta`` (``archetype`` categorical with
        the four ids in SPEC order); nothing runs until it is computed.

    Examples
    --------
    >>> ddf = dd.read_csv("examples/data/accounts.csv", blocksize="64KB")   # doctest: +SKIP
    >>> riskscale.dask.classify(ddf).archetype.value_counts().compute()      # doctest: +SKIP
    """
    meta = _classify_frame(ddf._meta, policy, on_invalid=on_invalid, inputs=inputs)
    return ddf.map_partitions(_classify_partition, policy, on_invalid, threads, inputs, meta=meta)


def summary(result: dd.DataFrame, policy: Optional[Policy] = None, *, watch: int = 10) -> pd.DataFrame:
    """The same table as :func:`riskscale.summary`, reduced from per-partition summaries.

    Each partition is summarised where it lives (counts and sums, computed by the core);
    only those small partials travel and are added up.
    """
    core_policy = _core_policy(policy)
    parts = [dask.delayed(_partial)(part, core_policy, watch, number)
             for number, part in enumerate(result.to_delayed())]
    partials = dask.compute(*parts)
    return _frame(_combine(list(partials), watch))


def _usage_partition(frame: pd.DataFrame, account: str, user: str, time: str, as_of: Any, window_days: int,
                     on_invalid: str) -> Tuple[Any, Dict[str, Any]]:
    return _usage._aggregate(frame, account, user, time, as_of, window_days, on_invalid)


def _usage_merge(left: Tuple[Any, Dict[str, Any]], right: Tuple[Any, Dict[str, Any]], as_of: Any,
                 window_days: int) -> Tuple[Any, Dict[str, Any]]:
    # A new aggregate, so that no task's input is changed (Dask may hold on to it).
    merged = _usage._new_aggregate(as_of, window_days)
    merged.merge(left[0])
    merged.merge(right[0])
    a, b = left[1], right[1]
    invalid = {key: a[key] + b[key] for key in ("count", "missing_value", "invalid_time", "rows", "columns", "reasons")}
    return merged, invalid


def usage(ddf: dd.DataFrame, account: str = "account_id", user: str = "user_id", time: str = "timestamp",
          as_of: Any = None, window_days: int = 30, accounts: Any = None, on_invalid: str = "raise") -> pd.DataFrame:
    """The same table as :func:`riskscale.usage`, from per-partition aggregates (SPEC §10).

    Each partition is aggregated where it lives by the core (its distinct (account, user) pairs
    and their dates in the window, never its events); the partial aggregates travel by pickle and
    are merged pairwise in a tree by the core's merge, so the result equals the single-machine
    one exactly, whatever the partitioning. Computes (like :func:`summary`) and returns a pandas
    DataFrame.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        One row per event.
    account, user, time, as_of, window_days, accounts, on_invalid
        As for :func:`riskscale.usage`. With "raise", the first invalid event of any partition
        fails the computation (its row label is the partition's own index label); with "flag",
        ``attrs["invalid_events"]`` lists every partition's invalid events in partition order.

    Returns
    -------
    pandas.DataFrame
        ``account_id``, ``active_users``, ``active_days``, ``events``, ``last_event``.

    Examples
    --------
    >>> ddf = dd.read_csv("examples/data/events.csv", blocksize="4MB")           # doctest: +SKIP
    >>> riskscale.dask.usage(ddf, accounts=pd.read_csv("examples/data/accounts.csv"))  # doctest: +SKIP
    """
    _usage._check_arguments(ddf._meta, account, user, time, window_days, on_invalid)
    _usage._new_aggregate(as_of, window_days)  # a bad as_of fails here, before any work is sent
    level = [dask.delayed(_usage_partition)(part, account, user, time, as_of, window_days, on_invalid)
             for part in ddf.to_delayed()]
    if not level:
        level = [dask.delayed(_usage_partition)(ddf._meta, account, user, time, as_of, window_days, on_invalid)]
    while len(level) > 1:
        paired = [dask.delayed(_usage_merge)(level[i], level[i + 1], as_of, window_days)
                  for i in range(0, len(level) - 1, 2)]
        level = paired + ([level[-1]] if len(level) % 2 else [])
    state, invalid = level[0].compute()
    frame = _usage._frame(state, accounts)
    if on_invalid == "flag":
        frame.attrs["invalid_events"] = invalid
    return frame


def _text_ids(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(account_id=frame["account_id"].astype(str))


def _drift_partition(old: pd.DataFrame, new: pd.DataFrame, policy: Optional[Policy],
                     old_policy: Optional[Policy], threads: int) -> Drift:
    return _drift_frames(old, new, policy, old_policy, threads=threads)


def drift(old: dd.DataFrame, new: dd.DataFrame, policy: Optional[Policy] = None,
          old_policy: Optional[Policy] = None, *, npartitions: Optional[int] = None, threads: int = 1) -> Drift:
    """:func:`riskscale.drift` of two partitioned snapshots: aligned by account id, the core per partition.

    Both snapshots are shuffled by a hash of ``account_id`` (text) into the same number of
    partitions, so partition *i* of each holds the same ids; each pair of partitions goes
    through :func:`riskscale.drift` (the C++ core) where it lives, and the per-partition
    results are concatenated (matrices added). Every account's row equals the one-machine
    result; rows come partition by partition.

    Parameters
    ----------
    old, new : dask.dataframe.DataFrame
        The snapshots, with an ``account_id`` column and the SPEC §2 inputs.
    policy, old_policy : Policy, optional
        As for :func:`riskscale.drift`.
    npartitions : int, optional
        Partitions of the aligned snapshots; the larger of the two inputs' by default.
    threads : int
        Core threads per partition (1: Dask already runs partitions in parallel).

    Returns
    -------
    Drift
        Computed (this function runs the graph): accounts, matrix, alerts and watch list.

    Examples
    --------
    >>> old = dd.read_csv("june-*.csv"); new = dd.read_csv("july-*.csv")      # doctest: +SKIP
    >>> riskscale.dask.drift(old, new).matrix                                 # doctest: +SKIP
    """
    for name, frame in (("old", old), ("new", new)):
        if "account_id" not in frame.columns:
            raise ValueError(f"{name} snapshot: missing column account_id; accepted: a Dask DataFrame with the ids "
                             "to match on")
    parts = npartitions or max(old.npartitions, new.npartitions)
    aligned = [frame.map_partitions(_text_ids).shuffle("account_id", npartitions=parts) for frame in (old, new)]
    pieces = [dask.delayed(_drift_partition)(o, n, policy, old_policy, threads)
              for o, n in zip(aligned[0].to_delayed(), aligned[1].to_delayed())]
    return Drift._concat(list(dask.compute(*pieces)), policy, old_policy)


def __dir__() -> list:
    """The public names only (PEP 562): ``dir()`` shows the API, not the imports."""
    return sorted(__all__)

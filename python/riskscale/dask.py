"""riskscale on Dask: the same policy and columns, for portfolios larger than one machine.

Every partition goes through :func:`riskscale.classify` (the C++ core, GIL released), so
results are those of one machine, row for row. The policy and the compiled module
travel to worker processes by pickle.
"""

from __future__ import annotations

from typing import Any, Optional

import dask
import dask.dataframe as dd
import pandas as pd

from ._classify import classify as _classify_frame
from ._policy import Policy, _core_policy
from ._summary import _combine, _frame, _partial

__all__ = ["classify", "summary"]


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

"""One account through the model: an Assessment with every SPEC quantity."""

from __future__ import annotations

import html
from typing import Any, Mapping, NamedTuple, Optional

from . import _core
from ._policy import Policy, _core_policy

__all__ = ["Recommendation", "Assessment", "assess"]


class Recommendation(NamedTuple):
    """A recommended training format (SPEC §5), in rank order."""

    id: str
    name: str
    description: str
    score: float


class Assessment:
    """Everything the model says about one account (read-only).

    Attributes mirror SPEC §3–§6: ``risk_score``, ``scale_score``, ``frequency_score``,
    ``reach_score``, ``archetype``, ``margin``, ``borderline``, ``membership`` (dict),
    ``recommendations`` (list of :class:`Recommendation`), ``risk_contributions`` (dict),
    ``binding_scale_component``, ``users_for_high_scale`` and
    ``active_days_for_high_scale`` (``None`` when absent).
    """

    __slots__ = ("_impl",)

    def __init__(self, impl: "_core.Assessment") -> None:
        self._impl = impl

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # pickle and copy look for dunders: none lives on the core object
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, "_impl"), name)

    def __reduce__(self):
        return (Assessment, (self._impl,))  # the core object pickles its values and its policy

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Assessment) and self._impl == other._impl

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable-free but unhashable like a dict

    @property
    def recommendations(self) -> list:
        """Ranked recommendations as (id, name, description, score) named tuples."""
        return [Recommendation(*item) for item in self._impl.recommendation_tuples]

    @property
    def policy(self) -> Policy:
        """The policy that produced this assessment."""
        return Policy._wrap(self._impl.policy)

    def explain(self) -> str:
        """The assessment in words: quadrant, risk drivers, distance to high scale, formats."""
        return self._impl.explain()

    def to_dict(self) -> dict:
        """Every quantity in a plain dict."""
        return {
            "account_id": self.account_id,
            "risk_score": self.risk_score,
            "scale_score": self.scale_score,
            "frequency_score": self.frequency_score,
            "reach_score": self.reach_score,
            "archetype": self.archetype,
            "margin": self.margin,
            "borderline": self.borderline,
            "membership": self.membership,
            "recommendations": [r._asdict() for r in self.recommendations],
            "risk_contributions": self.risk_contributions,
            "binding_scale_component": self.binding_scale_component,
            "users_for_high_scale": self.users_for_high_scale,
            "active_days_for_high_scale": self.active_days_for_high_scale,
        }

    def __repr__(self) -> str:
        ids = ", ".join(r.id for r in self.recommendations)
        return (
            f"Assessment({self.account_id!r}, archetype={self.archetype!r}, risk={self.risk_score:.3f}, "
            f"scale={self.scale_score:.3f}, margin={self.margin:.3f}, borderline={self.borderline}, "
            f"recommendations=[{ids}])"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{i + 1}</td><td><b>{html.escape(r.id)}</b></td><td>{html.escape(r.name)}</td>"
            f"<td>{r.score:.3f}</td><td>{html.escape(r.description)}</td></tr>"
            for i, r in enumerate(self.recommendations)
        )
        def optional(value: Optional[float], digits: int) -> str:
            return "—" if value is None else f"{value:.{digits}f}"
        return (
            f"<div><b>{html.escape(self.account_id or 'account')}</b>: <code>{self.archetype}</code>"
            f"{' (borderline)' if self.borderline else ''}<br>"
            f"risk {self.risk_score:.3f} · scale {self.scale_score:.3f} (frequency {self.frequency_score:.3f}, "
            f"reach {self.reach_score:.3f}, binding: {self.binding_scale_component}) · margin {self.margin:.3f}<br>"
            f"users for high scale: {optional(self.users_for_high_scale, 0)} · "
            f"active days for high scale: {optional(self.active_days_for_high_scale, 1)}"
            f"<table><tr><th>#</th><th>format</th><th>name</th><th>score</th><th>what it is</th></tr>{rows}</table></div>"
        )


def assess(fields: Optional[Mapping[str, Any]] = None, policy: Optional[Policy] = None, **kwargs: Any) -> Assessment:
    """Assess one account.

    Parameters
    ----------
    fields : mapping, optional
        The SPEC §2 inputs by name (``account_id``, ``sensitive_data``, ``org_disruption``,
        ``physical_safety``, ``legal_exposure``, ``active_days``, ``users``, optional
        ``seats``, and any risk factor the policy adds). Other keys (e.g. the other
        columns of a DataFrame row) are ignored.
    policy : Policy, optional
        Defaults to the SPEC defaults.
    **kwargs
        The same inputs as keyword arguments (merged over ``fields``).

    Returns
    -------
    Assessment

    Raises
    ------
    riskscale.InputError
        A ``ValueError`` naming the field, its value and the accepted range.

    Examples
    --------
    >>> assess(sensitive_data=0.2, org_disruption=0.1, physical_safety=0, legal_exposure=0.3,
    ...        active_days=12, users=40).archetype
    'low_scale_low_risk'
    """
    if kwargs or not isinstance(fields, dict):
        merged = dict(fields or {})
        merged.update(kwargs)
    else:
        merged = fields
    # The core reads only the inputs the policy uses: a DataFrame row's other columns
    # (names, regions) are ignored, as classify() ignores them.
    return Assessment(_core.assess(merged, _core_policy(policy)))

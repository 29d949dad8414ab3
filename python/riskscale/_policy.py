"""The policy: every model parameter of SPEC §3–§5 as one immutable, picklable value."""

from __future__ import annotations

import inspect
import json
import math
import os
from typing import Any, Dict, Mapping, Union

from . import _core

__all__ = ["Policy"]


class Policy:
    """An immutable, validated model policy (SPEC §7).

    ``Policy()`` holds the SPEC defaults; keyword arguments override top-level keys of
    the SPEC §7 document, e.g. ``Policy(risk_threshold=0.6, top_k=3)``, or map a raw
    export with an ``inputs`` section (SPEC §9): ``Policy(inputs={"users": "Seats__c"})``. Invalid values
    raise :class:`riskscale.PolicyError` (a ``ValueError``) naming the JSON path.

    Examples
    --------
    >>> p = Policy(risk_threshold=0.6)
    >>> p.risk_threshold
    0.6
    >>> Policy.from_json(p.to_json()) == p
    True
    """

    __slots__ = ("_impl",)

    def __init__(self, **overrides: Any) -> None:
        impl = _core.Policy.from_json(_json_text(overrides)) if overrides else _core.Policy()
        object.__setattr__(self, "_impl", impl)

    @classmethod
    def from_json(cls, path_or_text: Union[str, os.PathLike]) -> "Policy":
        """Load a policy from a JSON file path or a JSON text.

        Parameters
        ----------
        path_or_text : str or path-like
            A path to a SPEC §7 policy file, or the JSON document itself (a string that
            starts with ``{``).

        Returns
        -------
        Policy
        """
        text = os.fspath(path_or_text)
        impl = _core.Policy.from_json(text) if text.lstrip().startswith("{") else _core.Policy.from_file(text)
        return cls._wrap(impl)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> "Policy":
        """Build a policy from a SPEC §7 document held as a dict."""
        return cls._wrap(_core.Policy.from_json(_json_text(dict(document))))

    @classmethod
    def _wrap(cls, impl: "_core.Policy") -> "Policy":
        policy = cls.__new__(cls)
        object.__setattr__(policy, "_impl", impl)
        return policy

    def to_json(self, indent: int = 2) -> str:
        """The whole policy as a SPEC §7 JSON document; ``from_json`` of it is equal."""
        return self._impl.to_json(indent)

    def to_dict(self) -> Dict[str, Any]:
        """The whole policy as a SPEC §7 document in a dict."""
        return json.loads(self._impl.to_json(0))

    def replace(self, **changes: Any) -> "Policy":
        """A new policy with some top-level keys changed; this one is left as it is."""
        document = self.to_dict()
        document.update(changes)
        return Policy.from_dict(document)

    @property
    def input_fields(self) -> list:
        """Numeric inputs in validation order: the risk factors, active_days, users, seats."""
        return self._impl.input_fields

    @property
    def inputs(self) -> Dict[str, Any]:
        """The SPEC §9 ``inputs`` section (empty when the policy reads SPEC §2 columns by name)."""
        return self.to_dict().get("inputs", {})

    @property
    def catalog_ids(self) -> list:
        """Training-format ids in catalogue order."""
        return self._impl.catalog_ids

    def __getattr__(self, name: str) -> Any:
        document = self.to_dict()
        if name in document:
            return document[name]
        raise AttributeError(f"Policy has no attribute {name!r}; keys: {', '.join(document)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Policy is immutable; use policy.replace(**changes)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Policy is immutable; use policy.replace(**changes)")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and self._impl == other._impl

    def __hash__(self) -> int:
        return hash(self._impl.to_json(0))

    def __reduce__(self):
        return (Policy.from_json, (self._impl.to_json(0),))

    def __repr__(self) -> str:
        d = self.to_dict()
        factors = ", ".join(f"{k}={v:g}" for k, v in d["risk_weights"].items())
        return (
            f"Policy(risk_threshold={d['risk_threshold']:g}, scale_threshold={d['scale_threshold']:g}, "
            f"risk_weights={{{factors}}}, scale_weights=(frequency={d['scale_weights']['frequency']:g}, "
            f"reach={d['scale_weights']['reach']:g}), top_k={d['top_k']}, formats={len(d['catalog'])})"
        )


def _json_text(document: Mapping[str, Any]) -> str:
    """``document`` as JSON text; a NaN or infinity (not JSON) is refused naming its JSON path."""
    _check_finite(document, "$")
    return json.dumps(document)


def _check_finite(value: Any, path: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise _core.PolicyError(f"invalid policy at {path}: {value!r} is not a finite number; accepted: a finite number")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_finite(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            _check_finite(item, f"{path}[{position}]")


_DEFAULT_POLICY = _core.Policy()  # immutable: the SPEC defaults, built once


def _core_policy(policy: "Policy | None") -> "_core.Policy":
    if policy is None:
        return _DEFAULT_POLICY
    if isinstance(policy, Policy):
        return policy._impl
    raise TypeError(f"policy must be a riskscale.Policy or None, not {type(policy).__name__}")


def _policy_of(result: Any, policy: "Policy | None") -> "Policy | None":
    """The policy to read a classified table with: the one given, else the one classify recorded."""
    if policy is not None:
        return policy
    recorded = getattr(result, "attrs", {}).get("riskscale_policy")
    return Policy.from_json(recorded) if recorded else None


# The keyword arguments of Policy() are the SPEC §7 keys (and `inputs`, SPEC §9): shown by help(),
# inspect and IDEs from the core's own document, so the list exists once.
Policy.__init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Any")
       for key in (*json.loads(_core.Policy().to_json(0)), "inputs")],
    return_annotation="None")

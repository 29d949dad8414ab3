"""The type stubs shipped with the package describe the API that exists at run time."""
import ast
import inspect
from pathlib import Path

import pytest

import riskscale

STUB = Path(riskscale.__file__).with_name("__init__.pyi")


@pytest.fixture(scope="module")
def stub():
    assert STUB.is_file(), f"{STUB} is not beside the package"
    return ast.parse(STUB.read_text())


def _declared(stub):
    names = {}
    for node in stub.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):
            names.update({alias.asname or alias.name: node for alias in node.names})
    return names


def _parameters(function):
    args = function.args
    return ([a.arg for a in args.posonlyargs + args.args] + ([f"*{args.vararg.arg}"] if args.vararg else [])
            + [a.arg for a in args.kwonlyargs] + ([f"**{args.kwarg.arg}"] if args.kwarg else []))


def _runtime_parameters(function):
    prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [prefix.get(p.kind, "") + p.name for p in inspect.signature(function).parameters.values()]


def test_every_public_name_is_in_the_stub(stub):
    declared = _declared(stub)
    assert set(riskscale.__all__) <= set(declared), set(riskscale.__all__) - set(declared)


@pytest.mark.parametrize("name", ["assess", "classify", "recommendations", "summary", "plot_matrix", "plan", "plans",
                                  "recommend_content", "education_priority", "plans_to_csv", "plans_to_ics", "usage"])
def test_function_signatures_match(stub, name):
    assert _parameters(_declared(stub)[name]) == _runtime_parameters(getattr(riskscale, name))


@pytest.mark.parametrize("cls, instance", [
    ("Policy", lambda: riskscale.Policy()),
    ("Assessment", lambda: riskscale.assess(sensitive_data=0.5, org_disruption=0, physical_safety=0,
                                            legal_exposure=0, active_days=3, users=5)),
    ("Plan", lambda: riskscale.plan(dict(sensitive_data=0.5, org_disruption=0, physical_safety=0,
                                         legal_exposure=0, active_days=3, users=5), None, "2026-01-05")),
])
def test_every_stubbed_member_exists_at_run_time(stub, cls, instance):
    obj = instance()
    members = [node.name for node in _declared(stub)[cls].body if isinstance(node, ast.FunctionDef)]
    assert len(members) > 10
    for member in members:
        assert hasattr(obj, member), f"{cls}.{member}"


def test_policy_keyword_arguments_are_the_spec_keys(stub):
    init = next(n for n in _declared(stub)["Policy"].body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    # `inputs` (SPEC §9) is a key too, dumped only when a policy has one.
    assert [a.arg for a in init.args.kwonlyargs] == [*riskscale.Policy().to_dict(), "inputs"]

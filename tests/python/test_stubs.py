"""Typing of the package: the pure-Python modules annotate inline (no stub beside them); the compiled
``_core``, which the runtime cannot annotate, has a stub that declares exactly what it exports."""
import ast
import inspect
from pathlib import Path

import pytest

import riskscale
from riskscale import _core, dask, metrics

PACKAGE = Path(riskscale.__file__).parent
CORE_STUB = PACKAGE / "_core.pyi"


def test_only_the_compiled_module_has_a_stub():
    assert sorted(p.name for p in PACKAGE.glob("*.pyi")) == ["_core.pyi"]
    assert (PACKAGE / "py.typed").is_file()


def _stub_names():
    tree = ast.parse(CORE_STUB.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
    return names


def test_the_core_stub_declares_what_the_core_exports():
    exported = {name for name in dir(_core) if not name.startswith("__")} | {"__version__"}
    declared = _stub_names()
    assert exported - declared == set(), "exported but not in _core.pyi"
    assert declared - exported == set(), "in _core.pyi but not exported"


def _public_callables():
    for module in (riskscale, metrics, dask):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):
                yield f"{module.__name__}.{name}", value
            elif inspect.isclass(value):
                for member_name, member in vars(value).items():
                    if inspect.isfunction(member) and (not member_name.startswith("_") or member_name == "__init__"):
                        yield f"{module.__name__}.{name}.{member_name}", member


@pytest.mark.parametrize("name, function", list(_public_callables()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_callable_is_annotated(name, function):
    signature = inspect.signature(function)
    for parameter in signature.parameters.values():
        if parameter.name in ("self", "cls"):
            continue
        assert parameter.annotation is not inspect.Parameter.empty, f"{name}: parameter {parameter.name}"
    if function.__name__ != "__init__":
        assert signature.return_annotation is not inspect.Signature.empty, f"{name}: return"


@pytest.mark.parametrize("module", [riskscale, metrics, dask])
def test_public_modules_list_their_names(module):
    assert dir(module) == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), f"{module.__name__}.{name}"


def test_policy_keyword_arguments_are_the_spec_keys():
    init = inspect.signature(riskscale.Policy.__init__)
    keywords = [p.name for p in init.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    # `inputs` (SPEC §9) is a key too, dumped only when a policy has one.
    assert keywords == [*riskscale.Policy().to_dict(), "inputs"]

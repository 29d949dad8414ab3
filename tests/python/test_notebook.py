"""examples/notebooks/quickstart.ipynb runs top to bottom without an error, in a fresh kernel."""
import json
import os
import sys
from pathlib import Path

import pytest

import riskscale

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
kernelspec = pytest.importorskip("jupyter_client.kernelspec")

KERNEL = "python3"


@pytest.fixture()
def notebook_path(repo_root):
    return repo_root / "examples" / "notebooks" / "quickstart.ipynb"


@pytest.fixture()
def kernel_environment(tmp_path, monkeypatch):
    """Environment for the kernel: this package importable, plots off screen.

    The notebook asks for the ``python3`` kernel; when no such kernelspec is installed, a
    temporary one running this interpreter (``-m ipykernel_launcher``) is put on JUPYTER_PATH.
    """
    package_parent = str(Path(riskscale.__file__).resolve().parent.parent)
    paths = [package_parent] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(dict.fromkeys(paths)))
    monkeypatch.setenv("MPLBACKEND", os.environ.get("MPLBACKEND", "Agg"))
    if KERNEL not in kernelspec.KernelSpecManager().find_kernel_specs():
        pytest.importorskip("ipykernel")
        spec_dir = tmp_path / "jupyter" / "kernels" / KERNEL
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (riskscale tests)", "language": "python"}))
        monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(
            [str(tmp_path / "jupyter")] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]))
        assert KERNEL in kernelspec.KernelSpecManager().find_kernel_specs()


def test_the_notebook_is_stored_without_outputs(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == KERNEL
    source = "\n".join(cell.source for cell in code)
    for call in ("riskscale.classify(", "riskscale.summary(", "riskscale.plot_matrix(", "riskscale.assess(",
                 ".explain()", "riskscale.recommendations("):
        assert call in source


def test_the_notebook_runs_top_to_bottom(notebook_path, kernel_environment):
    notebook = nbformat.read(notebook_path, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name=KERNEL, timeout=120, allow_errors=False,
                                     resources={"metadata": {"path": str(notebook_path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "2,400 accounts" in text
    html = "\n".join(o.data.get("text/html", "") for o in outputs if "data" in o)
    assert "<code>" in html and any(f"<code>{a}</code>" in html for a in riskscale.ARCHETYPES)
    # The explained account is described in words and carries its archetype.
    assert any(line.split(": ", 1)[-1].split(" (")[0] in riskscale.ARCHETYPES
               for line in text.splitlines() if line.startswith("ACC-"))

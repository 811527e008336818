"""notebooks/explore.ipynb: committed without outputs, and runs top to bottom."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dllm_kg.constants import PROJECT_DIR

NOTEBOOK = PROJECT_DIR / "notebooks" / "explore.ipynb"


def read() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_committed_without_outputs() -> None:
    notebook = read()
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {number} has outputs; clear them before committing"
            assert cell.execution_count is None, f"cell {number} has an execution count"


def test_uses_only_the_public_python_api() -> None:
    """The query API, and the check, tagger and build that the README shows from Python."""
    sources = "\n".join(cell.source for cell in read().cells if cell.cell_type == "code")
    imports = {
        line.split()[1] for line in sources.splitlines() if line.startswith(("from ", "import "))
    }
    assert {name for name in imports if name.startswith("dllm_kg")} == {
        "dllm_kg.query",
        "dllm_kg.pipeline",
        "dllm_kg.curate",
    }


@pytest.fixture
def kernel_of_this_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``python3`` kernel that runs this interpreter (the venv), whatever else is installed."""
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (dllm-kg tests)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    # matplotlib-inline renders with Agg: no display needed, and the figures become PNG outputs.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return "python3"


def test_runs_top_to_bottom(kernel_of_this_python: str) -> None:
    notebook = read()
    client = NotebookClient(
        notebook,
        kernel_name=kernel_of_this_python,
        timeout=300,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    kinds = {kind for out in outputs for kind in out.get("data", {})}
    assert "text/html" in kinds  # the DataFrames shown as tables
    assert "image/png" in kinds  # the plots

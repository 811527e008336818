"""Packaging: the wheel carries every input the package reads; the build and extras suffice."""

import json
import re
import sys
import tomllib

from packaging.requirements import Requirement

from dllm_kg.constants import DATA_DIR, ONTOLOGY_DIR, PACKAGE_DIR, PROJECT_DIR, QUERIES_DIR


def pyproject() -> dict:
    return tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))


def package_data_patterns() -> list[str]:
    return pyproject()["tool"]["setuptools"]["package-data"]["dllm_kg"]


def test_input_folders_are_the_top_level_ones() -> None:
    for folder in (DATA_DIR, ONTOLOGY_DIR, QUERIES_DIR):
        assert folder.resolve() == (PROJECT_DIR / folder.name).resolve(), folder


def test_every_input_file_is_package_data() -> None:
    shipped = {
        path.resolve() for pattern in package_data_patterns() for path in PACKAGE_DIR.glob(pattern)
    }
    for folder in ("data", "ontology", "queries"):
        for path in (PROJECT_DIR / folder).rglob("*"):
            if path.is_file():
                assert path.resolve() in shipped, f"{path} is missing from package-data"


def test_templates_and_static_files_are_package_data() -> None:
    shipped = {path for pattern in package_data_patterns() for path in PACKAGE_DIR.glob(pattern)}
    for folder in ("templates", "static"):
        files = [path for path in (PACKAGE_DIR / folder).rglob("*") if path.is_file()]
        assert files, folder
        missing = [str(path) for path in files if path not in shipped]
        assert missing == []


def test_the_build_backend_reads_pep_639_licence_fields() -> None:
    project = pyproject()
    assert isinstance(project["project"]["license"], str) and project["project"]["license-files"]
    [setuptools] = [
        Requirement(text)
        for text in project["build-system"]["requires"]
        if Requirement(text).name == "setuptools"
    ]
    # setuptools 77.0.0 is the first to read `license = "SPDX"` and `license-files` (PEP 639).
    assert "76.9" not in setuptools.specifier and "77.0" in setuptools.specifier


#: What the notebook may import beyond the extra: the kernel that runs it (ipykernel, which
#: JupyterLab installs, runs on IPython) and dllm-kg itself.
KERNEL_AND_PACKAGE = {"IPython", "dllm_kg"}


def test_the_notebook_extra_opens_and_runs_the_notebook() -> None:
    project = pyproject()["project"]
    extra = {Requirement(text).name for text in project["optional-dependencies"]["notebook"]}
    installed = {Requirement(text).name for text in project["dependencies"]}
    notebook = json.loads((PROJECT_DIR / "notebooks" / "explore.ipynb").read_text(encoding="utf-8"))
    sources = "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"
    )
    imported = set(re.findall(r"^(?:from|import) (\w+)", sources, flags=re.MULTILINE))
    others = imported - KERNEL_AND_PACKAGE - sys.stdlib_module_names
    assert others <= extra | installed, "every package the notebook imports"
    assert others & extra, "the notebook needs the extra"
    assert extra & {"jupyterlab", "notebook"}, "a Jupyter front end to open it in"

"""An installed wheel carries every hand-written input the package reads."""

import tomllib

from dllm_kg.constants import DATA_DIR, ONTOLOGY_DIR, PACKAGE_DIR, PROJECT_DIR, QUERIES_DIR


def package_data_patterns() -> list[str]:
    pyproject = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["tool"]["setuptools"]["package-data"]["dllm_kg"]


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


def test_templates_are_package_data() -> None:
    shipped = {path for pattern in package_data_patterns() for path in PACKAGE_DIR.glob(pattern)}
    templates = list((PACKAGE_DIR / "templates").iterdir())
    assert templates
    assert all(path in shipped for path in templates)

"""What the #14 tests share: small lists of table I, the titles a store holds, a folder's files."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dllm_kg.namespaces import DLLM

TABLE_I = "# I. Distributed LLMs\n\n| No. | Paper Title | Url | Code |\n|---|---|---|---|\n"
ARXIV = "[Link](https://arxiv.org/abs/2401.{:05d})"
#: Titles of the papers in a store, by paper IRI.
TITLES = (
    f"SELECT ?paper ?title WHERE {{ ?paper a <{DLLM.Paper}> "
    "OPTIONAL { ?paper <http://purl.org/dc/terms/title> ?title } }"
)


def titles(store: ox.Store) -> dict[str, str | None]:
    """Each paper's IRI and its title (None when it has none)."""
    return {
        row["paper"].value: row["title"].value if row["title"] is not None else None
        for row in store.query(TITLES)
    }


def paper_list(*rows: str) -> str:
    """A list of table I with the given rows."""
    return TABLE_I + "".join(row + "\n" for row in rows)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder, by relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }

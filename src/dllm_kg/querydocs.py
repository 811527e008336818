"""The query catalogue docs/queries.md, generated from the canned queries' headers.

``python -m dllm_kg.querydocs`` writes it; ``--check`` says whether it is current.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from rdflib import Literal

from dllm_kg.catalogue import KINDS, CannedQuery, list_queries
from dllm_kg.constants import QUERY_CATALOGUE_PATH
from dllm_kg.query import KnowledgeGraph, load_graph
from dllm_kg.results import Triple, display, ntriples_term

#: Rows (or triples) of example output shown per query in the catalogue.
EXAMPLE_ROWS = 5


def catalogue(kg: KnowledgeGraph, queries: Sequence[CannedQuery] | None = None) -> str:
    """docs/queries.md: every canned query's question, parameters, output and an example run.

    The examples run with the default parameters on ``kg`` (the bundled list, for the docs).
    """
    queries = list_queries() if queries is None else queries
    lines = [
        "# Query catalogue",
        "",
        "<!-- Generated from the headers of queries/*.rq by `python -m dllm_kg.querydocs`;"
        " do not edit. -->",
        "",
        "Canned SPARQL queries over the dllm-kg graph, one question per file in `queries/`. Run"
        " one with `dllm-kg query NAME [--param KEY=VALUE ...] [--format table|csv|tsv|json]`,"
        " or from Python with `dllm_kg.query.load_graph().run(NAME, **params)`; `dllm-kg query"
        " --list` lists them with their parameters. Every query runs on pyoxigraph (the default)"
        " and on rdflib (`--engine rdflib`), with the same results.",
        "",
        "Each file opens with a comment header: `# title:`, `# question:`, one"
        " `# param: name = default (kind: KIND) - description` per parameter and `# output:`;"
        " further comment lines explain the query. A parameter is bound to the query variable of"
        " the same name as an RDF term, never pasted into the query text. Its kind says what it"
        " takes:",
        "",
        "| kind | value |",
        "|---|---|",
        *(f"| `{kind}` | {what} |" for kind, what in KINDS.items()),
        "",
        "The example outputs below are from the bundled list, with the default parameters.",
        "",
        "| query | question |",
        "|---|---|",
        *(f"| [`{q.name}`](#{q.name}) | {_cell(q.question)} |" for q in queries),
    ]
    for query in queries:
        lines += ["", *_catalogue_entry(kg, query)]
    return "\n".join(lines) + "\n"


def _catalogue_entry(kg: KnowledgeGraph, query: CannedQuery) -> list[str]:
    lines = [f"## {query.name}", "", f"**{query.title}.** {query.question}", ""]
    if query.parameters:
        lines += ["| parameter | default | kind | description |", "|---|---|---|---|"]
        lines += [
            f"| `{p.name}` | {_cell(p.default)} | `{p.kind}` | {_cell(p.description)} |"
            for p in query.parameters
        ]
        lines.append("")
    lines += [f"Output: {_output(query)}", ""]
    lines += [*query.notes, ""] if query.notes else []
    lines += ["```sh", f"dllm-kg query {query.name}{_example_params(query)}", "```", ""]
    result = kg.run(query)
    if result.triples is not None:
        shown = result.sorted_triples()[:EXAMPLE_ROWS]
        lines += [f"{len(result)} triples; the first {len(shown)}, IRIs shortened:", ""]
        lines += ["```text", *(_compact_triple(triple) for triple in shown), "```"]
    else:
        table = result.table()
        shown = table[:EXAMPLE_ROWS]
        more = f", the first {len(shown)}" if len(table) > len(shown) else ""
        lines += [f"{len(table)} rows{more}:", ""]
        lines += ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
        lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in shown]
    lines += ["", "<details><summary>SPARQL</summary>", "", "```sparql", query.text.rstrip()]
    return [*lines, "```", "", "</details>"]


def _compact_triple(triple: Triple) -> str:
    """A triple on one line, IRIs shortened with the project's prefixes."""
    terms = (ntriples_term(t) if isinstance(t, Literal) else display(t) for t in triple)
    return " ".join(terms) + " ."


def _output(query: CannedQuery) -> str:
    words = query.output.split()
    return " ".join(f"`{word}`" if word.startswith("?") else word for word in words) or "-"


def _example_params(query: CannedQuery) -> str:
    return "".join(f" --param {p.name}={_shell_quote(p.default)}" for p in query.parameters)


def _shell_quote(text: str) -> str:
    return (
        text if re.fullmatch(r"[A-Za-z0-9_.:/-]+", text) else "'" + text.replace("'", "'\\''") + "'"
    )


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dllm_kg.querydocs [--check]``: write docs/queries.md, or check it is current."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = catalogue(load_graph())
    if args == ["--check"]:
        current = QUERY_CATALOGUE_PATH.read_text("utf-8") if QUERY_CATALOGUE_PATH.exists() else ""
        if current != text:
            print(
                f"{QUERY_CATALOGUE_PATH} is stale; run: python -m dllm_kg.querydocs",
                file=sys.stderr,
            )
            return 1
        return 0
    if args:
        print("usage: python -m dllm_kg.querydocs [--check]", file=sys.stderr)
        return 2
    QUERY_CATALOGUE_PATH.parent.mkdir(parents=True, exist_ok=True)
    QUERY_CATALOGUE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {QUERY_CATALOGUE_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

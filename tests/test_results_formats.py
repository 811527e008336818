"""SPARQL 1.1 CSV and TSV results: line ends as the formats say."""

import csv
import io

from rdflib import Literal, URIRef

from dllm_kg.results import QueryResult

#: Two rows: an IRI and a literal with a line break and a quote, then an unbound IRI.
RESULT = QueryResult(
    "SELECT",
    ("item", "text"),
    [(URIRef("https://example.org/a"), Literal('two\nlines, "quoted"')), (None, Literal("b"))],
)


def test_csv_lines_end_with_crlf() -> None:
    text = RESULT.to_csv()
    assert text == 'item,text\r\nhttps://example.org/a,"two\nlines, ""quoted"""\r\n,b\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["item", "text"],
        ["https://example.org/a", 'two\nlines, "quoted"'],
        ["", "b"],
    ]


def test_an_ask_answer_as_csv_ends_with_crlf() -> None:
    assert QueryResult("ASK", boolean=False).to_csv() == "boolean\r\nfalse\r\n"


def test_tsv_lines_end_with_lf() -> None:
    text = RESULT.to_tsv()
    assert "\r" not in text
    assert text.split("\n") == [
        "?item\t?text",
        '<https://example.org/a>\t"two\\nlines, \\"quoted\\""',
        '\t"b"',
        "",
    ]

"""The query page of `dllm-kg serve` in a real headless Chromium: a canned query runs and its
rows show, and no request leaves the server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dllm_kg.query import load_graph, run_query
from tests.serving import Server, served

#: How long the page may take to load or answer, in milliseconds (a deadline, not a pace).
DEADLINE = 120_000


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with served() as running:
        yield running


def test_a_canned_query_runs_on_the_page_and_shows_its_rows_with_nothing_fetched_elsewhere(
    browser: object, server: Server
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    refused: list[str] = []

    def only_this_server(route: object) -> None:
        url = route.request.url
        requests.append(url)
        if url.startswith(f"{server.url}/") or url.startswith("data:"):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    try:
        page.goto(f"{server.url}/")
        page.wait_for_selector("body[data-ready=true]", timeout=DEADLINE)
        names = page.eval_on_selector_all("#canned-query option", "os => os.map(o => o.text)")
        index = next(i for i, name in enumerate(names) if name.startswith("papers-by-model:"))
        page.select_option("#canned-query", str(index))
        assert "introduce, adapt or build on a given model" in page.text_content("#canned-question")
        page.click("#canned button")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=DEADLINE)
        header = page.eval_on_selector_all(
            ".yasr table.dataTable thead th", "cells => cells.map(c => c.textContent.trim())"
        )
        column = header.index("title")
        titles = page.eval_on_selector_all(
            ".yasr table.dataTable tbody tr",
            f"rows => rows.map(r => r.cells[{column}].textContent.trim())",
        )
        keywords = page.eval_on_selector_all(
            ".CodeMirror .cm-keyword", "ks => ks.map(k => k.textContent)"
        )
    finally:
        context.close()
    expected = [row["title"] for row in run_query(load_graph(), "papers-by-model").records()]
    assert sorted(titles) == sorted(expected) and expected
    assert "SELECT" in keywords and "VALUES" in keywords  # highlighted, defaults written in
    assert refused == [] and problems == []
    assert f"{server.url}/sparql" in requests

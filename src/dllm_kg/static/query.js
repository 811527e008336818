// The query page: Yasgui on this server's endpoint, with the canned queries one choice away.
"use strict";

const endpoint = new URL("sparql", document.baseURI).href;

const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: endpoint, method: "POST" },
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
  // Nothing leaves this server: prefixes come from Yasgui's own list, not prefix.cc, and
  // there is no class or property completion from LOV.
  yasqe: { prefixCcApi: null, autocompleters: ["prefixes", "variables"] },
  persistenceId: null,
});

const picker = document.getElementById("canned-query");
const question = document.getElementById("canned-question");
const form = document.getElementById("canned");

function openQuery(query) {
  const tab = yasgui.addTab(true, {
    name: query.name,
    yasqe: { value: query.query },
    requestConfig: { endpoint: endpoint },
  });
  tab.query();
}

fetch("queries")
  .then((response) => response.json())
  .then((queries) => {
    picker.replaceChildren(
      ...queries.map((query, index) => new Option(`${query.name}: ${query.title}`, index)),
    );
    const describe = () => {
      question.textContent = queries[picker.value].question;
    };
    picker.addEventListener("change", describe);
    describe();
    picker.disabled = false;
    form.querySelector("button").disabled = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      openQuery(queries[picker.value]);
    });
    document.body.dataset.ready = "true";
  });

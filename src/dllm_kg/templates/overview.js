/* dllm-kg: the overview page's script. Areas and techniques are drawn; papers are data that
   techniques and areas point into by index, listed in the side panel on demand. Data arrives
   as JSON and is shown as text: no data ever reaches innerHTML, and a link gets an href only
   when it is http(s). */
var network = null;
var dllm = (function () {
  "use strict";

  var data = JSON.parse(document.getElementById("dllm-data").textContent);
  var papers = data.papers;
  var info = new Map();
  var hidden = new Map();
  var kindNames = {};
  data.kinds.forEach(function (kind) { kindNames[kind.kind] = kind.name; });
  kindNames.paper = "Paper";
  var onRing = [];
  var ids = data.nodes.map(function (node) { return node.id; });
  // Each paper's techniques and areas, from the index arrays of techniques and areas.
  var paperTechniques = new Array(papers.names.length);
  var paperAreas = new Array(papers.names.length);
  data.nodes.forEach(function (node) {
    node.ringLabel = node.label;
    if (node.ring) {  // drawn outward from the ring by drawRingLabels
      node.label = undefined;
      onRing.push(node.id);
    }
    if (node.areas) { node.areas = node.areas.map(function (i) { return ids[i]; }); }
    var into = node.group === "technique" ? paperTechniques : paperAreas;
    node.papers.forEach(function (p) { (into[p] || (into[p] = [])).push(node.id); });
    info.set(node.id, node);
    hidden.set(node.id, false);
  });
  var edgeList = data.edges.map(function (edge, index) {
    var style = data.relations[edge[2]];
    return {
      id: "e" + index, from: ids[edge[0]], to: ids[edge[1]], dashes: !!style.dashes,
      color: { color: style.color, highlight: "#222222", hover: "#222222", inherit: false }
    };
  });

  // Where the page drew each node: Physics off puts every node back there.
  var drawnAt = data.nodes.map(function (node) { return { id: node.id, x: node.x, y: node.y }; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(edgeList);
  var container = document.getElementById("mynetwork");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  function fitFigure(animate) {
    var view = data.view;
    var scale = Math.min(container.clientWidth / (view[2] - view[0]),
                         container.clientHeight / (view[3] - view[1])) * 0.97;
    network.moveTo({
      position: { x: (view[0] + view[2]) / 2, y: (view[1] + view[3]) / 2 },
      scale: scale,
      animation: animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false
    });
  }
  fitFigure(false);
  var viewMoved = false;
  network.on("dragStart", function () { viewMoved = true; });
  network.on("zoom", function () { viewMoved = true; });
  network.on("resize", function () {
    setTimeout(function () { if (!viewMoved) { fitFigure(false); } }, 0);
  });
  network.once("afterDrawing", function () {
    document.body.setAttribute("data-drawn", String(Math.round(performance.now())));
  });
  network.on("beforeDrawing", drawRegions);
  network.on("afterDrawing", drawRingLabels);

  // DOM helpers: text goes in as text, never as markup.
  function el(tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    if (className) { element.className = className; }
    return element;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url);
  }
  function anchor(text, url) {
    if (!safeUrl(url)) { return el("span", text); }
    var link = el("a", text);
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }
  function nodeButton(id, text) {
    var button = el("button", text === undefined ? info.get(id).name : text, "node-link");
    button.type = "button";
    button.setAttribute("data-node", id);
    button.addEventListener("click", function () { focus(id); });
    return button;
  }
  function paperButton(index) {
    var button = el("button", papers.names[index], "node-link");
    button.type = "button";
    button.setAttribute("data-paper", String(index));
    button.addEventListener("click", function () { focusPaper(index); });
    return button;
  }
  function byName(a, b) {
    var x = info.get(a).name.toLowerCase();
    var y = info.get(b).name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function ofKind(kind) {
    return ids.filter(function (id) { return info.get(id).group === kind; });
  }

  function drawRegions(ctx) {
    data.regions.forEach(function (region) {  // none whose nodes are all hidden
      if (region.nodes.every(function (id) { return !info.has(id) || hidden.get(id); })) { return; }
      ctx.beginPath();
      if (region.kind === "sector") {
        ctx.arc(0, 0, region.r1, region.a0, region.a1);
        ctx.arc(0, 0, region.r0, region.a1, region.a0, true);
        ctx.closePath();
        ctx.fillStyle = data.sector;
        ctx.fill();
        return;
      }
      ctx.arc(region.x, region.y, region.r, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(120,120,120,0.06)";
      ctx.fill();
      ctx.setLineDash([6, 6]);
      ctx.strokeStyle = "rgba(120,120,120,0.7)";
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = data.caption + "px " + data.options.nodes.font.face;
      ctx.fillStyle = "#555555";
      ctx.textAlign = "center";
      ctx.fillText(region.label, region.x, region.y - region.r - 12);
    });
  }

  // Technique labels (with their paper counts) run outward from the ring.
  function drawRingLabels(ctx) {
    if (data.ring.font * network.getScale() < data.ring.threshold) { return; }
    var positions = network.getPositions(onRing);
    var font = data.ring.font + "px " + data.options.nodes.font.face;
    ctx.fillStyle = data.ring.color;
    ctx.textBaseline = "middle";
    onRing.forEach(function (id) {
      if (hidden.get(id)) { return; }
      var node = info.get(id);
      var p = positions[id];
      var angle = Math.atan2(p.y, p.x);
      var gap = (node.size || 10) + 6;
      ctx.save();
      ctx.font = (node.size >= data.ring.bold ? "bold " : "") + font;
      ctx.translate(p.x, p.y);
      if (Math.cos(angle) >= 0) {
        ctx.rotate(angle);
        ctx.textAlign = "left";
        ctx.fillText(node.ringLabel, gap, 0);
      } else {
        ctx.rotate(angle + Math.PI);
        ctx.textAlign = "right";
        ctx.fillText(node.ringLabel, -gap, 0);
      }
      ctx.restore();
    });
  }

  // The side panel.
  var details = document.getElementById("details");
  function section(title, items, className) {
    if (!items.length) { return null; }
    var box = el("section");
    box.appendChild(el("h3", title));
    var list = el("ul", null, "links" + (className ? " " + className : ""));
    items.forEach(function (item) {
      var entry = el("li");
      entry.appendChild(item);
      list.appendChild(entry);
    });
    box.appendChild(list);
    return box;
  }
  function paperItem(index) {
    var item = document.createDocumentFragment();
    item.appendChild(paperButton(index));
    var links = el("span", null, "paper-links");
    papers.links[index].forEach(function (url) { links.appendChild(anchor(url, url)); });
    item.appendChild(links);
    return item;
  }
  // A paper list, PAGE at a time: "Show more" appends the next ones.
  function paperSection(title, indexes) {
    var box = section(title + " (" + indexes.length + ")", [el("span")], "papers");
    if (!box) { return null; }
    var list = box.querySelector("ul");
    list.replaceChildren();
    var shown = 0;
    var more = el("button", "", "more");
    more.type = "button";
    function next() {
      var end = Math.min(indexes.length, shown + data.page);
      for (; shown < end; shown += 1) {
        var entry = el("li");
        entry.appendChild(paperItem(indexes[shown]));
        list.appendChild(entry);
      }
      more.textContent = "Show more (" + (indexes.length - shown) + " left)";
      more.hidden = shown >= indexes.length;
    }
    more.addEventListener("click", next);
    next();
    box.appendChild(more);
    return box;
  }
  function openPanel(kind, name, address) {
    details.replaceChildren();
    details.hidden = false;
    var close = el("button", "×", "close");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { network.unselectAll(); show(null); });
    details.appendChild(close);
    details.appendChild(el("p", kindNames[kind], "kind kind-" + kind));
    details.appendChild(el("h2", name, "name"));
    remember(address);
  }
  function show(id) {
    var node = id === null ? null : info.get(id);
    if (!node) {
      details.replaceChildren();
      details.hidden = true;
      remember(null);
      return;
    }
    openPanel(node.group, node.name, id);
    var parts = [];
    if (node.group === "technique") {
      parts.push(section("Areas", node.areas.map(function (a) { return nodeButton(a); })));
    } else {
      var techniques = ofKind("technique").filter(function (t) {
        return info.get(t).areas.indexOf(id) >= 0;
      }).sort(byName);
      parts.push(section("Techniques", techniques.map(function (t) { return nodeButton(t); })));
    }
    parts.push(section("Link", node.links.map(function (url) { return anchor(url, url); })));
    parts.push(paperSection("Papers", reach(node)));
    parts.forEach(function (part) { if (part) { details.appendChild(part); } });
    details.appendChild(el("p", id, "iri"));
  }
  // A technique's papers, those of its narrower techniques included (as the queries count).
  function reach(node) {
    if (node.group !== "technique" || !node.narrower.length) { return node.papers; }
    var all = new Set(node.papers);
    node.narrower.forEach(function (t) {
      data.nodes[t].papers.forEach(function (p) { all.add(p); });
    });
    return Array.from(all).sort(function (a, b) { return a - b; });
  }
  function showPaper(index) {
    openPanel("paper", papers.names[index], null);
    var techniques = (paperTechniques[index] || []).slice().sort(byName);
    var parts = [
      section("Paper", papers.links[index].map(function (url) { return anchor(url, url); })),
      section("Techniques", techniques.map(function (t) { return nodeButton(t); })),
      section("Areas", (paperAreas[index] || []).map(function (a) { return nodeButton(a); }))
    ];
    parts.forEach(function (part) { if (part) { details.appendChild(part); } });
  }

  var tooltip = document.getElementById("tooltip");
  network.on("hoverNode", function (params) {
    var node = info.get(params.node);
    var box = container.getBoundingClientRect();
    tooltip.replaceChildren(el("strong", node.name),
                            el("span", kindNames[node.group] + " · " + reach(node).length + " papers", "kind"));
    tooltip.style.left = Math.round(box.left + params.pointer.DOM.x + 14) + "px";
    tooltip.style.top = Math.round(box.top + params.pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0]); } else { show(null); }
  });

  // Filters: kinds, areas, one technique.
  var state = { kinds: new Set(data.kinds.map(function (k) { return k.kind; })),
                areas: new Set(data.areas), technique: "" };
  function allAreas() { return data.areas.every(function (a) { return state.areas.has(a); }); }
  function passes(node) {
    if (node.group === "area") { return state.areas.has(node.id) || data.areas.indexOf(node.id) < 0; }
    if (state.technique) { return node.id === state.technique; }
    return allAreas() || node.areas.some(function (a) { return state.areas.has(a); });
  }
  function applyFilters() {
    var updates = [];
    var shown = 0;
    info.forEach(function (node, id) {
      var hide = !(passes(node) && state.kinds.has(node.group));
      if (!hide) { shown += 1; }
      if (hidden.get(id) !== hide) {
        hidden.set(id, hide);
        updates.push({ id: id, hidden: hide });
      }
    });
    if (updates.length) { nodes.update(updates); }
    document.body.setAttribute("data-visible", String(shown));
  }
  function resetFilters() {
    state.kinds = new Set(data.kinds.map(function (k) { return k.kind; }));
    state.areas = new Set(data.areas);
    state.technique = "";
    document.querySelectorAll("#legend input, #area-filter input").forEach(function (box) {
      box.checked = true;
    });
    techniqueSelect.value = "";
    applyFilters();
  }
  function checkRow(list, value, label, count, onChange, swatch) {
    var row = el("li");
    var name = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.value = value;
    box.checked = true;
    box.addEventListener("change", function () { onChange(box.checked); applyFilters(); });
    name.appendChild(box);
    if (swatch) { name.appendChild(swatch); }
    name.appendChild(el("span", label));
    name.appendChild(el("span", count, "count"));
    row.appendChild(name);
    list.appendChild(row);
  }
  var legend = document.getElementById("legend");
  data.kinds.forEach(function (kind) {
    var swatch = el("span", null, "swatch shape-" + kind.shape);
    swatch.style.backgroundColor = kind.color;
    checkRow(legend, kind.kind, kind.name, data.counts[kind.kind] || 0, function (on) {
      if (on) { state.kinds.add(kind.kind); } else { state.kinds.delete(kind.kind); }
    }, swatch);
  });
  var edgeLegend = document.getElementById("edge-legend");
  data.relations.filter(function (style) { return style.relation === "belongsToArea"; })
    .forEach(function (style) {
      var row = el("li");
      var line = el("span", null, "line");
      line.style.borderTopColor = style.color;
      row.appendChild(line);
      row.appendChild(el("span", style.name));
      edgeLegend.appendChild(row);
    });
  document.getElementById("not-drawn").textContent = data.counts.paper + " papers, " +
    data.counts.model + " models and " + data.counts.repository + " repositories are not drawn: " +
    "above " + data.threshold + " papers the figure counts papers by technique.";
  var areaList = document.getElementById("area-filter");
  data.areas.forEach(function (area) {
    checkRow(areaList, area, info.get(area).name, info.get(area).papers.length, function (on) {
      if (on) { state.areas.add(area); } else { state.areas.delete(area); }
    });
  });
  var techniqueSelect = document.getElementById("technique-filter");
  ofKind("technique").sort(byName).forEach(function (id) {
    var option = el("option", info.get(id).name + " (" + reach(info.get(id)).length + ")");
    option.value = id;
    techniqueSelect.appendChild(option);
  });
  techniqueSelect.addEventListener("change", function () {
    state.technique = techniqueSelect.value;
    applyFilters();
    if (state.technique) { focus(state.technique); } else { show(null); }
  });
  document.getElementById("reset").addEventListener("click", resetFilters);
  // On a narrow screen the panel of legend, filters and numbers opens over the figure.
  var panel = document.getElementById("panel");
  panel.addEventListener("click", function () {
    var open = panel.getAttribute("aria-expanded") !== "true";
    panel.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("panel-open", open);
  });
  document.getElementById("fit").addEventListener("click", function () {
    viewMoved = false;
    fitFigure(true);
  });
  var physics = document.getElementById("physics");
  physics.addEventListener("click", function () {
    var on = physics.getAttribute("aria-pressed") !== "true";
    network.setOptions({ physics: { enabled: on } });
    if (!on) {  // back to the drawn layout: ring and areas where the page put them
      network.stopSimulation();
      nodes.update(drawnAt);
      if (!viewMoved) { fitFigure(false); }
    }
    physics.setAttribute("aria-pressed", String(on));
    physics.textContent = on ? "Physics: on" : "Physics: off";
  });

  // Search: techniques and areas whose name holds every word typed, then papers; the paper
  // names are lower-cased at the first search, not when the page opens.
  var lowered = null;
  var nodeNames = ids.map(function (id) { return { id: id, text: info.get(id).name.toLowerCase() }; })
    .sort(function (a, b) { return byName(a.id, b.id); });
  function find(query) {
    var words = String(query).toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { return []; }
    function matches(text) { return words.every(function (word) { return text.indexOf(word) >= 0; }); }
    // A name equal to the query first, then names that start with it, then the others.
    var typed = words.join(" ");
    function rank(entry) { return entry.text === typed ? 0 : entry.text.indexOf(typed) === 0 ? 1 : 2; }
    var found = nodeNames.filter(function (entry) { return matches(entry.text); })
      .sort(function (a, b) { return rank(a) - rank(b); })
      .map(function (entry) { return { node: entry.id }; });
    if (lowered === null) { lowered = papers.names.map(function (n) { return n.toLowerCase(); }); }
    for (var i = 0; i < lowered.length && found.length < 12; i += 1) {
      if (matches(lowered[i])) { found.push({ paper: i }); }
    }
    return found.slice(0, 12);
  }
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  function resultButton(entry) {
    var button = entry.node !== undefined ? nodeButton(entry.node) : paperButton(entry.paper);
    var kind = entry.node !== undefined ? info.get(entry.node).group : "paper";
    button.appendChild(el("span", kindNames[kind], "kind"));
    button.addEventListener("click", function () { results.hidden = true; });
    return button;
  }
  function listResults() {
    results.replaceChildren();
    var found = find(search.value);
    found.forEach(function (entry) {
      var row = el("li");
      row.appendChild(resultButton(entry));
      results.appendChild(row);
    });
    if (search.value.trim() && !found.length) { results.appendChild(el("li", "Nothing found", "none")); }
    results.hidden = !search.value.trim();
    return found;
  }
  search.addEventListener("input", listResults);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = listResults();
      if (found.length) {
        results.hidden = true;
        if (found[0].node !== undefined) { focus(found[0].node); } else { focusPaper(found[0].paper); }
      }
    } else if (event.key === "Escape") {
      search.value = "";
      listResults();
    } else if (event.key === "ArrowDown" && results.querySelector("button")) {
      event.preventDefault();
      results.querySelector("button").focus();
    }
  });

  function select(id) {
    network.selectNodes([id]);
    show(id);
    document.body.setAttribute("data-selected", id);
  }
  function focus(id) {
    if (!info.has(id)) { return false; }
    if (hidden.get(id)) { resetFilters(); }
    viewMoved = true;
    select(id);
    network.focus(id, {
      scale: Math.max(network.getScale(), 0.8),
      animation: { duration: 450, easingFunction: "easeInOutQuad" }
    });
    return true;
  }
  // A paper is not drawn: its techniques are selected, and the panel shows it.
  function focusPaper(index) {
    if (!(index >= 0 && index < papers.names.length)) { return false; }
    network.selectNodes(paperTechniques[index] || []);
    showPaper(index);
    document.body.setAttribute("data-selected", "paper:" + index);
    return true;
  }

  // The numbers panel.
  var stats = data.stats;
  var summary = stats.nodes + " nodes, " + stats.edges + " edges, " + stats.papers + " papers; " +
    stats.component_count + " connected components";
  if (stats.papers_without_area) { summary += "; " + stats.papers_without_area + " papers with no area yet"; }
  document.getElementById("stats-summary").textContent = summary + ".";
  var areaRows = document.querySelector("#stats-areas tbody");
  stats.papers_per_area.forEach(function (r) {
    var row = el("tr");
    var cell = el("td");
    cell.appendChild(nodeButton(r.id, r.name));
    row.appendChild(cell);
    row.appendChild(el("td", r.score, "number"));
    areaRows.appendChild(row);
  });
  // Rankings name papers by IRI; a paper is found by its name in the papers' column.
  function rankButton(r) {
    if (info.has(r.id)) { return nodeButton(r.id, r.name); }
    var index = papers.names.indexOf(r.name);
    return index >= 0 ? paperButton(index) : el("span", r.name);
  }
  function rankList(target, ranking, describe) {
    var list = document.getElementById(target);
    ranking.forEach(function (r) {
      var row = el("li");
      row.appendChild(rankButton(r));
      row.appendChild(el("span", describe(r), "detail"));
      list.appendChild(row);
    });
    if (!ranking.length) { list.appendChild(el("li", "None yet", "none")); }
  }
  rankList("stats-bridges", stats.bridges, function (r) {
    return r.score + " areas: " + r.detail.join(", ");
  });
  rankList("stats-techniques", stats.central_techniques, function (r) {
    return r.score.toFixed(3) + " · " + r.detail.join(", ");
  });
  var componentList = document.getElementById("stats-components");
  stats.components.slice(0, 5).forEach(function (c) {
    var kinds = Object.keys(c.kinds).map(function (k) { return c.kinds[k] + " " + k; });
    var row = el("li");
    row.appendChild(el("span", c.size + " nodes (" + kinds.join(", ") + "), around "));
    row.appendChild(rankButton({ id: c.hub, name: c.hub_name }));
    componentList.appendChild(row);
  });

  // The address remembers the selected area or technique (graph.html#technique/...).
  function remember(id) {
    var short = id !== null && id.indexOf(data.base) === 0 ? id.slice(data.base.length) : id;
    var key = id === null ? "" : "#" + encodeURI(short);
    if (location.hash !== key) { history.replaceState(null, "", key || location.pathname); }
  }
  function fromAddress() {
    var key;
    try { key = decodeURI(location.hash.slice(1)); } catch (error) { return; }
    var id = info.has(data.base + key) ? data.base + key : key;
    if (key && info.has(id) && network.getSelectedNodes()[0] !== id) { focus(id); }
  }
  window.addEventListener("hashchange", fromAddress);

  applyFilters();
  fromAddress();
  return { focus: focus, focusPaper: focusPaper, find: find, show: show, filters: state,
           apply: applyFilters, reset: resetFilters, data: data };
})();

/* dllm-kg: the connection figure's page script. Data arrives as JSON and is shown as text:
   no data ever reaches innerHTML, and a link gets an href only when it is http(s). */
var network = null;
var dllm = (function () {
  "use strict";

  var data = JSON.parse(document.getElementById("dllm-data").textContent);
  var info = new Map();
  var neighbours = new Map();
  var hidden = new Map();
  var kindNames = {};
  data.kinds.forEach(function (kind) { kindNames[kind.kind] = kind.name; });
  var onRing = [];
  var crowded = [];
  var ids = data.nodes.map(function (node) { return node.id; });
  function toIds(list) { return list.map(function (i) { return ids[i]; }); }
  // Where the page drew each node: Physics off puts every node back there.
  var drawnAt = data.nodes.map(function (node) { return { id: node.id, x: node.x, y: node.y }; });
  data.nodes.forEach(function (node) {
    if (node.ring) {  // drawn outward from the ring by drawRingLabels
      node.label = undefined;
      onRing.push(node.id);
    }
    if (data.crowded.indexOf(node.group) >= 0) {  // drawn where they fit by drawCrowdLabels
      node.short = node.label;
      node.label = undefined;
      crowded.push(node.id);
    }
    ["areas", "papers", "narrower", "broader"].forEach(function (key) {
      if (node[key]) { node[key] = toIds(node[key]); }
    });
    info.set(node.id, node);
    neighbours.set(node.id, []);
    hidden.set(node.id, false);
  });
  // Edges arrive as [from, to, relation] indexes; vis-network gets full edge objects.
  var edgeList = data.edges.map(function (edge, index) {
    var style = data.relations[edge[2]];
    var from = ids[edge[0]];
    var to = ids[edge[1]];
    neighbours.get(from).push(to);
    neighbours.get(to).push(from);
    return {
      id: "e" + index, from: from, to: to, relation: style.relation, dashes: !!style.dashes,
      color: { color: style.color, highlight: "#222222", hover: "#222222", inherit: false }
    };
  });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(edgeList);
  var container = document.getElementById("mynetwork");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  // The first view shows the whole figure, labels and captions included.
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
  // Until the reader moves the view, it follows the window: a resize fits the figure again.
  var viewMoved = false;
  network.on("dragStart", function () { viewMoved = true; });
  network.on("zoom", function () { viewMoved = true; });
  network.on("resize", function () {  // vis-network sets its own view after this event
    setTimeout(function () { if (!viewMoved) { fitFigure(false); } }, 0);
  });
  network.once("afterDrawing", function () {
    document.body.setAttribute("data-drawn", String(Math.round(performance.now())));
  });
  network.on("beforeDrawing", drawRegions);
  network.on("afterDrawing", drawRingLabels);
  network.on("afterDrawing", drawCrowdLabels);

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
  function byName(a, b) {
    var x = info.get(a).name.toLowerCase();
    var y = info.get(b).name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function around(id, kind) {
    return neighbours.get(id).filter(function (n) { return info.get(n).group === kind; }).sort(byName);
  }

  // Regions behind the nodes: a shaded sector of the ring per area, captioned groups below.
  function drawRegions(ctx) {
    data.regions.forEach(function (region) {
      if (region.nodes.every(function (id) { return hidden.get(id); })) { return; }
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

  // Technique labels on the ring run outward, so that neighbours never overlap.
  function drawRingLabels(ctx) {
    if (data.ring.font * network.getScale() < data.ring.threshold) {
      return;
    }
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
        ctx.fillText(node.name, gap, 0);
      } else {
        ctx.rotate(angle + Math.PI);
        ctx.textAlign = "right";
        ctx.fillText(node.name, -gap, 0);
      }
      ctx.restore();
    });
  }

  // Labels of papers, models and repositories, which stand close together: each drawn at a
  // readable size on screen, under its node, only where it overlaps no label drawn before it
  // (the selected node's first, then by number of links), so labels never overlap. While the
  // figure is shown smaller than its own size, papers get their shorter tags: more fit.
  var crowdOrder = crowded.slice().sort(function (a, b) {
    return (neighbours.get(b).length - neighbours.get(a).length) || (a < b ? -1 : a > b ? 1 : 0);
  });
  var widths = new Map();  // each label's width at a font size of 100 px
  function labelWidth(ctx, id, text) {
    id = id + "\n" + text;
    if (!widths.has(id)) {
      var font = ctx.font;
      ctx.font = "100px " + data.options.nodes.font.face;
      widths.set(id, ctx.measureText(text).width);
      ctx.font = font;
    }
    return widths.get(id);
  }
  function Boxes() {  // screen boxes [left, top, right, bottom], found by a grid of cells
    var cells = new Map();
    function keys(box, visit) {
      for (var cx = Math.floor(box[0] / 64); cx <= Math.floor(box[2] / 64); cx++) {
        for (var cy = Math.floor(box[1] / 64); cy <= Math.floor(box[3] / 64); cy++) {
          if (visit(cx + "," + cy) === false) { return false; }
        }
      }
      return true;
    }
    this.free = function (box) {
      return keys(box, function (key) {
        return !(cells.get(key) || []).some(function (b) {
          return b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3];
        });
      });
    };
    this.add = function (box) {
      keys(box, function (key) {
        if (!cells.has(key)) { cells.set(key, []); }
        cells.get(key).push(box);
      });
    };
  }
  function drawCrowdLabels(ctx) {
    var scale = network.getScale();
    var size = Math.max(data.crowd.min, Math.min(data.crowd.max, data.crowd.font * scale));
    var taken = new Boxes();
    var face = data.options.nodes.font.face;
    info.forEach(function (node, id) {  // technique labels inside the ring, drawn by vis-network
      var font = data.options.groups.technique.font.size * scale;
      if (node.group !== "technique" || node.ring || hidden.get(id) ||
          font < data.options.nodes.scaling.label.drawThreshold) { return; }
      var p = network.canvasToDOM(network.getPositions([id])[id]);
      var half = labelWidth(ctx, id, node.name) * font / 200;
      var top = p.y + (node.size || data.options.groups.technique.size) * scale;
      taken.add([p.x - half, top, p.x + half, top + font * 1.3]);
    });
    var selected = network.getSelectedNodes().filter(function (id) { return !!info.get(id).short; });
    var order = selected.concat(crowdOrder);
    var positions = network.getPositions(crowdOrder);
    var width = container.clientWidth;
    var height = container.clientHeight;
    var ratio = network.canvas.pixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = size + "px " + face;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.fillStyle = "#1d1d1f";
    var drawn = 0;
    order.forEach(function (id, i) {
      if (hidden.get(id) || (i >= selected.length && selected.indexOf(id) >= 0)) { return; }
      var node = info.get(id);
      var text = scale < 1 && node.tag && i >= selected.length ? node.tag : node.short;
      var p = network.canvasToDOM(positions[id]);
      var half = labelWidth(ctx, id, text) * size / 200;
      var top = p.y + ((node.size || data.options.groups[node.group].size) * scale) + 2;
      var box = [p.x - half - 1, top, p.x + half + 1, top + size * 1.25];
      if (box[2] < 0 || box[0] > width || box[3] < 0 || box[1] > height || !taken.free(box)) {
        return;
      }
      taken.add(box);
      ctx.strokeText(text, p.x, top);
      ctx.fillText(text, p.x, top);
      drawn += 1;
    });
    ctx.restore();
    document.body.setAttribute("data-labels", String(drawn));
  }

  // The side panel.
  var details = document.getElementById("details");
  function section(title, items) {
    if (!items.length) { return null; }
    var box = el("section");
    box.appendChild(el("h3", title));
    var list = el("ul", null, "links");
    items.forEach(function (item) {
      var entry = el("li");
      entry.appendChild(item);
      list.appendChild(entry);
    });
    box.appendChild(list);
    return box;
  }
  function linksOf(ids) {
    var items = [];
    ids.forEach(function (id) {
      var node = info.get(id);
      if (node.links.length) {
        node.links.forEach(function (url) { items.push(anchor(node.name, url)); });
      } else {
        items.push(el("span", node.name));
      }
    });
    return items;
  }
  function show(id) {
    details.replaceChildren();
    var node = info.get(id);
    remember(node ? id : null);
    details.hidden = !node;
    if (!node) { return; }
    var close = el("button", "×", "close");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { network.unselectAll(); show(null); });
    details.appendChild(close);
    details.appendChild(el("p", kindNames[node.group], "kind kind-" + node.group));
    details.appendChild(el("h2", node.name, "name"));
    var facts = factsOf(node);
    if (facts.length) { details.appendChild(el("p", facts.join(" · "), "facts")); }
    // A paper's authors and venue, where the list's BibTeX block gives them.
    if (node.authors) { details.appendChild(el("p", node.authors, "authors")); }
    if (node.venue) { details.appendChild(el("p", node.venue, "venue")); }
    var parts = [];
    var papers = around(id, "paper");
    if (node.group === "paper") {
      parts.push(section("Paper", node.links.map(function (url) { return anchor(url, url); })));
      parts.push(section("Code", linksOf(around(id, "repository"))));
      parts.push(section("Models", linksOf(around(id, "model"))));
      parts.push(section("Techniques", around(id, "technique").map(function (t) { return nodeButton(t); })));
      parts.push(section("Areas", (node.areas || []).map(function (a) { return nodeButton(a); })));
    } else if (node.group === "technique") {
      var buttons = function (list) { return list.slice().sort(byName).map(function (t) { return nodeButton(t); }); };
      parts.push(section("Areas", around(id, "area").map(function (a) { return nodeButton(a); })));
      parts.push(section("Broader techniques", buttons(node.broader)));
      parts.push(section("Narrower techniques", buttons(node.narrower)));
      var title = "Papers (" + node.papers.length + ")";
      if (node.narrower.length) { title = "Papers (" + node.papers.length + ", narrower techniques included)"; }
      parts.push(section(title, buttons(node.papers)));
    } else if (node.group === "area") {
      var inArea = data.nodes.filter(function (n) {
        return n.group === "paper" && (n.areas || []).indexOf(id) >= 0;
      }).map(function (n) { return n.id; }).sort(byName);
      parts.push(section("Techniques", around(id, "technique").map(function (t) { return nodeButton(t); })));
      parts.push(section("Papers (" + inArea.length + ")", inArea.map(function (p) { return nodeButton(p); })));
    } else {
      var hub = node.huggingface ? "https://huggingface.co/" + node.huggingface : null;
      parts.push(section("Hugging Face", hub ? [anchor(node.huggingface, hub)] : []));
      parts.push(section("Link", node.links.filter(function (url) { return url !== hub; })
        .map(function (url) { return anchor(url, url); })));
      parts.push(section("Papers", papers.map(function (p) { return nodeButton(p); })));
    }
    parts.forEach(function (part) { if (part) { details.appendChild(part); } });
    details.appendChild(el("p", id, "iri"));
  }

  // What a card says under the name: a paper's year and arXiv id, a model's size.
  function factsOf(node) {
    var facts = [];
    if (node.year) { facts.push(node.year); }
    if (node.arxiv) { facts.push("arXiv " + node.arxiv); }
    if (node.parameters) { facts.push(node.parameters + " parameters"); }
    return facts;
  }

  // The tooltip on hover: name, facts and kind, as text.
  var tooltip = document.getElementById("tooltip");
  network.on("hoverNode", function (params) {
    var node = info.get(params.node);
    var box = container.getBoundingClientRect();
    var facts = factsOf(node);
    tooltip.replaceChildren(el("strong", node.name));
    if (facts.length) { tooltip.appendChild(el("span", facts.join(" · "), "facts")); }
    tooltip.appendChild(el("span", kindNames[node.group], "kind"));
    tooltip.style.left = Math.round(box.left + params.pointer.DOM.x + 14) + "px";
    tooltip.style.top = Math.round(box.top + params.pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("click", function (params) {
    if (params.nodes.length) { show(params.nodes[0]); } else { show(null); }
  });

  // Filters: kinds, areas, one technique.
  var state = { kinds: new Set(data.kinds.map(function (k) { return k.kind; })),
                areas: new Set(data.areas), technique: "" };
  function allAreas() { return data.areas.every(function (a) { return state.areas.has(a); }); }
  function inAreas(node) {
    return allAreas() || (node.areas || []).some(function (a) { return state.areas.has(a); });
  }
  // A technique chosen shows its papers and its narrower techniques, through which some come.
  function passing() {
    var pass = new Set();
    var chosen = state.technique ? info.get(state.technique) : null;
    var reach = new Set(chosen ? chosen.papers : []);
    var below = new Set(chosen ? chosen.narrower.concat([state.technique]) : []);
    info.forEach(function (node, id) {
      if (node.group === "area") {
        if (state.areas.has(id) || data.areas.indexOf(id) < 0) { pass.add(id); }
      } else if (node.group === "technique") {
        if (chosen ? below.has(id) : inAreas(node)) { pass.add(id); }
      } else if (node.group === "paper") {
        var usesIt = !chosen || reach.has(id);
        if (usesIt && inAreas(node)) { pass.add(id); }
      }
    });
    var filtering = !allAreas() || state.technique !== "";
    info.forEach(function (node, id) {
      if (node.group === "model" || node.group === "repository") {
        var papers = around(id, "paper");
        if (papers.length ? papers.some(function (p) { return pass.has(p); }) : !filtering) {
          pass.add(id);
        }
      }
    });
    return pass;
  }
  function applyFilters() {
    var pass = passing();
    var updates = [];
    var shown = 0;
    info.forEach(function (node, id) {
      var hide = !(pass.has(id) && state.kinds.has(node.group));
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

  function checkRow(list, value, label, count, checked, onChange, swatch) {
    var row = el("li");
    var name = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.value = value;
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); applyFilters(); });
    name.appendChild(box);
    if (swatch) { name.appendChild(swatch); }
    name.appendChild(el("span", label));
    name.appendChild(el("span", count, "count"));
    row.appendChild(name);
    list.appendChild(row);
  }
  var counts = {};
  data.nodes.forEach(function (n) { counts[n.group] = (counts[n.group] || 0) + 1; });
  var legend = document.getElementById("legend");
  data.kinds.forEach(function (kind) {
    var swatch = el("span", null, "swatch shape-" + kind.shape);
    swatch.style.backgroundColor = kind.color;
    checkRow(legend, kind.kind, kind.name, counts[kind.kind] || 0, true, function (on) {
      if (on) { state.kinds.add(kind.kind); } else { state.kinds.delete(kind.kind); }
    }, swatch);
  });
  var edgeLegend = document.getElementById("edge-legend");
  data.relations.forEach(function (style) {
    var row = el("li");
    var line = el("span", null, "line");
    line.style.borderTopColor = style.color;
    line.style.borderTopStyle = style.dashes ? "dashed" : "solid";
    row.appendChild(line);
    row.appendChild(el("span", style.name));
    edgeLegend.appendChild(row);
  });
  var perArea = {};
  data.stats.papers_per_area.forEach(function (r) { perArea[r.id] = r.score; });
  var areaList = document.getElementById("area-filter");
  data.areas.forEach(function (area) {
    checkRow(areaList, area, info.get(area).name, perArea[area] || 0, true, function (on) {
      if (on) { state.areas.add(area); } else { state.areas.delete(area); }
    });
  });
  var techniqueSelect = document.getElementById("technique-filter");
  data.nodes.filter(function (n) { return n.group === "technique"; })
    .map(function (n) { return n.id; }).sort(byName).forEach(function (id) {
      var option = el("option", info.get(id).name + " (" + info.get(id).papers.length + ")");
      option.value = id;
      techniqueSelect.appendChild(option);
    });
  techniqueSelect.addEventListener("change", function () {
    state.technique = techniqueSelect.value;
    applyFilters();
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
    if (!on) {  // back to the drawn layout: ring, areas and groups where the page put them
      network.stopSimulation();
      nodes.update(drawnAt);
      if (!viewMoved) { fitFigure(false); }
    }
    physics.setAttribute("aria-pressed", String(on));
    physics.textContent = on ? "Physics: on" : "Physics: off";
  });

  // Search: a node named exactly what was typed (or the paper of that arXiv id) first, then
  // the nodes whose name holds every word typed, papers first.
  var searchable = data.nodes.map(function (n) {
    var name = n.name.toLowerCase();
    return { id: n.id, name: name, arxiv: n.arxiv || "", paper: n.group === "paper",
             text: n.arxiv ? name + " " + n.arxiv : name };
  }).sort(function (a, b) { return (b.paper - a.paper) || byName(a.id, b.id); });
  function find(query) {
    var phrase = String(query).toLowerCase().trim().replace(/\s+/g, " ");
    var words = phrase.split(" ").filter(Boolean);
    if (!words.length) { return []; }
    var arxiv = phrase.replace(/^arxiv:\s*/, "").replace(/v\d+$/, "");
    function rank(entry) {
      if (entry.name === phrase || (entry.arxiv && entry.arxiv === arxiv)) { return 0; }
      return words.every(function (word) { return entry.text.indexOf(word) >= 0; }) ? 1 : 2;
    }
    var ranked = [[], [], []];
    searchable.forEach(function (entry) { ranked[rank(entry)].push(entry.id); });
    return ranked[0].concat(ranked[1]).slice(0, 12);
  }
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  function listResults() {
    results.replaceChildren();
    var found = find(search.value);
    found.forEach(function (id) {
      var row = el("li");
      var button = nodeButton(id);
      button.appendChild(el("span", kindNames[info.get(id).group], "kind"));
      button.addEventListener("click", function () { results.hidden = true; });
      row.appendChild(button);
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
      if (found.length) { results.hidden = true; focus(found[0]); }
    } else if (event.key === "Escape") {
      search.value = "";
      listResults();
    } else if (event.key === "ArrowDown" && results.querySelector("button")) {
      event.preventDefault();
      results.querySelector("button").focus();
    }
  });

  function focus(id) {
    if (!info.has(id)) { return false; }
    if (hidden.get(id)) { resetFilters(); }
    viewMoved = true;
    network.selectNodes([id]);
    network.focus(id, {
      scale: Math.max(network.getScale(), 0.8),
      animation: { duration: 450, easingFunction: "easeInOutQuad" }
    });
    show(id);
    document.body.setAttribute("data-selected", id);
    return true;
  }

  // The numbers panel.
  var stats = data.stats;
  var summary = stats.nodes + " nodes, " + stats.edges + " edges, " + stats.papers + " papers; " +
    stats.component_count + " connected components";
  if (stats.papers_without_area) { summary += "; " + stats.papers_without_area + " papers with no area yet"; }
  document.getElementById("stats-summary").textContent = summary + ".";
  if (stats.sample) {
    document.getElementById("stats-centrality-note").textContent +=
      " Estimated from " + stats.sample + " sampled source nodes.";
  }
  var areaRows = document.querySelector("#stats-areas tbody");
  stats.papers_per_area.forEach(function (r) {
    var row = el("tr");
    var cell = el("td");
    cell.appendChild(nodeButton(r.id, r.name));
    row.appendChild(cell);
    row.appendChild(el("td", r.score, "number"));
    areaRows.appendChild(row);
  });
  function rankList(target, ranking, describe) {
    var list = document.getElementById(target);
    ranking.forEach(function (r) {
      var row = el("li");
      row.appendChild(nodeButton(r.id, r.name));
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
    var kinds = Object.keys(c.kinds).map(function (k) { return c.kinds[k] + " " + kindNames[k].toLowerCase(); });
    var row = el("li");
    row.appendChild(el("span", c.size + " nodes (" + kinds.join(", ") + "), around "));
    row.appendChild(nodeButton(c.hub, c.hub_name));
    componentList.appendChild(row);
  });

  // The address remembers the selected node (graph.html#paper/...), so it can be shared.
  function remember(id) {
    var short = id !== null && id.indexOf(data.base) === 0 ? id.slice(data.base.length) : id;
    var key = id === null ? "" : "#" + encodeURI(short);
    if (location.hash !== key) { history.replaceState(null, "", key || location.pathname); }
  }
  function fromAddress() {
    var key;
    try { key = decodeURI(location.hash.slice(1)); } catch (error) { return; }  // e.g. "#%"
    var id = info.has(data.base + key) ? data.base + key : key;
    if (key && info.has(id) && network.getSelectedNodes()[0] !== id) { focus(id); }
  }
  window.addEventListener("hashchange", fromAddress);

  applyFilters();
  fromAddress();
  return { focus: focus, find: find, show: show, filters: state, apply: applyFilters,
           reset: resetFilters, data: data };
})();

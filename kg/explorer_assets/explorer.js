(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gbakg-data").textContent);
  var hiddenTypes = new Set();
  var hiddenPredicates = new Set(["mentionedWith"]);
  var original = {};
  var highlighted = null;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function checkbox(container, key, colour, hidden, kind, onChange) {
    var label = el("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = !hidden;
    box.dataset[kind] = key;
    box.addEventListener("change", function () { onChange(key, box.checked); });
    var swatch = el("span", null, kind === "type" ? "swatch" : "line");
    swatch.style.background = colour;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(key));
    container.appendChild(label);
  }

  function isHiddenNode(id) {
    var node = data.nodes[id];
    return !node || hiddenTypes.has(node.type);
  }

  function applyFilters() {
    var nodeUpdates = [];
    nodes.forEach(function (n) { nodeUpdates.push({ id: n.id, hidden: isHiddenNode(n.id) }); });
    nodes.update(nodeUpdates);
    var edgeUpdates = [];
    edges.forEach(function (e) {
      edgeUpdates.push({ id: e.id, hidden: hiddenPredicates.has(e.predicate) || isHiddenNode(e.from) || isHiddenNode(e.to) });
    });
    edges.update(edgeUpdates);
    countVisible();
  }

  function countVisible() {
    var shown = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    var links = edges.get({ filter: function (e) { return !e.hidden; } }).length;
    document.getElementById("gbakg-count").textContent = shown + " entities and " + links + " links drawn";
    return shown;
  }

  function restoreColours() {
    if (!highlighted) return;
    var updates = [];
    Object.keys(original).forEach(function (id) { updates.push({ id: id, color: original[id].color, font: original[id].font }); });
    nodes.update(updates);
    highlighted = null;
  }

  function highlight(id) {
    restoreColours();
    var keep = new Set([id]);
    edges.get(network.getConnectedEdges(id)).forEach(function (e) {
      if (!e.hidden) { keep.add(e.from); keep.add(e.to); }
    });
    var updates = [];
    nodes.forEach(function (n) {
      original[n.id] = { color: n.color, font: n.font || {} };
      if (!keep.has(n.id)) updates.push({ id: n.id, color: "#e6e6e6", font: { color: "#bbbbbb" } });
    });
    nodes.update(updates);
    highlighted = id;
  }

  function addEntry(list, term, value) {
    if (value === undefined || value === null || value === "") return;
    list.appendChild(el("dt", term));
    list.appendChild(el("dd", value));
  }

  function evidenceList(panel, items) {
    if (!items || !items.length) return;
    panel.appendChild(el("h4", "Evidence"));
    var ol = el("ol");
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("q", item.sentence));
      li.appendChild(el("span", " — " + item.doc, "gbakg-doc"));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  }

  function showNode(id) {
    var node = data.nodes[id];
    var panel = document.getElementById("gbakg-panel");
    panel.textContent = "";
    if (!node) return;
    panel.appendChild(el("h3", node.label));
    var list = el("dl");
    addEntry(list, "简体 zh-Hans", node.labels["zh-Hans"]);
    addEntry(list, "繁體 zh-Hant", node.labels["zh-Hant"]);
    addEntry(list, "English", node.labels.en);
    addEntry(list, "class", node.type);
    addEntry(list, "city", node.city);
    addEntry(list, "also written", node.aliases.join(" · "));
    addEntry(list, "PageRank", node.measures.pagerank.toFixed(4));
    addEntry(list, "betweenness", node.measures.betweenness.toFixed(4));
    addEntry(list, "degree", node.measures.degree);
    addEntry(list, "documents", node.documents.join(", "));
    panel.appendChild(list);
    evidenceList(panel, node.evidence);
  }

  function showEdge(id) {
    var edge = data.edges[id];
    var panel = document.getElementById("gbakg-panel");
    panel.textContent = "";
    if (!edge) return;
    var from = data.nodes[edge.from], to = data.nodes[edge.to];
    panel.appendChild(el("h3", (from ? from.label : edge.from) + " — " + edge.predicate + " → " + (to ? to.label : edge.to)));
    panel.appendChild(el("p", edge.count + " supporting sentence" + (edge.count === 1 ? "" : "s")));
    evidenceList(panel, edge.evidence);
  }

  function normalise(text) { return String(text).replace(/\s+/g, "").toLowerCase(); }

  function find(query) {
    var q = normalise(query);
    if (!q) return null;
    var best = null;
    Object.keys(data.nodes).forEach(function (id) {
      var node = data.nodes[id];
      var names = [node.label].concat(Object.values(node.labels), node.aliases);
      names.forEach(function (name) {
        var n = normalise(name);
        var at = n.indexOf(q);
        if (at < 0) return;
        var score = [n === q ? 0 : 1, n.length - q.length, -node.measures.pagerank, id];
        if (!best || compare(score, best.score) < 0) best = { id: id, score: score };
      });
    });
    return best ? best.id : null;
  }

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.0, animation: false });
    highlight(id);
    showNode(id);
  }

  function search(query) {
    var status = document.getElementById("gbakg-search-status");
    var id = find(query);
    if (!id) { status.textContent = "not found"; return null; }
    if (isHiddenNode(id)) {
      hiddenTypes.delete(data.nodes[id].type);
      var box = document.querySelector('input[data-type="' + data.nodes[id].type + '"]');
      if (box) box.checked = true;
      applyFilters();
    }
    status.textContent = "";
    focusNode(id);
    return id;
  }

  var legend = document.getElementById("gbakg-legend");
  Object.keys(data.types).forEach(function (t) {
    checkbox(legend, t, data.types[t], false, "type", function (key, on) {
      if (on) hiddenTypes.delete(key); else hiddenTypes.add(key);
      applyFilters();
    });
  });
  var rels = document.getElementById("gbakg-predicates");
  Object.keys(data.predicates).forEach(function (p) {
    checkbox(rels, p, data.predicates[p], hiddenPredicates.has(p), "predicate", function (key, on) {
      if (on) hiddenPredicates.delete(key); else hiddenPredicates.add(key);
      applyFilters();
    });
  });
  document.getElementById("gbakg-note").textContent = data.note + " Node size: " + data.sizeBy + ".";
  document.getElementById("gbakg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search(document.getElementById("gbakg-search").value);
  });
  network.on("click", function (params) {
    if (params.nodes.length) { highlight(params.nodes[0]); showNode(params.nodes[0]); }
    else if (params.edges.length) { restoreColours(); showEdge(params.edges[0]); }
    else { restoreColours(); }
  });
  window.gbakg = {
    ready: false,
    search: search,
    visibleNodes: function () { return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; }); },
    visibleEdges: function () { return edges.get({ filter: function (e) { return !e.hidden; } }).map(function (e) { return e.id; }); },
    selected: function () { return network.getSelectedNodes(); },
    showEdge: showEdge,
    showNode: showNode,
    data: data
  };
  network.once("afterDrawing", function () {
    window.gbakg.ready = true;
    window.gbakg.drawnAt = performance.now();
  });
  countVisible();
  network.redraw();
})();

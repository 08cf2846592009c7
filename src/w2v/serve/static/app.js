// w2v serve: the page. Plain JavaScript and a <canvas>; every figure comes from the JSON API (docs/serve.md).
"use strict";

const $ = (id) => document.getElementById(id);

// The view, mirrored in the address (#model=0&word=king&...) so it can be bookmarked or shared.
const state = {
  model: 0, word: "", doc: "", compare: 1, topn: 15,
  words: "top", n: 1000, layout: "pca", x: "he,she", y: "good,bad",
};
const NUMBERS = new Set(["model", "compare", "topn", "n"]);
let models = [];
let neighbours = [];          // [{word, similarity}] of the current word
let nearDocuments = [];       // [{tag, similarity, text}] of the current document or text

// ---- talking to the server --------------------------------------------------------------------

class ApiError extends Error {}

async function api(path, params = {}) {
  const response = await fetch(`api/${path}?${new URLSearchParams(params)}`);
  let body;
  try { body = await response.json(); } catch (e) { body = {}; }
  if (!response.ok) throw new ApiError(body.error || `${response.status} ${response.statusText}`);
  return body;
}

function setStatus(message, isError = false) {
  const el = $("status");
  el.textContent = message;
  el.classList.toggle("error", isError);
}

// Run a query, showing its error (a 404 for an unknown word, ...) in the status line.
async function attempt(what, fn) {
  setStatus(`${what}…`);
  try {
    await fn();
    setStatus("");
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    setStatus(e.message, true);
  }
}

// ---- the address holds the view ---------------------------------------------------------------

function readAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const key of Object.keys(state)) {
    if (!params.has(key)) continue;
    const value = params.get(key);
    state[key] = NUMBERS.has(key) ? (parseInt(value, 10) || 0) : value;
  }
}

function writeAddress() {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) if (value !== "") params.set(key, value);
  history.replaceState(null, "", `#${params}`);
}

// ---- small DOM helpers ------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function wordButton(word) {
  return el("button", { class: "word", type: "button", title: `explore ${word}`, onclick: () => explore(word) }, word);
}

// A ranked list of {word, similarity} drawn as bars (3CosMul scores are not cosines: scaled to the best).
function drawBars(list, results, scaleToBest = false) {
  list.replaceChildren();
  const best = scaleToBest && results.length ? Math.max(...results.map((r) => r.similarity || 0)) : 1;
  for (const r of results) {
    const fill = el("span");
    fill.style.width = `${Math.max(0, Math.min(1, (r.similarity || 0) / (best || 1))) * 100}%`;
    list.append(el("li", {}, wordButton(r.word), el("div", { class: "bar" }, fill),
                   el("span", { class: "sim" }, r.similarity === null ? "n/a" : r.similarity.toFixed(3))));
  }
  if (!results.length) list.append(el("li", { class: "hint" }, "no answers"));
}

function download(blob, name) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function csv(rows) {
  const cell = (v) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return rows.map((row) => row.map(cell).join(",")).join("\n") + "\n";
}

const fileStem = () => `${(models[state.model] || {}).name || "model"}`.replace(/[^\w.-]+/g, "_");

// ---- neighbours, search, analogies --------------------------------------------------------------

async function explore(word) {
  word = word.trim();
  if (!word) return;
  state.word = word;
  $("search").value = word;
  writeAddress();
  $("current-word").textContent = word;
  $("oov-badge").hidden = true;
  neighbours = [];
  $("neighbours").replaceChildren();
  await attempt(`neighbours of ${word}`, async () => {
    const body = await api("neighbors", { word, topn: state.topn, model: state.model });
    neighbours = body.neighbors;
    $("oov-badge").hidden = !body.oov.length;      // built from its character n-grams (FastText)
    drawBars($("neighbours"), neighbours);
  });
  loadCompare();
  if (state.words === "around") drawMap();
  else if (!showsDocuments()) mapView.setFocus(word, neighbours.map((r) => r.word));
}

let completionTimer = null;
function completeSearch() {
  clearTimeout(completionTimer);
  const prefix = $("search").value.trim();
  if (!prefix) return;
  completionTimer = setTimeout(async () => {
    try {
      const body = await api("complete", { prefix, limit: 12, model: state.model });
      $("completions").replaceChildren(...body.words.map((w) => el("option", { value: w })));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
  }, 120);
}

const ANALOGY_BOXES = ["an-a", "an-b", "an-c"];

// The grey placeholders: an analogy this model answers right (found by the server), else none.
function showExampleAnalogy() {
  const example = models[state.model].analogy;
  ANALOGY_BOXES.forEach((id, k) => { $(id).placeholder = example ? example[k] : "abc"[k]; });
  $("analogy-form").dataset.example = example ? example.join(",") : "";
}

async function answerAnalogy(event) {
  event.preventDefault();
  if (!models[state.model].analogy && ANALOGY_BOXES.some((id) => !$(id).value.trim())) {
    return setStatus("type three words: a is to b as c is to ?", true);
  }
  const [a, b, c] = ANALOGY_BOXES.map((id) => $(id).value.trim() || $(id).placeholder);
  const method = $("an-method").value;
  await attempt("analogy", async () => {
    const body = await api("analogy", { a, b, c, method, topn: 10, model: state.model });
    $("analogy-oov").textContent = body.oov.length ? `OOV, built from character n-grams: ${body.oov.join(", ")}` : "";
    $("analogy-oov").hidden = !body.oov.length;
    drawBars($("analogy-answers"), body.answers, method === "mul");
  });
}

function exportNeighbours() {
  if (!neighbours.length) return setStatus("explore a word first", true);
  const rows = [["rank", "word", "similarity"], ...neighbours.map((r, i) => [i + 1, r.word, r.similarity])];
  download(new Blob([csv(rows)], { type: "text/csv" }), `${fileStem()}-${state.word}-neighbours.csv`);
}

// ---- documents (a Doc2Vec model) ---------------------------------------------------------------

const hasDocuments = () => models[state.model].documents !== null;
const showsDocuments = () => state.words.startsWith("docs");
// A document's label on the map: its first words, at most LABEL_CHARS characters (its tag without text).
const LABEL_CHARS = 32;
const docLabel = (p) => (!p.text ? String(p.tag)
  : p.text.length <= LABEL_CHARS ? p.text : `${p.text.slice(0, LABEL_CHARS - 1).replace(/\s+\S*$/, "")}…`);

const CAPTIONS = {
  docs: "the documents' order, from the first (yellow) to the last (purple).",
  "docs-around": "from the nearest documents (yellow) to the farthest (purple).",
};
function showCaption() {
  $("map-caption").textContent = "Scroll to zoom, drag to pan, click a point to explore it. Colour: " +
    (CAPTIONS[state.words] || "frequency, from rare (purple) to frequent (yellow).");
}

function drawDocuments(results) {
  const list = $("doc-results");
  list.replaceChildren(...results.map((r) => el("li", {},
    el("button", { class: "word", type: "button", title: `documents nearest ${r.tag}`, onclick: () => exploreDocument(String(r.tag)) }, String(r.tag)),
    el("span"), el("span", { class: "sim" }, r.similarity === null ? "n/a" : r.similarity.toFixed(3)),
    el("div", { class: r.text === null ? "doc-text missing" : "doc-text" }, r.text === null ? "(the model has no text of its documents)" : r.text))));
  if (!results.length) list.append(el("li", { class: "hint" }, "no documents"));
}

// The documents nearest a document of the model (by its tag).
async function exploreDocument(tag) {
  tag = String(tag).trim();
  if (!tag) return;
  state.doc = tag;
  $("doc-tag").value = tag;
  writeAddress();
  nearDocuments = [];
  await attempt(`documents nearest ${tag}`, async () => {
    const body = await api("documents/similar", { tag, topn: state.topn, model: state.model });
    $("doc-query").textContent = `Nearest ${body.tag}` + (body.text ? `: ${body.text}` : "");
    nearDocuments = body.documents;
    drawDocuments(nearDocuments);
  });
  if (state.words === "docs-around") drawMap();
  else if (showsDocuments()) mapView.setFocus(state.doc, nearDocuments.map((r) => String(r.tag)));
}

// The documents nearest a vector inferred for typed text (the server's gate: may answer "busy").
async function searchDocuments(event) {
  event.preventDefault();
  const text = $("doc-text").value.trim();
  if (!text) return setStatus("type some text to search for", true);
  await attempt("inferring the text's vector", async () => {
    const body = await api("documents/search", { text, topn: state.topn, model: state.model });
    nearDocuments = body.documents;
    $("doc-query").textContent = `Nearest the text (${body.words} words` +
      (body.unknown.length ? `; not in the vocabulary, skipped: ${body.unknown.join(", ")})` : ")");
    drawDocuments(nearDocuments);
    if (showsDocuments()) mapView.setFocus(state.doc, nearDocuments.map((r) => String(r.tag)));   // red: the map's document
  });
}

function showDocumentControls() {
  const docs = hasDocuments();
  $("documents-panel").hidden = !docs;
  for (const option of document.querySelectorAll("#map-words .doc-only")) option.hidden = option.disabled = !docs;
  if (docs) $("doc-count").textContent = `${models[state.model].documents.toLocaleString()} documents`;
  else if (showsDocuments()) state.words = "top";
}

// ---- two models side by side ------------------------------------------------------------------

async function loadCompare() {
  if (models.length < 2 || !state.word) return;
  const a = state.model, b = state.compare;
  $("cmp-a-name").textContent = models[a].name;
  $("cmp-b-name").textContent = models[b].name;
  try {
    const body = await api("compare", { word: state.word, a, b, topn: state.topn });
    const shared = new Set(body.shared);
    body.neighbors.forEach((side, k) => {
      $(k ? "cmp-b" : "cmp-a").replaceChildren(...side.map((r) => el("li", { class: shared.has(r.word) ? "shared" : "" },
        wordButton(r.word), el("span", { class: "sim" }, r.similarity === null ? "n/a" : r.similarity.toFixed(3)))));
    });
    $("overlap").textContent = `${state.word}: ${body.shared.length} of ${body.neighbors[0].length} neighbours shared ` +
      `(Jaccard ${body.jaccard.toFixed(2)}); shared words in green.`;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    $("overlap").textContent = e.message;
    $("cmp-a").replaceChildren();
    $("cmp-b").replaceChildren();
  }
}

async function loadDiffer() {
  await attempt("comparing neighbourhoods (the first time takes a few seconds)", async () => {
    const body = await api("differ", { a: state.model, b: state.compare, topn: 10, limit: 100 });
    $("differ").replaceChildren(...body.words.map((r) => el("li", { title: `${body.models[0]}: ${r.neighbors[0].join(", ")}\n` +
      `${body.models[1]}: ${r.neighbors[1].join(", ")}` }, wordButton(r.word), el("span", { class: "sim" }, `Jaccard ${r.jaccard.toFixed(2)}`))));
  });
}

// ---- the probe's report -----------------------------------------------------------------------

async function loadProbe() {
  if (!$("probe-details").open) return;
  const box = $("probe");
  box.replaceChildren(el("p", { class: "hint" }, "running the probe…"));
  await attempt("probe", async () => {
    const r = await api("probe", { model: state.model });
    const mark = (ok) => el("span", { class: ok ? "ok" : "bad" }, ok ? "OK" : "FAILED");
    const analogies = el("table", {}, el("tr", {}, el("th", {}, "question"), el("th", {}, "answer"), el("th", {}, "cosine"), el("th", {}, "")),
      ...r.analogies.map((a) => el("tr", {}, el("td", {}, a.question),
        el("td", {}, a.answer === null ? `skipped (lacks ${a.missing.join(", ")})` : a.answer),
        el("td", {}, a.cosine === null ? "" : a.cosine.toFixed(3)),
        el("td", {}, a.correct === null ? "" : (a.correct ? mark(true) : `expected ${a.expected}`)))));
    const nbrs = el("table", {}, ...Object.entries(r.neighbours).map(([w, list]) =>
      el("tr", {}, el("td", {}, wordButton(w)), el("td", {}, list.map(([n, c]) => `${n} ${c === null ? "n/a" : c.toFixed(2)}`).join(", ")))));
    const d = r.degenerate, s = r.symmetry;
    box.replaceChildren(
      el("div", { class: `verdict${r.verdict.training_bug ? " bug" : ""}` }, r.verdict.summary, el("br"), r.verdict.analogy_note + "."),
      el("p", {}, `${r.vocabulary.toLocaleString()} words × ${r.dimensions} dimensions`),
      el("h3", {}, "1. Canonical analogies"), analogies,
      el("h3", {}, "2. Nearest neighbours"), nbrs,
      el("h3", {}, "3. Symmetry"), el("p", {}, `${s.pairs} random pairs, max |sim(a,b) − sim(b,a)| = ${s.max_abs_diff === null ? "n/a" : s.max_abs_diff.toExponential(1)} `, mark(s.ok)),
      el("h3", {}, "4. Degenerate vectors"), el("p", {},
        `norms ${d.min_norm === null ? "n/a" : d.min_norm.toPrecision(3)} … ${d.max_norm === null ? "n/a" : d.max_norm.toPrecision(3)}; ` +
        `${d.nan_or_inf} NaN/inf, ${d.norm_below_min} below ${d.limits[0]}, ${d.norm_above_max} above ${d.limits[1]} `, mark(d.ok)));
  });
}

// ---- the map ----------------------------------------------------------------------------------

// viridis, sampled: rare words dark purple, frequent ones yellow.
const PALETTE = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
                 "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"];

// The font the server offers for Chinese, Japanese and Korean (app.css's @font-face: used for those
// characters alone), so that labels show as characters where the system has no CJK font.
const CJK_FONT = '"w2v CJK"';
const LABEL_FONTS = `${CJK_FONT}, system-ui, sans-serif`;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
let cjkFontAsked = false;

class MapView {
  constructor(canvas, tooltip) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.tooltip = tooltip;
    this.points = [];                 // {word, x, y, count, shade}
    this.axes = null;                 // {x: [...], y: [...]} on a semantic-axes map
    this.focus = "";
    this.near = new Set();
    this.hover = -1;
    this.view = { scale: 1, tx: 0, ty: 0 };
    this.labels = [];                 // labels drawn last time, for the SVG export
    this.labelOrder = [];
    this.widths = new Map();          // label widths in pixels, measured once
    this.pending = false;
    this.listen();
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
  }

  setPoints(points, axes = null) {
    this.points = points;
    this.axes = axes;
    this.loadCjkFont();
    // Colour by frequency rank among the points shown (by position when the model has no counts),
    // so every colour of the palette is used whatever the counts' spread.
    const useCounts = points.some((p) => p.count > 0);
    const order = points.map((p, i) => i);
    if (useCounts) order.sort((i, j) => points[i].count - points[j].count || j - i);
    else order.reverse();
    order.forEach((i, k) => { points[i].shade = Math.floor((k / Math.max(1, points.length - 1)) * (PALETTE.length - 1)); });
    this.hover = -1;
    this.orderLabels();
    this.fit();
  }

  // A canvas draws with the fonts loaded when it draws, and never asks for one: when labels hold
  // Chinese, Japanese or Korean, load the server's CJK font (app.css) first, then draw again.
  loadCjkFont() {
    if (cjkFontAsked || !document.fonts || !this.points.some((p) => CJK.test(p.word))) return;
    cjkFontAsked = true;
    document.fonts.load(`11px ${CJK_FONT}`, "中").then((faces) => {
      if (!faces.length) return;            // no CJK font on the server: system fonts as before
      this.widths.clear();
      this.redraw();
    }, () => {});
  }

  setFocus(word, near) {
    this.focus = word;
    this.near = new Set(near);
    this.orderLabels();
    this.redraw();
  }

  // The order in which labels claim space: the explored word, its neighbours, then by frequency.
  // Sorted once per change of points or focus, not on every frame.
  importance(i) {
    const w = this.points[i].word;
    return w === this.focus ? 2 : this.near.has(w) ? 1 : 0;
  }

  orderLabels() {
    const pts = this.points;
    this.labelOrder = pts.map((p, i) => i).sort((i, j) =>
      this.importance(j) - this.importance(i) || pts[j].count - pts[i].count || i - j);
  }

  // Show every point: data units to pixels, y up.
  fit() {
    const { width, height } = this.size();
    if (!this.points.length) return this.redraw();
    const xs = this.points.map((p) => p.x), ys = this.points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const scale = 0.88 * Math.min(width / ((x1 - x0) || 1), height / ((y1 - y0) || 1));
    this.view = { scale, tx: width / 2 - scale * (x0 + x1) / 2, ty: height / 2 + scale * (y0 + y1) / 2 };
    this.redraw();
  }

  size() { return { width: this.canvas.clientWidth, height: this.canvas.clientHeight }; }
  toScreen(p) { return [p.x * this.view.scale + this.view.tx, -p.y * this.view.scale + this.view.ty]; }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.size();
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.fit();
  }

  redraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw() {
    const ctx = this.ctx, ratio = window.devicePixelRatio || 1;
    const { width, height } = this.size();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (this.axes) this.drawAxes(width, height);
    // One path per colour: 10,000 points cost a few milliseconds.
    const radius = this.points.length > 3000 ? 1.6 : 2.6;
    const byShade = PALETTE.map(() => new Path2D());
    const screen = this.points.map((p) => this.toScreen(p));
    screen.forEach(([sx, sy], i) => {
      if (sx < -5 || sy < -5 || sx > width + 5 || sy > height + 5) return;
      byShade[this.points[i].shade].rect(sx - radius, sy - radius, 2 * radius, 2 * radius);
    });
    ctx.globalAlpha = 0.85;
    byShade.forEach((path, k) => { ctx.fillStyle = PALETTE[k]; ctx.fill(path); });
    ctx.globalAlpha = 1;
    // The explored word and its neighbours stand out.
    this.points.forEach((p, i) => {
      if (p.word !== this.focus && !this.near.has(p.word)) return;
      const [sx, sy] = screen[i];
      ctx.beginPath();
      ctx.arc(sx, sy, p.word === this.focus ? 6 : 4, 0, 2 * Math.PI);
      ctx.fillStyle = p.word === this.focus ? "#d9363e" : "#f08c3a";
      ctx.fill();
      ctx.strokeStyle = "#fff";
      ctx.stroke();
    });
    this.drawLabels(ctx, screen, width, height);
    if (this.hover >= 0 && this.hover < this.points.length) {
      const [sx, sy] = screen[this.hover];
      ctx.beginPath();
      ctx.arc(sx, sy, 7, 0, 2 * Math.PI);
      ctx.strokeStyle = "#1d232b";
      ctx.lineWidth = 1.5;
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }

  drawAxes(width, height) {
    const ctx = this.ctx;
    const [ox, oy] = this.toScreen({ x: 0, y: 0 });
    ctx.strokeStyle = "#c9ced6";
    ctx.beginPath();
    ctx.moveTo(0, oy); ctx.lineTo(width, oy);
    if (this.axes.y) { ctx.moveTo(ox, 0); ctx.lineTo(ox, height); }
    ctx.stroke();
    ctx.fillStyle = "#6b7480";
    ctx.font = `bold 13px ${LABEL_FONTS}`;
    const [xa, xb] = this.axes.x;
    ctx.textAlign = "right"; ctx.fillText(`${xa} →`, width - 8, oy - 6);
    if (xb) { ctx.textAlign = "left"; ctx.fillText(`← ${xb}`, 8, oy - 6); }
    if (this.axes.y) {
      const [ya, yb] = this.axes.y;
      ctx.textAlign = "left"; ctx.fillText(`↑ ${ya}`, ox + 6, 16);
      if (yb) ctx.fillText(`↓ ${yb}`, ox + 6, height - 8);
    }
    ctx.textAlign = "left";
  }

  // Labels that do not overlap, most important first (see orderLabels).
  drawLabels(ctx, screen, width, height) {
    const cell = 24, grid = new Map(), placed = [];
    const overlaps = (box) => {
      for (let gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
        for (let gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
          for (const b of grid.get(`${gx},${gy}`) || []) {
            if (box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]) return true;
          }
        }
      }
      return false;
    };
    ctx.textBaseline = "bottom";
    let tries = 0;
    for (const i of this.labelOrder) {
      const [sx, sy] = screen[i];
      if (sx < 0 || sy < 0 || sx > width || sy > height) continue;
      if (tries++ > 1500 || placed.length > 250) break;
      const p = this.points[i];
      const strong = this.importance(i) > 0;
      ctx.font = strong ? `bold 13px ${LABEL_FONTS}` : `11px ${LABEL_FONTS}`;
      const label = p.label || p.word;
      const key = `${strong ? "b" : "n"}${label}`;
      if (!this.widths.has(key)) this.widths.set(key, ctx.measureText(label).width);
      const w = this.widths.get(key);
      const box = [sx + 4, sy - 16, sx + 6 + w, sy - 2];
      if (overlaps(box)) continue;
      for (let gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
        for (let gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
          const key = `${gx},${gy}`;
          if (!grid.has(key)) grid.set(key, []);
          grid.get(key).push(box);
        }
      }
      ctx.fillStyle = "rgba(255,255,255,0.75)";
      ctx.fillRect(box[0] - 1, box[1] + 1, w + 3, 14);
      ctx.fillStyle = p.word === this.focus ? "#d9363e" : strong ? "#b4531a" : "#1d232b";
      ctx.fillText(label, sx + 5, sy - 2);
      placed.push({ word: label, x: sx + 5, y: sy - 2, strong });
    }
    this.labels = placed;
  }

  nearest(mx, my, within = 8) {
    let best = -1, bestD = within * within;
    this.points.forEach((p, i) => {
      const [sx, sy] = this.toScreen(p);
      const d = (sx - mx) ** 2 + (sy - my) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    });
    return best;
  }

  listen() {
    const c = this.canvas;
    let drag = null;
    const pos = (e) => { const r = c.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    c.addEventListener("wheel", (e) => {
      e.preventDefault();
      const [mx, my] = pos(e);
      const k = Math.exp(-e.deltaY * 0.0015);
      const v = this.view;
      this.view = { scale: v.scale * k, tx: mx - (mx - v.tx) * k, ty: my - (my - v.ty) * k };
      this.redraw();
    }, { passive: false });
    c.addEventListener("pointerdown", (e) => {
      const [mx, my] = pos(e);
      drag = { mx, my, tx: this.view.tx, ty: this.view.ty, moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener("pointermove", (e) => {
      const [mx, my] = pos(e);
      if (drag) {
        if (Math.abs(mx - drag.mx) + Math.abs(my - drag.my) > 3) { drag.moved = true; c.classList.add("dragging"); }
        this.view = { ...this.view, tx: drag.tx + mx - drag.mx, ty: drag.ty + my - drag.my };
        this.redraw();
        return;
      }
      const i = this.nearest(mx, my);
      if (i !== this.hover) { this.hover = i; this.redraw(); }
      const t = this.tooltip;
      if (i < 0) { t.hidden = true; return; }
      const p = this.points[i];
      t.textContent = p.tag !== undefined ? `${p.tag} · ${p.text === null ? "(no text)" : p.text}`
        : p.oov ? `${p.word} · OOV, from n-grams` : p.count ? `${p.word} · ${p.count.toLocaleString()} occurrences` : p.word;
      t.style.left = `${mx + 12}px`;
      t.style.top = `${my + 12}px`;
      t.hidden = false;
    });
    c.addEventListener("pointerup", (e) => {
      if (drag && !drag.moved) {
        const i = this.nearest(...pos(e));
        if (i >= 0) {
          const p = this.points[i];
          if (p.tag !== undefined) exploreDocument(String(p.tag));
          else explore(p.word);
        }
      }
      drag = null;
      c.classList.remove("dragging");
    });
    c.addEventListener("pointerleave", () => { this.tooltip.hidden = true; if (this.hover >= 0) { this.hover = -1; this.redraw(); } });
    c.addEventListener("dblclick", () => this.fit());
  }

  svg() {
    const { width, height } = this.size();
    const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[ch]));
    const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
                   `<rect width="100%" height="100%" fill="#fcfcfd"/>`];
    for (const p of this.points) {
      const [sx, sy] = this.toScreen(p);
      if (sx < 0 || sy < 0 || sx > width || sy > height) continue;
      const hot = p.word === this.focus ? "#d9363e" : this.near.has(p.word) ? "#f08c3a" : PALETTE[p.shade];
      parts.push(`<circle cx="${sx.toFixed(1)}" cy="${sy.toFixed(1)}" r="2.4" fill="${hot}"><title>${esc(p.label || p.word)}</title></circle>`);
    }
    for (const l of this.labels) {
      parts.push(`<text x="${l.x.toFixed(1)}" y="${l.y.toFixed(1)}" font-family='${LABEL_FONTS}' font-size="${l.strong ? 13 : 11}"` +
                 `${l.strong ? ' font-weight="bold"' : ""}>${esc(l.word)}</text>`);
    }
    parts.push("</svg>");
    return parts.join("\n");
  }
}

let mapView;
let mapRequest = 0;

async function drawMap() {
  const request = ++mapRequest;           // a newer map request wins over a slower older one
  const n = Math.max(2, Math.min(10000, state.n));
  await attempt("drawing the map", async () => {
    if (showsDocuments()) return drawDocumentMap(request, n);
    let which = { top: n };
    if (state.words === "around") {
      if (!state.word) throw new ApiError("explore a word first to map its neighbourhood");
      which = { around: state.word, top: Math.min(n, 1001) };
    }
    let body, axes = null;
    if (state.layout === "axes") {
      body = await api("axes", { x: state.x, y: state.y, model: state.model, ...which });
      axes = { x: body.x, y: body.y };
    } else {
      body = await api("map", { method: state.layout, model: state.model, ...which });
    }
    if (request !== mapRequest) return;
    const oov = new Set(body.oov || []);
    for (const p of body.points) if (oov.has(p.word)) p.oov = true;
    mapView.setPoints(body.points, axes);
    mapView.setFocus(state.word, neighbours.map((r) => r.word));
    $("map-wrap").dataset.points = body.points.length;
    showCaption();
  });
}

// A map of documents: each point's identity is its tag (as text), its label the document's first words.
async function drawDocumentMap(request, n) {
  if (state.layout === "axes") throw new ApiError("semantic axes place words: choose PCA or t-SNE to map documents");
  let which = { top: n };
  if (state.words === "docs-around") {
    if (!state.doc) throw new ApiError("choose a document first (its tag, or a click on the map) to map its neighbourhood");
    which = { around: state.doc, top: Math.min(n, 1001) };
  }
  const body = await api("documents/map", { method: state.layout, model: state.model, ...which });
  if (request !== mapRequest) return;
  mapView.setPoints(body.points.map((p) => ({ word: String(p.tag), label: docLabel(p), tag: p.tag, text: p.text, x: p.x, y: p.y, count: 0 })));
  mapView.setFocus(state.doc, nearDocuments.map((r) => String(r.tag)));
  $("map-wrap").dataset.points = body.points.length;
  showCaption();
}

function exportMap(kind) {
  const stem = `${fileStem()}-map`;
  if (kind === "png") mapView.canvas.toBlob((blob) => download(blob, `${stem}.png`));
  if (kind === "svg") download(new Blob([mapView.svg()], { type: "image/svg+xml" }), `${stem}.svg`);
  if (kind === "csv") {
    const rows = [["word", "x", "y", "count"], ...mapView.points.map((p) => [p.word, p.x, p.y, p.count])];
    download(new Blob([csv(rows)], { type: "text/csv" }), `${stem}.csv`);
  }
}

// ---- wiring -----------------------------------------------------------------------------------

function syncControls() {
  $("model").value = state.model;
  $("topn").value = state.topn;
  $("map-words").value = state.words;
  $("map-n").value = state.n;
  $("map-layout").value = state.layout;
  $("axis-x").value = state.x;
  $("axis-y").value = state.y;
  $("axes-inputs").hidden = state.layout !== "axes";
  $("compare-model").value = state.compare;
}

// A FastText model answers for any word: say so where the word is typed.
function showSearchHint() {
  $("search").placeholder = models[state.model].subwords ? "type any word (unseen: from n-grams)" : "type a word";
}

function readMapControls() {
  state.words = $("map-words").value;
  state.n = parseInt($("map-n").value, 10) || 1000;
  state.layout = $("map-layout").value;
  state.x = $("axis-x").value.trim();
  state.y = $("axis-y").value.trim();
  $("axes-inputs").hidden = state.layout !== "axes";
  writeAddress();
}

async function start() {
  mapView = new MapView($("map"), $("tooltip"));
  models = await api("models");
  readAddress();
  state.model = Math.min(Math.max(0, state.model), models.length - 1);
  if (state.compare === state.model || state.compare >= models.length) state.compare = state.model === 0 ? 1 : 0;
  const options = () => models.map((m, i) => el("option", { value: i }, `${m.name} (${m.words.toLocaleString()} words` +
    `${m.documents === null ? "" : `, ${m.documents.toLocaleString()} documents`} × ${m.dimensions})`));
  $("model").replaceChildren(...options());
  $("compare-model").replaceChildren(...options());
  $("compare-panel").hidden = models.length < 2;
  showDocumentControls();
  syncControls();
  showExampleAnalogy();
  showSearchHint();

  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); explore($("search").value); });
  $("search").addEventListener("input", completeSearch);
  $("model").addEventListener("change", () => {
    state.model = parseInt($("model").value, 10);
    state.doc = "";                       // tags belong to one model
    nearDocuments = [];
    $("doc-results").replaceChildren();
    showDocumentControls();
    syncControls();
    writeAddress();
    showExampleAnalogy();
    showSearchHint();
    if (state.word) explore(state.word);
    drawMap();
    loadProbe();
  });
  $("compare-model").addEventListener("change", () => { state.compare = parseInt($("compare-model").value, 10); writeAddress(); loadCompare(); });
  $("topn").addEventListener("change", () => { state.topn = Math.max(1, Math.min(1000, parseInt($("topn").value, 10) || 15)); if (state.word) explore(state.word); });
  for (const id of ["map-words", "map-layout"]) $(id).addEventListener("change", () => { readMapControls(); drawMap(); });
  $("map-draw").addEventListener("click", () => { readMapControls(); drawMap(); });
  for (const id of ["map-n", "axis-x", "axis-y"]) {
    $(id).addEventListener("keydown", (e) => { if (e.key === "Enter") { readMapControls(); drawMap(); } });
  }
  $("analogy-form").addEventListener("submit", answerAnalogy);
  $("export-csv").addEventListener("click", exportNeighbours);
  $("export-png").addEventListener("click", () => exportMap("png"));
  $("export-svg").addEventListener("click", () => exportMap("svg"));
  $("export-map-csv").addEventListener("click", () => exportMap("csv"));
  $("differ-button").addEventListener("click", loadDiffer);
  $("probe-details").addEventListener("toggle", loadProbe);
  $("doc-search-form").addEventListener("submit", searchDocuments);
  $("doc-tag-form").addEventListener("submit", (e) => { e.preventDefault(); exploreDocument($("doc-tag").value); });

  if (state.word) await explore(state.word);
  if (state.doc && hasDocuments()) await exploreDocument(state.doc);
  if (!((state.words === "around" && state.word) || (state.words === "docs-around" && state.doc && hasDocuments()))) await drawMap();
  document.body.dataset.ready = "1";
}

start().catch((e) => setStatus(`could not start: ${e.message}`, true));

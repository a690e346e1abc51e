// The review page: HTML, script and style. Every text from the catalog reaches the page through textContent or an
// attribute setter, never as markup, and the Content-Security-Policy allows only these files' script and style.
#include "review_assets.h"

namespace mgrs::bench {

const char* const kReviewHtml = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>MGRS-Bench review</title>
<link rel="stylesheet" href="review.css">
<script src="review.js" defer></script>
</head>
<body>
<header>
  <strong>MGRS-Bench review</strong>
  <label>Reviewer <input id="reviewer" autocomplete="name" placeholder="your name"></label>
  <label>Show <select id="filter"><option value="pending">pending</option><option value="">all</option></select></label>
  <span id="progress"></span>
</header>
<main>
  <section id="figure"><div id="frame"><img id="image" alt="item image"><svg id="boxes"></svg></div></section>
  <section id="panel">
    <p id="position"></p>
    <p class="label">Item</p><p id="item-id"></p>
    <p class="label">Task</p><p id="task"></p>
    <p class="label">Question</p><p id="question"></p>
    <p class="label">Candidate answer</p><p id="candidate"></p>
    <p id="annotation-error"></p>
    <p class="label">Status</p><p id="status"></p>
    <textarea id="edit" rows="3" hidden></textarea>
    <div id="buttons">
      <button id="accept" title="a">Accept (a)</button>
      <button id="edit-button" title="e">Edit (e)</button>
      <button id="save" title="Ctrl+Enter" hidden>Save edit (Ctrl+Enter)</button>
      <button id="reject" title="r">Reject (r)</button>
      <button id="prev" title="p">Previous (p)</button>
      <button id="next" title="n">Next (n)</button>
    </div>
    <p id="message" role="status"></p>
    <p class="label">History</p><ol id="history"></ol>
  </section>
</main>
</body>
</html>
)html";

const char* const kReviewJs = R"js('use strict';
const token = new URLSearchParams(location.search).get('token') || '';
const $ = (id) => document.getElementById(id);
let ids = [];
let index = 0;
let current = null;
// Responses can arrive out of order (a quick filter change, n pressed twice): only the latest request's is shown.
let listRequest = 0;
let itemRequest = 0;

function setText(id, text) { $(id).textContent = text == null ? '' : String(text); }

async function api(path, options) {
  const init = Object.assign({headers: {}}, options || {});
  init.headers['X-Review-Token'] = token;
  init.headers['X-Review'] = '1';
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({error: 'the server sent no JSON'}));
  if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
  return body;
}

function showProgress(p) {
  setText('progress', (p.accepted + p.rejected) + ' of ' + p.total + ' decided (' + p.accepted + ' accepted, ' +
          p.rejected + ' rejected, ' + p.pending + ' pending, ' + p.failed + ' without an answer)');
}

async function loadList(keepId) {
  const request = ++listRequest;
  const list = await api('api/items?status=' + encodeURIComponent($('filter').value));
  if (request !== listRequest) return;
  showProgress(list.progress);
  ids = list.items.map((item) => item.id);
  const at = keepId ? ids.indexOf(keepId) : -1;
  index = at >= 0 ? at : Math.min(index, Math.max(ids.length - 1, 0));
  await show();
}

function drawBoxes(item) {
  const svg = $('boxes');
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  if (!item.image_size) return;
  svg.setAttribute('viewBox', '0 0 ' + item.image_size[0] + ' ' + item.image_size[1]);
  const ns = 'http://www.w3.org/2000/svg';
  for (const q of item.quads) {
    const polygon = document.createElementNS(ns, 'polygon');
    polygon.setAttribute('points', [0, 2, 4, 6].map((k) => q[k] + ',' + q[k + 1]).join(' '));
    polygon.setAttribute('class', 'quad');
    svg.appendChild(polygon);
  }
  for (const b of item.boxes) {
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', b[0]);
    rect.setAttribute('y', b[1]);
    rect.setAttribute('width', b[2] - b[0]);
    rect.setAttribute('height', b[3] - b[1]);
    svg.appendChild(rect);
  }
}

async function show() {
  closeEdit();
  if (ids.length === 0) {
    current = null;
    setText('position', 'Nothing to review here.');
    for (const id of ['item-id', 'task', 'question', 'candidate', 'status', 'annotation-error']) setText(id, '');
    $('image').removeAttribute('src');
    $('history').replaceChildren();
    return;
  }
  const request = ++itemRequest;
  const item = await api('api/item?id=' + encodeURIComponent(ids[index]));
  if (request !== itemRequest) return;
  current = item;
  setText('position', 'Item ' + (index + 1) + ' of ' + ids.length);
  setText('item-id', item.id);
  setText('task', item.task + ' / ' + item.granularity + ' / ' + item.resolution);
  setText('question', item.question);
  setText('candidate', item.candidate);
  setText('annotation-error', item.annotation_error ? 'annotator: ' + item.annotation_error : '');
  setText('status', item.status + (item.reviewer ? ' by ' + item.reviewer + ' at ' + item.decided_at : '') +
          (item.answer && item.answer !== item.candidate ? ': ' + item.answer : ''));
  $('image').src = 'api/image?id=' + encodeURIComponent(item.id) + '&token=' + encodeURIComponent(token);
  drawBoxes(item);
  const history = $('history');
  history.replaceChildren();
  for (const d of item.history) {
    const li = document.createElement('li');
    li.textContent = d.at + ' ' + d.reviewer + ': ' + d.decision + (d.answer ? ' "' + d.answer + '"' : '') +
                     (d.note ? ' (' + d.note + ')' : '');
    history.appendChild(li);
  }
}

async function decide(decision, answer) {
  if (!current) return;
  const reviewer = $('reviewer').value.trim();
  if (!reviewer) {
    setText('message', 'Enter your name first.');
    $('reviewer').focus();
    return;
  }
  localStorage.setItem('mgrs-reviewer', reviewer);
  try {
    await api('api/decide', {method: 'POST', headers: {'Content-Type': 'application/json'},
                             body: JSON.stringify({id: current.id, decision: decision, answer: answer || '',
                                                   reviewer: reviewer})});
    setText('message', decision + ': ' + current.id);
    const filtered = $('filter').value !== '';
    if (!filtered && index + 1 < ids.length) index += 1;
    await loadList(filtered ? null : ids[index]);
  } catch (error) {
    setText('message', error.message);
  }
}

function openEdit() {
  if (!current) return;
  $('edit').hidden = false;
  $('save').hidden = false;
  $('edit').value = current.answer || current.candidate || '';
  $('edit').focus();
}

function closeEdit() {
  $('edit').hidden = true;
  $('save').hidden = true;
}

function step(delta) {
  if (ids.length === 0) return;
  index = Math.max(0, Math.min(ids.length - 1, index + delta));
  show().catch((error) => setText('message', error.message));
}

document.addEventListener('DOMContentLoaded', () => {
  $('reviewer').value = localStorage.getItem('mgrs-reviewer') || '';
  $('accept').addEventListener('click', () => decide('accept'));
  $('reject').addEventListener('click', () => decide('reject'));
  $('edit-button').addEventListener('click', openEdit);
  $('save').addEventListener('click', () => decide('edit', $('edit').value));
  $('next').addEventListener('click', () => step(1));
  $('prev').addEventListener('click', () => step(-1));
  $('filter').addEventListener('change', () => { index = 0; loadList(null); });
  document.addEventListener('keydown', (event) => {
    const typing = event.target === $('edit') || event.target === $('reviewer');
    if (event.target === $('edit')) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) decide('edit', $('edit').value);
      if (event.key === 'Escape') closeEdit();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {a: () => decide('accept'), r: () => decide('reject'), e: openEdit, n: () => step(1),
                     p: () => step(-1)};
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
  loadList(null).catch((error) => setText('message', error.message));
});
)js";

const char* const kReviewCss = R"css(body { font-family: sans-serif; margin: 0; }
header { display: flex; gap: 1.5em; align-items: center; padding: 0.6em 1em; background: #24323f; color: #fff; }
main { display: flex; gap: 1em; padding: 1em; }
#figure { flex: 1 1 60%; }
#frame { position: relative; display: inline-block; max-width: 100%; }
#image { display: block; max-width: 100%; image-rendering: pixelated; }
#boxes { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
#boxes rect, #boxes polygon { fill: none; stroke: #ff2d55; stroke-width: 2; vector-effect: non-scaling-stroke; }
#boxes polygon { stroke: #ffd60a; stroke-dasharray: 4 3; }
#panel { flex: 1 1 40%; }
.label { margin: 0.8em 0 0.1em; font-size: 0.8em; color: #667; text-transform: uppercase; }
#question, #candidate { font-size: 1.1em; white-space: pre-wrap; }
#annotation-error { color: #b00; }
#edit { width: 100%; font-size: 1em; }
#buttons { display: flex; flex-wrap: wrap; gap: 0.4em; margin-top: 0.8em; }
#message { min-height: 1.2em; color: #146; }
)css";

}  // namespace mgrs::bench

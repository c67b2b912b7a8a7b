/** Load a page of the mini-program with its global components, and wait for its promises. */
const path = require('path');
const simulate = require('miniprogram-simulate');
const { makeWx } = require('./setup');

const MP_ROOT = path.resolve(__dirname, '..', '..', '..', 'miniprogram');
const app = require(path.join(MP_ROOT, 'app.json'));

// Our own global components render for real; TDesign tags stay inert elements that keep their
// attributes and event bindings, so tests see what a page passes to them and can fire events.
const LOCAL_GLOBALS = {};
Object.keys(app.usingComponents).forEach((tag) => {
  if (app.usingComponents[tag].startsWith('/')) LOCAL_GLOBALS[tag] = app.usingComponents[tag];
});

function loadPage(pagePath, query = {}) {
  global.__pageQuery = query;
  const id = simulate.load(path.join(MP_ROOT, pagePath), {
    rootPath: MP_ROOT, usingComponents: { ...LOCAL_GLOBALS },
    // wcc compiles every page of the project at once; its output outgrew the 1 MB default.
    compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
  });
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  return page;
}

/** Let every pending promise of the page settle. */
async function flush(times = 8) {
  for (let i = 0; i < times; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function text(page, selector) {
  const node = page.querySelector(selector);
  return node ? node.dom.textContent.replace(/\s+/g, ' ').trim() : null;
}

/** An attribute a page passed to an element (inert TDesign tags keep theirs in the vnode). */
function attr(page, selector, name) {
  const node = page.querySelector(selector);
  if (!node) return undefined;
  const found = (node.toJSON().attrs || []).find((a) => a.name === name);
  return found ? found.value : undefined;
}

function all(page, selector) {
  return page.querySelectorAll(selector);
}

/** Events are delivered asynchronously by miniprogram-simulate: await these. */
async function fire(node, event, detail) {
  node.dispatchEvent(event, detail === undefined ? undefined : { detail });
  await flush();
}

async function tap(page, selector, index = 0) {
  const nodes = page.querySelectorAll(selector);
  if (!nodes[index]) throw new Error(`nothing to tap at ${selector}[${index}]`);
  await fire(nodes[index], 'tap');
}

async function input(page, selector, value, event = 'input') {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`no input at ${selector}`);
  await fire(node, event, { value });
}

/** The list-state component's visible words (loading, empty, error, no more). */
function listState(page, selector) {
  const host = page.querySelector(selector);
  if (!host) return null;
  return host.dom.textContent.replace(/\s+/g, ' ').trim();
}

/** Reset every mock (services included) and give the page a fresh wx stub. */
function resetAll() {
  jest.resetAllMocks();
  global.wx = makeWx();
}

const page = (items, next = null) => ({ items, next_cursor: next });

module.exports = { resetAll, MP_ROOT, loadPage, flush, fire, text, attr, all, tap, input, listState, page };

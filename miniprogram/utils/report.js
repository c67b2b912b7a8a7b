/**
 * Uncaught errors (App onError / onUnhandledRejection) reported to the API (`POST /client-errors`)
 * so they are seen: the message and a few stack lines, the page without its query, and the
 * version — never who, never a query string, long numbers cut. At most a few per minute from
 * one phone (the API limits them too); a report that fails is dropped, never reported itself.
 */
const http = require('./request');
const config = require('../config');

const MAX_PER_MINUTE = 5;
let sent = [];

function scrub(text, limit) {
  return String(text || '')
    .replace(/\d{6,}/g, '…') // phone numbers, ids, codes
    .replace(/(token|code|key|secret)=[^&\s]+/gi, '$1=…')
    .slice(0, limit);
}

function currentPage() {
  try {
    const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
    return pages.length ? pages[pages.length - 1].route || '' : '';
  } catch (e) {
    return '';
  }
}

function describe(reason) {
  if (reason && typeof reason === 'object') {
    return { message: reason.message || String(reason), stack: reason.stack || '' };
  }
  const text = String(reason);
  const [first, ...rest] = text.split('\n');
  return { message: first, stack: rest.join('\n') };
}

/** Send one report; resolves whether or not it could be sent. */
function report(kind, reason) {
  const now = Date.now();
  sent = sent.filter((t) => now - t < 60000);
  if (sent.length >= MAX_PER_MINUTE) return Promise.resolve(false);
  sent.push(now);
  const { message, stack } = describe(reason);
  const data = {
    kind,
    message: scrub(message, 2000) || '(no message)',
    stack: scrub(stack, 8000),
    page: currentPage().split('?')[0],
    version: config.version || '',
  };
  return http.request('POST', '/client-errors', { data, auth: false })
    .then(() => true, () => false);
}

function reset() {
  sent = [];
}

module.exports = { report, scrub, reset, MAX_PER_MINUTE };

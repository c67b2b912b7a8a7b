/**
 * `wx` for Node: wx.request on Node's HTTP client and an in-memory storage, one per person, so
 * the mini-program's own services/*.js talk to the real API. `as(person, fn)` runs fn as them.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');

function request(opts) {
  const url = new URL(opts.url);
  const body = opts.data === undefined || opts.method === 'GET' ? null : JSON.stringify(opts.data);
  const req = http.request({
    hostname: url.hostname,
    port: url.port,
    path: url.pathname + url.search,
    method: opts.method,
    headers: { ...opts.header, ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
    timeout: opts.timeout,
  }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let data = raw;
      try { data = raw ? JSON.parse(raw) : ''; } catch (e) { data = raw; }
      opts.success({ statusCode: res.statusCode, data, header: res.headers });
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => opts.fail({ errMsg: `request:fail ${e.message}` }));
  if (body) req.write(body);
  req.end();
}

/** wx.uploadFile on Node: the file from disk as one multipart part; the answer body a string. */
function uploadFile(opts) {
  const url = new URL(opts.url);
  const boundary = `----wxnode${Date.now().toString(16)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${opts.name}"; `
    + `filename="${path.basename(opts.filePath)}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, fs.readFileSync(opts.filePath), tail]);
  const req = http.request({
    hostname: url.hostname,
    port: url.port,
    path: url.pathname + url.search,
    method: 'POST',
    headers: {
      ...opts.header,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': body.length,
    },
    timeout: opts.timeout,
  }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => opts.success({ statusCode: res.statusCode, data: Buffer.concat(chunks).toString('utf8') }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => opts.fail({ errMsg: `uploadFile:fail ${e.message}` }));
  req.write(body);
  req.end();
}

function createWx(identity) {
  const storage = new Map([['devIdentity', identity]]);
  return {
    getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop' } }),
    getStorageSync: (k) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k, v) => { storage.set(k, v); },
    removeStorageSync: (k) => { storage.delete(k); },
    request,
    uploadFile,
    login: () => { throw new Error('the fake WeChat client logs in with demo identities'); },
  };
}

const people = {};

/** Run fn with `wx` being this person's (their token, their storage). Calls must not overlap. */
async function as(identity, fn) {
  people[identity] = people[identity] || createWx(identity);
  global.wx = people[identity];
  return fn();
}

module.exports = { as, createWx };

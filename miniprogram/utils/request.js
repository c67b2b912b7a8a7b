/**
 * The only caller of wx.request. It owns the base URL, the token, one silent re-login and retry
 * on 401, and the error contract: every failure becomes an ApiError with a message for people.
 */
const config = require('../config');
const { ApiError, fromResponse, fromFailure } = require('./errors');

const TOKEN_KEY = 'token';
const USER_KEY = 'user';
const DEV_IDENTITY_KEY = 'devIdentity';
const PENDING_KEY = 'pendingWrites';
// Set by logging out: no silent login until the person logs in again themselves.
const LOGGED_OUT_KEY = 'loggedOut';
// The API keeps an Idempotency-Key 24 hours; a pending write older than this starts afresh.
const PENDING_TTL_MS = 23 * 3600 * 1000;

let loginInFlight = null;

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || '';
}

function dropToken() {
  wx.removeStorageSync(TOKEN_KEY);
  wx.removeStorageSync(USER_KEY);
}

/** Logging out or switching identity: the token, the cached user and unsent writes go. */
function clearSession() {
  dropToken();
  wx.removeStorageSync(PENDING_KEY);
}

function isLoggedOut() {
  return Boolean(wx.getStorageSync(LOGGED_OUT_KEY));
}

/** After logout: every call needing a login is refused until login() is called explicitly. */
function markLoggedOut() {
  clearSession();
  wx.setStorageSync(LOGGED_OUT_KEY, true);
}

function queryString(query) {
  if (!query) return '';
  const parts = Object.keys(query)
    .filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function send(method, path, { data, query, header }) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.baseUrl}${config.apiPrefix}${path}${queryString(query)}`,
      method,
      data,
      header: { 'Content-Type': 'application/json', ...header },
      timeout: config.timeoutMs,
      success: (res) => resolve(res),
      fail: (res) => reject(fromFailure(res)),
    });
  });
}

/** The demo identity to log in as, or '' to use wx.login (always '' outside development). */
function devIdentity() {
  if (!config.fakeWechat) return '';
  return wx.getStorageSync(DEV_IDENTITY_KEY) || config.defaultDevIdentity;
}

function wxLoginCode() {
  const identity = devIdentity();
  if (identity) {
    // The fake WeChat client accepts `test:<openid>` once; the suffix makes each code new.
    const nonce = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    return Promise.resolve(`test:${identity}@${nonce}`);
  }
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code)
        : reject(new ApiError('wx_login_failed', '微信登录失败，请重试'))),
      fail: () => reject(new ApiError('wx_login_failed', '微信登录失败，请重试')),
    });
  });
}

async function doLogin() {
  const code = await wxLoginCode();
  const res = await send('POST', '/auth/wechat-login', { data: { code } });
  if (res.statusCode !== 200) throw fromResponse(res.statusCode, res.data);
  wx.setStorageSync(TOKEN_KEY, res.data.token);
  wx.setStorageSync(USER_KEY, res.data.user);
  wx.removeStorageSync(LOGGED_OUT_KEY);
  return res.data;
}

function loggedOutError() {
  return new ApiError('logged_out', '您已退出登录，请到“我的”重新登录', 401);
}

/** Log in once even when many requests find the token missing at the same time. */
function login() {
  if (!loginInFlight) {
    loginInFlight = doLogin().finally(() => { loginInFlight = null; });
  }
  return loginInFlight;
}

/**
 * Call the API. `path` starts after /api/v1. Resolves with the parsed body (null for 204).
 * Options: data, query, idempotencyKey, auth (default true). The key is sent as the
 * Idempotency-Key header, unchanged by the silent re-login retry; order creation and gifts
 * require one (422 idempotency_key_required without it), and their services always send one.
 */
async function request(method, path, options = {}) {
  const { data, query, idempotencyKey, auth = true } = options;
  const attempt = async () => {
    const header = {};
    if (auth) {
      if (!getToken()) {
        if (isLoggedOut()) throw loggedOutError();
        await login();
      }
      header.Authorization = `Bearer ${getToken()}`;
    }
    if (idempotencyKey) header['Idempotency-Key'] = idempotencyKey;
    return send(method, path, { data, query, header });
  };
  let res = await attempt();
  if (res.statusCode === 401 && auth && !isLoggedOut()) {
    // One silent re-login, then one retry; a second 401 is shown to the user.
    dropToken();
    await login();
    res = await attempt();
  }
  if (res.statusCode >= 200 && res.statusCode < 300) {
    return res.statusCode === 204 ? null : res.data;
  }
  throw fromResponse(res.statusCode, res.data);
}

/** A fresh key for one user action; reuse it when the same action is retried. */
function newIdempotencyKey() {
  return `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function pendingWrites() {
  const all = wx.getStorageSync(PENDING_KEY);
  return all && typeof all === 'object' ? all : {};
}

function savePending(scope, entry) {
  const all = { ...pendingWrites() };
  if (entry) all[scope] = entry;
  else delete all[scope];
  wx.setStorageSync(PENDING_KEY, all);
}

/**
 * A write that must happen once however often the page retries it. `scope` names the action on
 * its target (`signup:7`, `request:42:accept`). The first call makes an Idempotency-Key and
 * keeps it, with the body, on the phone; until the API gives an answer (any HTTP status), every
 * call for the same scope sends that same request again — same key, same body — so a retry after
 * a lost answer (network error, timeout, app closed) gets the first answer and never doubles the
 * write. An answer, success or refusal, forgets it, and the next call is a new request.
 */
async function once(method, path, scope, data) {
  const now = Date.now();
  let entry = pendingWrites()[scope];
  if (!entry || !entry.key || now - entry.at > PENDING_TTL_MS) {
    entry = { key: newIdempotencyKey(), data: data === undefined ? {} : data, at: now };
    savePending(scope, entry);
  }
  try {
    const res = await request(method, path, { data: entry.data, idempotencyKey: entry.key });
    savePending(scope, null);
    return res;
  } catch (e) {
    if (e && e.status) savePending(scope, null);
    throw e;
  }
}

// -- files ----------------------------------------------------------------------------------
/*
 * Photos and documents: uploaded one by one with POST /files (multipart `file`) before the record
 * that names their ids is sent. wx.uploadFile does not go through wx.request, so the token and
 * the one silent re-login on 401 are handled here the same way.
 */
const UPLOAD_TIMEOUT_MS = 60000;

function sendFile(filePath) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${config.baseUrl}${config.apiPrefix}/files`,
      filePath,
      name: 'file',
      header: { Authorization: `Bearer ${getToken()}` },
      timeout: UPLOAD_TIMEOUT_MS,
      success: (res) => resolve(res),
      fail: (res) => reject(fromFailure(res)),
    });
  });
}

/** wx.uploadFile answers with the body as a string. */
function uploadBody(res) {
  if (typeof res.data !== 'string') return res.data;
  try {
    return JSON.parse(res.data);
  } catch (e) {
    return null;
  }
}

/** Upload one file; resolves with `{id, content_type, size, ...}`. */
async function uploadFile(filePath) {
  if (!getToken()) await login();
  let res = await sendFile(filePath);
  if (res.statusCode === 401) {
    clearSession();
    await login();
    res = await sendFile(filePath);
  }
  if (res.statusCode === 201) return uploadBody(res);
  throw fromResponse(res.statusCode, uploadBody(res));
}

/**
 * Upload every photo not uploaded yet, in order: `photos` is `[{path, id?}]`; resolves with the
 * same list, each with its `id`. `keep(list)` is called after each upload with the list so far,
 * so that the page keeps the ids: on a failure, a retry only uploads the rest.
 */
async function uploadAll(photos, keep) {
  const out = photos.map((p) => ({ ...p }));
  for (let i = 0; i < out.length; i += 1) {
    if (!out[i].id) {
      // eslint-disable-next-line no-await-in-loop
      const file = await uploadFile(out[i].path);
      out[i].id = file.id;
      if (keep) keep(out.map((p) => ({ ...p })));
    }
  }
  return out;
}

/** A file's signed `url` from the API (a path) as an <image src>. */
function fileSrc(url) {
  return url && url.startsWith('/') ? `${config.baseUrl}${url}` : url;
}

module.exports = {
  request,
  uploadFile,
  uploadAll,
  fileSrc,
  get: (path, query) => request('GET', path, { query }),
  post: (path, data, options = {}) => request('POST', path, { ...options, data }),
  patch: (path, data) => request('PATCH', path, { data }),
  del: (path, options = {}) => request('DELETE', path, options),
  once,
  login,
  clearSession,
  markLoggedOut,
  isLoggedOut,
  getToken,
  devIdentity,
  newIdempotencyKey,
  queryString,
  TOKEN_KEY,
  USER_KEY,
  DEV_IDENTITY_KEY,
  PENDING_KEY,
  LOGGED_OUT_KEY,
};

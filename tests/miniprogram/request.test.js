/** utils/request.js: token header, one silent re-login on 401, error shape, timeouts. */
const path = require('path');

const MP = path.resolve(__dirname, '..', '..', 'miniprogram');
const http = require(path.join(MP, 'utils/request'));
const config = require(path.join(MP, 'config'));

/** Script wx.request: each call takes the next answer ({statusCode, data} or {fail: errMsg}). */
function answers(...list) {
  wx.request.mockImplementation((opts) => {
    const next = list.length > 1 ? list.shift() : list[0];
    const res = typeof next === 'function' ? next(opts) : next;
    setTimeout(() => (res.fail ? opts.fail({ errMsg: res.fail }) : opts.success({ header: {}, ...res })), 0);
  });
}

const LOGIN_OK = (token) => ({ statusCode: 200, data: { token, expires_in: 3600, user: { id: 1, nickname: '张阿姨' } } });
const calls = () => wx.request.mock.calls.map(([o]) => `${o.method} ${o.url.replace(config.baseUrl, '')}`);

describe('request', () => {
  test('sends the stored token as a Bearer header and returns the body', async () => {
    wx.setStorageSync('token', 'tok-1');
    answers({ statusCode: 200, data: { id: 7 } });
    await expect(http.get('/me')).resolves.toEqual({ id: 7 });
    const [opts] = wx.request.mock.calls[0];
    expect(opts.header.Authorization).toBe('Bearer tok-1');
    expect(opts.url).toBe(`${config.baseUrl}/api/v1/me`);
    expect(opts.timeout).toBe(config.timeoutMs);
  });

  test('without a token it logs in first, as the demo identity in development', async () => {
    answers(LOGIN_OK('fresh'), { statusCode: 200, data: { ok: true } });
    await http.get('/me');
    expect(calls()).toEqual(['POST /api/v1/auth/wechat-login', 'GET /api/v1/me']);
    const loginBody = wx.request.mock.calls[0][0].data;
    expect(loginBody.code).toMatch(/^test:demo-resident-1@[a-z0-9]+$/);
    expect(wx.request.mock.calls[1][0].header.Authorization).toBe('Bearer fresh');
    expect(wx.getStorageSync('token')).toBe('fresh');
  });

  test('each fake login code is new (WeChat codes are single use)', async () => {
    answers(LOGIN_OK('a'));
    await http.login();
    await http.login();
    const [a, b] = wx.request.mock.calls.map(([o]) => o.data.code);
    expect(a).not.toBe(b);
  });

  test('outside development it uses wx.login', async () => {
    config.fakeWechat = false;
    try {
      answers(LOGIN_OK('real'));
      await http.login();
      expect(wx.login).toHaveBeenCalledTimes(1);
      expect(wx.request.mock.calls[0][0].data.code).toBe('wx-real-code');
    } finally {
      config.fakeWechat = true;
    }
  });

  test('a 401 triggers one silent re-login and one retry', async () => {
    wx.setStorageSync('token', 'stale');
    answers({ statusCode: 401, data: { error: { code: 'invalid_token', message: '登录已过期' } } },
      LOGIN_OK('renewed'), { statusCode: 200, data: { balance: 5 } });
    await expect(http.get('/timebank/account')).resolves.toEqual({ balance: 5 });
    expect(calls()).toEqual(['GET /api/v1/timebank/account', 'POST /api/v1/auth/wechat-login',
      'GET /api/v1/timebank/account']);
    expect(wx.request.mock.calls[2][0].header.Authorization).toBe('Bearer renewed');
  });

  test('a second 401 after re-login is reported, not retried forever', async () => {
    wx.setStorageSync('token', 'stale');
    const denied = { statusCode: 401, data: { error: { code: 'invalid_token', message: '登录已失效' } } };
    answers(denied, LOGIN_OK('renewed'), denied);
    await expect(http.get('/me')).rejects.toMatchObject({ code: 'invalid_token', status: 401, message: '登录已失效' });
    expect(wx.request).toHaveBeenCalledTimes(3);
  });

  test('concurrent requests without a token share one login', async () => {
    answers((o) => (o.url.endsWith('/auth/wechat-login') ? LOGIN_OK('shared') : { statusCode: 200, data: {} }));
    await Promise.all([http.get('/me'), http.get('/notifications'), http.get('/categories')]);
    expect(calls().filter((c) => c.endsWith('wechat-login'))).toHaveLength(1);
  });

  test("the API's error shape becomes an ApiError with its zh-CN message, code and details", async () => {
    wx.setStorageSync('token', 't');
    answers({ statusCode: 409, data: { error: { code: 'insufficient_points', message: '积分不足', details: { available: 3 } } } });
    await expect(http.post('/mall/items/1/redeem', {})).rejects.toMatchObject({
      name: 'ApiError', code: 'insufficient_points', status: 409, message: '积分不足', details: { available: 3 },
    });
  });

  test('an answer without the error shape still gets a readable message', async () => {
    wx.setStorageSync('token', 't');
    answers({ statusCode: 502, data: '<html>Bad Gateway</html>' });
    await expect(http.get('/me')).rejects.toMatchObject({ code: 'server_error', message: '服务暂时不可用，请稍后再试' });
  });

  test('a timeout is reported as such', async () => {
    wx.setStorageSync('token', 't');
    answers({ fail: 'request:fail timeout' });
    await expect(http.get('/me')).rejects.toMatchObject({ code: 'timeout', message: '请求超时，请检查网络后重试' });
  });

  test('a lost connection is reported as a network error', async () => {
    wx.setStorageSync('token', 't');
    answers({ fail: 'request:fail net::ERR_CONNECTION_REFUSED' });
    await expect(http.get('/me')).rejects.toMatchObject({ code: 'network_error', message: '网络连接失败，请检查网络后重试' });
  });

  test('a failed login is reported, not swallowed', async () => {
    answers({ statusCode: 401, data: { error: { code: 'invalid_wechat_code', message: '微信登录凭证无效' } } });
    await expect(http.get('/me')).rejects.toMatchObject({ code: 'invalid_wechat_code', message: '微信登录凭证无效' });
    expect(wx.request).toHaveBeenCalledTimes(1);
  });

  test('Idempotency-Key and query strings are sent; 204 resolves to null', async () => {
    wx.setStorageSync('token', 't');
    answers({ statusCode: 204, data: '' });
    const key = http.newIdempotencyKey();
    await expect(http.request('POST', '/mall/items/3/redeem', { data: {}, idempotencyKey: key })).resolves.toBeNull();
    expect(wx.request.mock.calls[0][0].header['Idempotency-Key']).toBe(key);
    answers({ statusCode: 200, data: { items: [] } });
    await http.get('/requests', { scope: 'mine', status: '', cursor: undefined, limit: 20 });
    expect(wx.request.mock.calls[1][0].url).toBe(`${config.baseUrl}/api/v1/requests?scope=mine&limit=20`);
  });
});

describe('writes that require an Idempotency-Key', () => {
  const orders = require(path.join(MP, 'services/orders'));
  const timebank = require(path.join(MP, 'services/timebank'));
  const sentKey = (i) => wx.request.mock.calls[i][0].header['Idempotency-Key'];

  test('order creation and gifts always send one, or the one given for a retry', async () => {
    wx.setStorageSync('token', 't');
    answers({ statusCode: 201, data: { id: 1 } });
    await orders.create({ categoryId: 1, householdId: 5, description: '空调不制冷' });
    await orders.create({ categoryId: 1, householdId: 5, description: '空调不制冷', idempotencyKey: 'k-1' });
    await timebank.transfer(5, 10, '给孙子');
    await timebank.transfer(5, 10, '给孙子', 'k-2');
    expect(calls()).toEqual(['POST /api/v1/requests', 'POST /api/v1/requests',
      'POST /api/v1/timebank/transfers', 'POST /api/v1/timebank/transfers']);
    expect(sentKey(0)).toMatch(/^mp-/);
    expect(sentKey(1)).toBe('k-1');
    expect(sentKey(2)).toMatch(/^mp-/);
    expect(sentKey(2)).not.toBe(sentKey(0));
    expect(sentKey(3)).toBe('k-2');
  });

  test('the key survives the silent re-login retry', async () => {
    wx.setStorageSync('token', 'old');
    answers({ statusCode: 401, data: { error: { code: 'unauthorized', message: '请先登录' } } },
      LOGIN_OK('new'), { statusCode: 201, data: { id: 2 } });
    await orders.create({ categoryId: 1, householdId: 5, description: '空调不制冷', idempotencyKey: 'k-3' });
    expect(sentKey(0)).toBe('k-3');
    expect(sentKey(2)).toBe('k-3');
  });
});

describe('phone binding', () => {
  const auth = require(path.join(MP, 'services/auth'));

  test('records the phone consent before the single-use code is sent', async () => {
    wx.setStorageSync('token', 't');
    answers({ statusCode: 201, data: { kind: 'phone', granted: true } },
      { statusCode: 200, data: { id: 1, phone: '139****5678' } });
    await expect(auth.bindPhone('wx-phone-code')).resolves.toEqual({ id: 1, phone: '139****5678' });
    expect(calls()).toEqual(['POST /api/v1/me/consents', 'POST /api/v1/me/phone']);
    expect(wx.request.mock.calls[0][0].data).toEqual({ kind: 'phone', granted: true });
    expect(wx.request.mock.calls[1][0].data).toEqual({ code: 'wx-phone-code' });
  });
});

describe('writes that must happen once (Idempotency-Key kept across the page\'s retries)', () => {
  const orders = require(path.join(MP, 'services/orders'));
  const volunteering = require(path.join(MP, 'services/volunteering'));
  const timebank = require(path.join(MP, 'services/timebank'));
  const sent = () => wx.request.mock.calls.map(([o]) => ({ key: o.header['Idempotency-Key'], data: o.data, url: o.url }));

  beforeEach(() => { wx.setStorageSync('token', 't'); });

  test('a lost answer keeps the key and the body; the retry sends the same request', async () => {
    answers({ fail: 'request:fail timeout' }, { statusCode: 200, data: { id: 3, status: 'pending' } });
    const first = { lat: 29.34, lng: 105.28, code: '123456' };
    await expect(volunteering.checkout(7, first)).rejects.toMatchObject({ code: 'timeout' });
    // The retry reads a new position and scans a new code; the first request is sent again.
    await volunteering.checkout(7, { lat: 29.35, lng: 105.29, code: '654321' });
    const [a, b] = sent();
    expect(a.key).toMatch(/^mp-/);
    expect(b.key).toBe(a.key);
    expect(b.data).toEqual(first);
    expect(wx.getStorageSync(http.PENDING_KEY)).toEqual({});
  });

  test('an answer, even a refusal, ends it: the next tap is a new request', async () => {
    answers({ statusCode: 409, data: { error: { code: 'invalid_transition', message: '当前状态不允许此操作' } } },
      { statusCode: 200, data: { id: 42 } }, { statusCode: 200, data: { id: 42 } });
    await expect(orders.accept(42)).rejects.toMatchObject({ status: 409 });
    await orders.accept(42);
    await orders.accept(42);
    const keys = sent().map((c) => c.key);
    expect(new Set(keys).size).toBe(3);
    expect(sent()[0].url).toMatch(/\/requests\/42\/accept$/);
  });

  test('every step, sign-up, check-in, check-out and write-off carries a key', async () => {
    answers({ statusCode: 200, data: {} });
    await orders.dispatch(1, 4);
    await orders.start(1);
    await orders.complete(1, 90, '已更换');
    await orders.confirm(1, 5);
    await orders.cancel(1, '不需要了');
    await volunteering.signup(7);
    await volunteering.checkin(7, { lat: 1, lng: 2 });
    await volunteering.checkout(7, { lat: 1, lng: 2 });
    await timebank.writeoff('llt-voucher:abcd2345');
    expect(sent().every((c) => /^mp-/.test(c.key))).toBe(true);
    expect(sent()).toHaveLength(9);
    expect(sent()[8].data).toEqual({ code: 'ABCD2345' });
  });

  test('the key survives leaving the page (it is kept on the phone) and a silent re-login', async () => {
    answers({ fail: 'request:fail net::ERR_INTERNET_DISCONNECTED' });
    await expect(orders.start(5)).rejects.toMatchObject({ code: 'network_error' });
    const pending = JSON.parse(JSON.stringify(wx.getStorageSync(http.PENDING_KEY)));
    expect(Object.keys(pending)).toEqual(['request:5:start']);
    answers({ statusCode: 401, data: {} }, LOGIN_OK('t2'), { statusCode: 200, data: { id: 5 } });
    await orders.start(5);
    const keys = sent().map((c) => c.key).filter(Boolean);
    expect(new Set(keys)).toEqual(new Set([pending['request:5:start'].key]));
  });

  test('logging out forgets unsent writes', () => {
    wx.setStorageSync(http.PENDING_KEY, { 'signup:7': { key: 'mp-x', data: {}, at: Date.now() } });
    http.clearSession();
    expect(wx.getStorageSync(http.PENDING_KEY)).toBe('');
  });
});

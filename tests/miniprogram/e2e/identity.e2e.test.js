/**
 * @jest-environment node
 *
 * End to end, part 1: the mini-program's own services against the real API (gunicorn, SQLite,
 * fake WeChat): login, /me, household binding, phone, notifications, points, errors, re-login,
 * a logout that holds, and error reports.
 */
const { startServer } = require('./server');
const { as } = require('./wx-node');
const config = require('../../../miniprogram/config');
const http = require('../../../miniprogram/utils/request');
const auth = require('../../../miniprogram/services/auth');
const community = require('../../../miniprogram/packages/resident/services/household');
const notifications = require('../../../miniprogram/services/notifications');
const timebank = require('../../../miniprogram/services/timebank');
const orders = require('../../../miniprogram/services/orders');
const report = require('../../../miniprogram/utils/report');

let server;

beforeAll(async () => {
  server = await startServer();
  config.baseUrl = server.baseUrl;
}, 90000);

afterAll(async () => {
  if (server) await server.stop();
});

test('a demo resident logs in and sees their masked phone and their approved household', async () => {
  const me = await as('demo-resident-1', async () => {
    const login = await auth.login();
    expect(login.token).toEqual(expect.any(String));
    return auth.me();
  });
  expect(me.nickname).toBe('张阿姨');
  expect(me.phone).toMatch(/^139\*+\d{4}$/);
  expect(me.households).toEqual([expect.objectContaining({ status: 'approved', community_id: 1 })]);
  expect(me.roles.map((r) => r.role)).toContain('resident');
});

test('a newcomer walks the address tree, asks to bind a household and binds a phone', async () => {
  await as('e2e-newcomer', async () => {
    const communities = await community.communities({ limit: 100 });
    const guanhu = communities.items.find((c) => c.name === '观湖社区');
    const compounds = await community.compounds(guanhu.id, { limit: 100 });
    const buildings = await community.buildings(compounds.items[0].id, { limit: 100 });
    const households = await community.households(buildings.items[0].id, { limit: 100 });
    const binding = await community.requestBinding(households.items[1].id, 'tenant');
    expect(binding).toMatchObject({ status: 'pending', relation: 'tenant', community_id: guanhu.id });

    const me = await auth.bindPhone('test-phone:13912345678');
    expect(me.phone).not.toContain('12345678');
    expect(me.phone).toMatch(/^139\*+5678$/);
    expect(me.households).toEqual([expect.objectContaining({ status: 'pending', household_id: households.items[1].id })]);
  });
});

test('notifications are listed and marked read', async () => {
  await as('demo-partner-1', async () => {
    const inbox = await notifications.list({ limit: 50 });
    expect(Array.isArray(inbox.items)).toBe(true);
    const done = await notifications.markAllRead();
    expect(done.unread).toBe(0);
    const unread = await notifications.unread();
    expect(unread.items).toEqual([]);
  });
});

test('the points balance and statement agree', async () => {
  await as('demo-resident-1', async () => {
    const account = await timebank.account();
    expect(Number.isInteger(account.balance)).toBe(true);
    const entries = await timebank.entries({ limit: 5 });
    expect(entries.items.length).toBeGreaterThan(0);
    expect(entries.items[0].balance_after).toBe(account.balance);
  });
});

test("the API's refusals reach the page as ApiError with the zh-CN message", async () => {
  await as('demo-resident-3', async () => {
    const err = await orders.get(999999).catch((e) => e);
    expect(err).toMatchObject({ name: 'ApiError', status: 404 });
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    // Her own household: someone else's is 404 before the body is judged.
    const { households } = await auth.me();
    const bad = await orders.create({ categoryId: 1, householdId: households[0].household_id, description: '' })
      .catch((e) => e);
    expect(bad.status).toBe(422);
    expect(bad.message).toMatch(/[\u4e00-\u9fa5]/);
  });
});

test('a revoked token is replaced by one silent re-login', async () => {
  await as('demo-resident-2', async () => {
    await auth.login();
    const first = http.getToken();
    // Log out on the server but keep the token, as if it had been revoked elsewhere.
    await http.post('/auth/logout');
    expect(http.getToken()).toBe(first);
    const me = await auth.me();
    expect(me.nickname).toBe('李大爷');
    expect(http.getToken()).not.toBe(first);
  });
});

test('logout ends the session on the API and nothing logs in again until asked', async () => {
  await as('demo-resident-3', async () => {
    await auth.login();
    const token = http.getToken();
    await auth.logout();
    const stale = await new Promise((resolve) => wx.request({
      url: `${config.baseUrl}/api/v1/me`, method: 'GET', header: { Authorization: `Bearer ${token}` },
      success: resolve, fail: resolve,
    }));
    expect(stale.statusCode).toBe(401);
    await expect(auth.me()).rejects.toMatchObject({ code: 'logged_out' });
    await auth.login();
    expect((await auth.me()).nickname).toBe('王奶奶');
  });
});

test('an uncaught error is reported to the API', async () => {
  await as('demo-resident-1', async () => {
    await expect(report.report('error', new Error('TypeError: x is undefined'))).resolves.toBe(true);
  });
});


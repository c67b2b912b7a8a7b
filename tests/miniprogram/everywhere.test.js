/**
 * Everywhere: pull-to-refresh on every list, short success toasts, the update manager, uncaught
 * errors reported to the API without personal data, a logout that stays logged out, share cards
 * for activities.
 */
const fs = require('fs');
const path = require('path');
const http = require('../../miniprogram/utils/request');
const report = require('../../miniprogram/utils/report');
const ui = require('../../miniprogram/utils/ui');
const auth = require('../../miniprogram/services/auth');
const { resetAll, loadPage, flush, tap, text, MP_ROOT } = require('./helpers/page');

const app = require('../../miniprogram/app.json');

const PAGES = app.pages.concat(...app.subPackages.map((sp) => sp.pages.map((p) => `${sp.root}/${p}`)));
const read = (p) => fs.readFileSync(path.join(MP_ROOT, p), 'utf8');

function loadApp() {
  let def;
  global.App = (d) => { def = d; };
  jest.isolateModules(() => { require('../../miniprogram/app.js'); });
  return def;
}

beforeEach(() => {
  resetAll();
  report.reset();
});

describe('pull-to-refresh on every list', () => {
  test('each page with a list turns it on and answers it', () => {
    const lists = PAGES.filter((p) => read(`${p}.wxml`).includes('<list-state'));
    expect(lists.length).toBeGreaterThan(20);
    const missing = lists.filter((p) => !JSON.parse(read(`${p}.json`)).enablePullDownRefresh
      || !read(`${p}.js`).includes('onPullDownRefresh'));
    expect(missing).toEqual([]);
  });
});

describe('success toasts', () => {
  test('at most 7 characters; anything longer goes in a modal', () => {
    ui.showOk('已提交');
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已提交', icon: 'success' });
    ui.showOk('已提交，等待社区审核');
    expect(wx.showToast).toHaveBeenCalledTimes(1);
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '已提交，等待社区审核' }));
  });

  test('no page passes a longer literal to showOk', () => {
    const long = [];
    PAGES.forEach((p) => {
      const re = /showOk\('([^']*)'\)/g;
      let m;
      const src = read(`${p}.js`);
      while ((m = re.exec(src))) if (m[1].length > 7) long.push(`${p}: ${m[1]}`);
    });
    expect(long).toEqual([]);
  });
});

describe('update manager', () => {
  test('a downloaded update is offered; restarting applies it', () => {
    let ready;
    const manager = { onUpdateReady: (fn) => { ready = fn; }, onUpdateFailed: jest.fn(), applyUpdate: jest.fn() };
    wx.getUpdateManager = jest.fn(() => manager);
    wx.setStorageSync('token', 't');
    wx.request.mockImplementation((o) => o.success({ statusCode: 200, data: { items: [] } }));
    loadApp().onLaunch();
    ready();
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '有新版本', confirmText: '立即重启' }));
    expect(manager.applyUpdate).toHaveBeenCalled();
  });
});

describe('uncaught errors are reported', () => {
  test('onError and onUnhandledRejection post to /client-errors, anonymously, without numbers or queries', async () => {
    global.getCurrentPages = () => [{ route: 'packages/resident/request/index' }];
    wx.setStorageSync('token', 'tok');
    wx.request.mockImplementation((o) => o.success({ statusCode: 204, data: '' }));
    const def = loadApp();
    def.onError('TypeError: x is undefined\n    at onLoad (index.js:3) phone 13900000001');
    def.onUnhandledRejection({ reason: new Error('fetch failed for order 2026112700042?token=abc') });
    await flush();
    const posts = wx.request.mock.calls.map(([o]) => o).filter((o) => o.url.endsWith('/client-errors'));
    expect(posts).toHaveLength(2);
    expect(posts[0].header.Authorization).toBeUndefined();
    expect(posts[0].data).toMatchObject({ kind: 'error', message: 'TypeError: x is undefined', page: 'packages/resident/request/index' });
    expect(posts[0].data.stack).not.toContain('13900000001');
    expect(posts[1].data.kind).toBe('rejection');
    expect(posts[1].data.message).not.toMatch(/2026112700042|abc/);
    delete global.getCurrentPages;
  });

  test('at most 5 a minute from one phone; a failed report is dropped quietly', async () => {
    wx.request.mockImplementation((o) => o.fail({ errMsg: 'request:fail' }));
    const results = [];
    for (let i = 0; i < 7; i += 1) results.push(report.report('error', `boom ${i}`));
    expect(await Promise.all(results)).toEqual([false, false, false, false, false, false, false]);
    expect(wx.request).toHaveBeenCalledTimes(5);
  });
});

describe('logout', () => {
  test('stays logged out: no request logs in by itself until the person logs in', async () => {
    wx.setStorageSync('token', 'tok');
    wx.request.mockImplementation((o) => o.success({ statusCode: 204, data: '' }));
    const real = jest.requireActual('../../miniprogram/services/auth');
    await real.logout();
    expect(wx.getStorageSync('token')).toBe('');
    wx.request.mockClear();
    await expect(http.get('/me')).rejects.toMatchObject({ code: 'logged_out' });
    expect(wx.request).not.toHaveBeenCalled();
    loadApp().onLaunch();
    expect(wx.request).not.toHaveBeenCalled();

    wx.request.mockImplementation((o) => o.success({ statusCode: 200, data: { token: 'new', expires_in: 60, user: { id: 1 } } }));
    await http.login();
    expect(http.isLoggedOut()).toBe(false);
  });

  test('我的 after logout offers 登录 instead of loading', async () => {
    jest.spyOn(auth, 'me').mockResolvedValue({ id: 1, nickname: '张阿姨', roles: [{ role: 'resident' }], households: [] });
    jest.spyOn(auth, 'logout').mockImplementation(async () => http.markLoggedOut());
    const mine = loadPage('pages/mine/index');
    await flush();
    await tap(mine, '.logout');
    expect(text(mine, '.logged-out')).toContain('您已退出登录');
    const again = loadPage('pages/mine/index');
    await flush();
    expect(auth.me).toHaveBeenCalledTimes(1);
    expect(again.querySelector('.logged-out')).toBeTruthy();
    expect(again.querySelector('.logout')).toBeFalsy();
  });
});

describe('share cards', () => {
  test("an activity's 分享 button makes its own card; a shared activity is marked", async () => {
    const volunteering = require('../../miniprogram/services/volunteering');
    const soon = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString();
    jest.spyOn(volunteering, 'activities').mockResolvedValue({ items: [{ id: 4, title: '便民服务日', shifts: [
      { id: 8, starts_at: soon(24), ends_at: soon(26), capacity: 5, signed_up: 1 }] }], next_cursor: null });
    wx.setStorageSync('user', { id: 1, roles: [{ role: 'volunteer', community_id: 1 }], households: [] });
    const list = loadPage('packages/volunteer/activities/index', { activity_id: '4' });
    await flush();
    expect(text(list, '.shared-note')).toBe('邻居分享给您的活动');
    const card = list.instance.onShareAppMessage({ from: 'button', target: { dataset: { id: 4, title: '便民服务日', when: '12-01 09:00' } } });
    expect(card).toEqual({ title: '一起来做志愿：便民服务日（12-01 09:00）', path: '/packages/volunteer/activities/index?activity_id=4' });
    expect(list.instance.onShareAppMessage({ from: 'menu' }).path).toBe('/packages/volunteer/activities/index');
  });
});

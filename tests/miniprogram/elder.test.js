/**
 * Large type (适老化): follows WeChat's font setting on first launch and is offered on the first
 * screen; the tab bar has icons and grows; touch targets are at least 48px in large type.
 */
const fs = require('fs');
const path = require('path');
const ui = require('../../miniprogram/utils/ui');
const catalog = require('../../miniprogram/services/catalog');
const orders = require('../../miniprogram/services/orders');
const notifications = require('../../miniprogram/services/notifications');
const auth = require('../../miniprogram/services/auth');
const simulate = require('miniprogram-simulate');
const { resetAll, loadPage, flush, tap, all, MP_ROOT, page } = require('./helpers/page');

jest.mock('../../miniprogram/services/catalog');
jest.mock('../../miniprogram/services/orders');
jest.mock('../../miniprogram/services/notifications');
jest.mock('../../miniprogram/services/auth');

beforeEach(() => {
  resetAll();
  auth.me.mockResolvedValue({ id: 1, nickname: '王奶奶', roles: [{ role: 'resident' }], households: [] });
  catalog.categories.mockResolvedValue(page([]));
  orders.list.mockResolvedValue(page([]));
  notifications.unread.mockResolvedValue(page([]));
});

describe('first launch follows WeChat\'s font setting', () => {
  test.each([[22, true], [20, true], [17, false], [undefined, false]])('fontSizeSetting %s → large type %s', (size, on) => {
    wx.getAppBaseInfo = jest.fn(() => ({ fontSizeSetting: size }));
    expect(ui.followSystemFont()).toBe(on);
    expect(wx.getStorageSync(ui.ELDER_KEY)).toBe(on);
  });

  test("a person's own choice is never overridden by it", () => {
    ui.setElder(false);
    wx.getAppBaseInfo = jest.fn(() => ({ fontSizeSetting: 24 }));
    expect(ui.followSystemFont()).toBe(false);
    expect(wx.getAppBaseInfo).not.toHaveBeenCalled();
  });

  test('an old base library without getAppBaseInfo starts in standard type', () => {
    delete wx.getAppBaseInfo;
    expect(ui.followSystemFont()).toBe(false);
  });
});

describe('the first screen offers large type', () => {
  test('until answered; turning it on applies at once and is remembered', async () => {
    const home = loadPage('pages/home/index');
    await flush();
    expect(home.querySelector('.elder-offer')).toBeTruthy();
    await tap(home, '.elder-yes');
    expect(home.querySelector('.page').dom.className).toContain('elder');
    expect(home.querySelector('.elder-offer')).toBeFalsy();
    expect(ui.isElder()).toBe(true);
    const again = loadPage('pages/home/index');
    await flush();
    expect(again.querySelector('.elder-offer')).toBeFalsy();
    expect(again.querySelector('.page').dom.className).toContain('elder');
  });

  test('"不用了" keeps standard type and stops asking; 我的 still switches it', async () => {
    const home = loadPage('pages/home/index');
    await flush();
    await tap(home, '.elder-no');
    expect(ui.isElder()).toBe(false);
    expect(ui.elderOffered()).toBe(true);
  });
});

describe('tab bar', () => {
  const app = require('../../miniprogram/app.json');

  function loadTabBar() {
    const id = simulate.load(path.join(MP_ROOT, 'custom-tab-bar', 'index'), { rootPath: MP_ROOT });
    const bar = simulate.render(id);
    bar.attach(document.createElement('parent-wrapper'));
    return bar;
  }

  test('is ours: every tab with an icon and its word, in app.json order', () => {
    expect(app.tabBar.custom).toBe(true);
    const bar = loadTabBar();
    expect(all(bar, '.tab-bar-text').map((t) => t.dom.textContent)).toEqual(app.tabBar.list.map((t) => t.text));
    const icons = all(bar, '.tab-bar-icon').map((i) => i.dom.textContent.trim());
    expect(icons).toHaveLength(4);
    icons.forEach((icon) => expect(icon).not.toBe(''));
  });

  test('switches tabs and grows in large type', async () => {
    const bar = loadTabBar();
    await tap(bar, '.tab-bar-item', 2);
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/points/index' });
    const fake = { route: 'pages/mine/index', getTabBar: () => bar.instance };
    ui.syncTabBar(fake, true);
    await flush();
    expect(bar.querySelector('.tab-bar').dom.className).toContain('tab-bar--elder');
    expect(all(bar, '.tab-bar-item')[3].dom.className).toContain('tab-bar-item--on');
    const css = fs.readFileSync(path.join(MP_ROOT, 'custom-tab-bar', 'index.wxss'), 'utf8');
    expect(Number(/\.tab-bar--elder \.tab-bar-item \{[^}]*min-height: (\d+)rpx/.exec(css)[1])).toBeGreaterThanOrEqual(96);
  });
});

describe('touch targets in large type', () => {
  const css = fs.readFileSync(path.join(MP_ROOT, 'app.wxss'), 'utf8');
  const rule = (selector) => {
    const m = new RegExp(`(^|\\n)${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\{([^}]*)\\}`).exec(css);
    if (!m) throw new Error(`no rule for ${selector}`);
    return m[2];
  };

  test('--tap is at least 48px (96rpx) in large type, and the tappable things use it', () => {
    const tap96 = Number(/--tap:\s*(\d+)rpx/.exec(rule('.page.elder'))[1]);
    expect(tap96).toBeGreaterThanOrEqual(96);
    ['.btn', '.chip', '.tab', '.row'].forEach((sel) => expect(rule(sel)).toMatch(/min-height:\s*var\(--tap\)/));
    expect(css).toMatch(/\.input, \.textarea, \.picker \{[^}]*min-height:\s*var\(--tap\)/);
    // Mini buttons too: WeChat's own button[size=mini] style would shrink them otherwise.
    expect(rule('.page.elder .btn')).toMatch(/min-height:\s*var\(--tap\)/);
  });
});

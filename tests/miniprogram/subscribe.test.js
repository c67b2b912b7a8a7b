/**
 * Subscribe messages: template ids from the API (per notification kind), at most 3 per tap,
 * asked synchronously inside the tap that makes the wish obvious; the inbox opens the page the
 * API chose for the receiver's role.
 */
const orders = require('../../miniprogram/services/orders');
const catalog = require('../../miniprogram/services/catalog');
const auth = require('../../miniprogram/services/auth');
const notifications = require('../../miniprogram/services/notifications');
const subscribe = require('../../miniprogram/utils/subscribe');
const { resetAll, loadPage, flush, tap, input, page } = require('./helpers/page');

jest.mock('../../miniprogram/services/orders');
jest.mock('../../miniprogram/services/catalog');
jest.mock('../../miniprogram/services/auth');
jest.mock('../../miniprogram/services/notifications');

const TEMPLATES = [
  { kind: 'accepted', template_id: 'T-progress', keys: { thing1: 'title' } },
  { kind: 'started', template_id: 'T-progress', keys: { thing1: 'title' } },
  { kind: 'completed', template_id: 'T-done', keys: { thing1: 'title' } },
  { kind: 'confirmed', template_id: 'T-settled', keys: { thing1: 'title' } },
  { kind: 'cancelled', template_id: 'T-cancel', keys: { thing1: 'title' } },
  { kind: 'in_service', template_id: 'T-redo', keys: { thing1: 'title' } },
  { kind: 'shift_promoted', template_id: 'T-shift', keys: { thing1: 'title' } },
];

function withTemplates(answer = {}) {
  wx.setStorageSync(subscribe.STORAGE_KEY, TEMPLATES);
  wx.requestSubscribeMessage = jest.fn(({ tmplIds, success }) => {
    success({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(tmplIds.map((id) => [id, answer[id] || 'reject'])) });
  });
}

beforeEach(() => {
  resetAll();
});

describe('templates and asking', () => {
  test('ids come from the API list, each once, at most 3, in the order wished', () => {
    const items = [
      { kind: 'a', template_id: 'T1' }, { kind: 'b', template_id: 'T1' }, { kind: 'c', template_id: 'T2' },
      { kind: 'd', template_id: 'T3' }, { kind: 'e', template_id: 'T4' },
    ];
    expect(subscribe.templateIds(['b', 'a', 'c', 'x', 'd', 'e'], items)).toEqual(['T1', 'T2', 'T3']);
    expect(subscribe.templateIds(['x'], items)).toEqual([]);
  });

  test('refresh keeps the API list on the phone; a failure keeps the last one', async () => {
    wx.setStorageSync('token', 't');
    wx.request.mockImplementationOnce((o) => o.success({ statusCode: 200, data: { items: TEMPLATES } }));
    await subscribe.refresh();
    expect(wx.request.mock.calls[0][0].url).toMatch(/\/api\/v1\/notifications\/templates$/);
    expect(subscribe.cached()).toEqual(TEMPLATES);
    wx.request.mockImplementationOnce((o) => o.fail({ errMsg: 'request:fail' }));
    await expect(subscribe.refresh()).resolves.toEqual(TEMPLATES);
  });

  test('ask resolves with the accepted ids and never rejects', async () => {
    withTemplates({ 'T-progress': 'accept' });
    await expect(subscribe.ask(subscribe.WISHES.order)).resolves.toEqual(['T-progress']);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-progress', 'T-done']);
    wx.requestSubscribeMessage = jest.fn(({ fail }) => fail({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' }));
    await expect(subscribe.ask(subscribe.WISHES.order)).resolves.toEqual([]);
  });

  test('nothing configured: nothing is asked', async () => {
    wx.requestSubscribeMessage = jest.fn();
    await expect(subscribe.ask(subscribe.WISHES.order)).resolves.toEqual([]);
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});

describe('asked inside the tap, before anything is awaited', () => {
  const ME = {
    id: 11, nickname: '张阿姨', roles: [{ role: 'resident' }],
    households: [{ binding_id: 1, household_id: 5, community_id: 1, address: '观湖花园1栋1单元101', relation: 'owner', status: 'approved' }],
  };

  test('a resident submitting an order', async () => {
    withTemplates();
    auth.me.mockResolvedValue(ME);
    catalog.categories.mockResolvedValue(page([{ id: 1, name: '家电维修', payer: 'community', points_per_hour: 20 }]));
    orders.create.mockResolvedValue({ id: 77 });
    const order = loadPage('packages/resident/order/index', { category_id: '1' });
    await flush();
    await tap(order, '.next');
    await input(order, '.description', '洗衣机脱水时漏水');
    await tap(order, '.next');
    await flush();
    const done = order.instance.onSubmit();
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-progress', 'T-done']);
    expect(orders.create).not.toHaveBeenCalled();
    await done;
    expect(orders.create).toHaveBeenCalledTimes(1);
  });

  test('a partner accepting or claiming a task', async () => {
    withTemplates();
    orders.list.mockResolvedValue(page([{ id: 1, status: 'dispatched', category: { name: '水电维修' }, household: {} }]));
    orders.accept.mockResolvedValue({});
    const tasks = loadPage('packages/partner/tasks/index');
    await flush();
    const done = tasks.instance.onAccept({ currentTarget: { dataset: { id: 1 } } });
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-settled', 'T-cancel']);
    await done;
    expect(orders.accept).toHaveBeenCalledWith(1);
  });

  test('a resident reporting a problem', async () => {
    withTemplates();
    auth.me.mockResolvedValue(ME);
    orders.get.mockResolvedValue({ id: 42, status: 'completed', category: { name: '家电维修' }, household: {}, resident: { id: 11 } });
    orders.events.mockResolvedValue(page([]));
    orders.dispute.mockResolvedValue({});
    const detail = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    await input(detail, '.reason', '水龙头还在漏');
    const done = detail.instance.onDispute();
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-redo', 'T-cancel']);
    await done;
    await flush();
    expect(orders.dispute).toHaveBeenCalledWith(42, '水龙头还在漏');
  });

  test('a volunteer signing up (the sign-up itself asks, so every sign-up button does)', async () => {
    const volunteering = jest.requireActual('../../miniprogram/services/volunteering');
    withTemplates();
    wx.setStorageSync('token', 't');
    wx.request.mockImplementation((o) => o.success({ statusCode: 201, data: { id: 1, status: 'confirmed' } }));
    const done = volunteering.signup(7);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['T-shift']);
    await expect(done).resolves.toEqual({ id: 1, status: 'confirmed' });
    expect(wx.request.mock.calls[0][0].url).toMatch(/\/shifts\/7\/signup$/);
  });
});

describe('消息 opens the page chosen for my role', () => {
  test("a partner's item opens the task page; an old item without a page falls back on its ref", async () => {
    notifications.list.mockResolvedValue(page([
      { id: 2, kind: 'dispatched', title: '新的派单', ref: 'request:9', page: 'packages/partner/task/index?id=9', read_at: null },
      { id: 1, kind: 'accepted', title: '已有合伙人接单', ref: 'request:8', page: '', read_at: '2026-11-27T10:00:00+08:00' },
    ]));
    notifications.markRead.mockResolvedValue({ marked: 1, unread: 0 });
    const inbox = loadPage('packages/resident/notifications/index');
    await flush();
    await tap(inbox, '.note', 0);
    expect(notifications.markRead).toHaveBeenCalledWith(2);
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/partner/task/index?id=9' });
    await tap(inbox, '.note', 1);
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/resident/request/index?id=8' });
  });
});

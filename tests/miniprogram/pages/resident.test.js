/** Resident screens with stubbed services: list states, the three-step order, confirm and rate, redeem. */
const orders = require('../../../miniprogram/services/orders');
const catalog = require('../../../miniprogram/services/catalog');
const notifications = require('../../../miniprogram/services/notifications');
const auth = require('../../../miniprogram/services/auth');
const timebank = require('../../../miniprogram/services/timebank');
const household = require('../../../miniprogram/packages/resident/services/household');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, fire, text, attr, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/services/orders');
jest.mock('../../../miniprogram/services/catalog');
jest.mock('../../../miniprogram/services/notifications');
jest.mock('../../../miniprogram/services/auth');
jest.mock('../../../miniprogram/services/timebank', () => {
  const real = jest.requireActual('../../../miniprogram/services/timebank');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  mocked.voucherCode = real.voucherCode;
  return mocked;
});
jest.mock('../../../miniprogram/packages/resident/services/household');

const ME = {
  id: 11, nickname: '张阿姨', phone: '139****0001', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 5, community_id: 1, address: '观湖花园1栋1单元101', relation: 'owner', status: 'approved' }],
};
const CATEGORIES = [
  { id: 1, code: 'appliance_repair', name: '家电维修', payer: 'community', points_per_hour: 20 },
  { id: 3, code: 'errand', name: '代买代办', payer: 'resident', points_per_hour: 10 },
];
const REQ = (over = {}) => ({
  id: 42, status: 'submitted', category: { id: 1, name: '家电维修' }, description: '洗衣机漏水',
  household: { id: 5, address: '观湖花园1栋****' }, resident: { id: 11, nickname: '张阿姨' },
  partner: null, created_at: '2026-11-27T15:30:00+08:00', ...over,
});

beforeEach(() => {
  resetAll();
  auth.me.mockResolvedValue(ME);
  notifications.unread.mockResolvedValue(page([]));
});

describe('首页', () => {
  test('shows loading first, then categories and my open requests only', async () => {
    let release;
    catalog.categories.mockReturnValue(new Promise((r) => { release = r; }));
    orders.list.mockResolvedValue(page([REQ(), REQ({ id: 43, status: 'confirmed' })]));
    const home = loadPage('pages/home/index');
    expect(listState(home, '.categories-state')).toContain('加载中');
    release(page(CATEGORIES));
    await flush();
    expect(all(home, '.category').map((c) => c.dom.textContent)).toEqual(
      [expect.stringContaining('家电维修'), expect.stringContaining('代买代办')]);
    expect(all(home, '.open-request')).toHaveLength(1);
    expect(text(home, '.open-request')).toContain('待派单');
    expect(orders.list).toHaveBeenCalledWith({ scope: 'mine', limit: 20 });
  });

  test('says so when there is nothing open, and shows an error with a retry', async () => {
    catalog.categories.mockRejectedValueOnce(new ApiError('network_error', '网络连接失败，请检查网络后重试'));
    orders.list.mockResolvedValue(page([REQ({ status: 'cancelled' })]));
    const home = loadPage('pages/home/index');
    await flush();
    expect(listState(home, '.open-state')).toBe('没有进行中的需求');
    expect(listState(home, '.categories-state')).toContain('加载失败：网络连接失败');
    catalog.categories.mockResolvedValue(page(CATEGORIES));
    await fire(home.querySelector('.categories-state').querySelector('.ls-retry'), 'tap');
    await flush();
    expect(all(home, '.category')).toHaveLength(2);
  });

  test('a category opens the order page with it chosen', async () => {
    catalog.categories.mockResolvedValue(page(CATEGORIES));
    orders.list.mockResolvedValue(page([]));
    const home = loadPage('pages/home/index');
    await flush();
    await tap(home, '.category', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/order/index?category_id=3' });
  });
});

describe('点单 in three steps', () => {
  test('category, then description + household + time, then confirm creates the request', async () => {
    catalog.categories.mockResolvedValue(page(CATEGORIES));
    orders.create.mockResolvedValue(REQ({ id: 77 }));
    const order = loadPage('packages/resident/order/index');
    await flush();
    expect(text(order, '.steps')).toContain('第 1 步，共 3 步');

    await tap(order, '.next');
    expect(text(order, '.form-error')).toBe('请选择服务类别');
    await tap(order, '.category', 0);
    expect(all(order, '.category')[0].dom.className).toContain('on');
    await tap(order, '.next');
    await flush();
    expect(text(order, '.steps')).toContain('第 2 步');
    // The only approved household is chosen for the resident.
    expect(all(order, '.household.on')).toHaveLength(1);

    await input(order, '.description', '修');
    await tap(order, '.next');
    expect(text(order, '.form-error')).toBe('请点选常用语、拍照，或用至少4个字描述');
    await input(order, '.description', '洗衣机脱水时漏水');
    await fire(order.querySelector('.date'), 'change', { value: '2026-11-29' });
    await fire(order.querySelector('.time'), 'change', { value: '14:30' });
    await tap(order, '.next');
    await flush();
    expect(text(order, '.steps')).toContain('第 3 步');
    expect(text(order, '.summary-category')).toBe('家电维修');
    expect(text(order, '.summary-household')).toBe('观湖花园1栋1单元101');

    await tap(order, '.submit');
    await flush();
    expect(orders.create).toHaveBeenCalledWith({
      categoryId: 1, householdId: 5, description: '洗衣机脱水时漏水',
      preferredStart: '2026-11-29T14:30:00+08:00', idempotencyKey: expect.stringMatching(/^mp-/),
    });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/packages/resident/request/index?id=77' });
  });

  test('a refusal from the API stays on the confirm step with its message', async () => {
    catalog.categories.mockResolvedValue(page(CATEGORIES));
    orders.create.mockRejectedValue(new ApiError('insufficient_points', '积分不足，无法预付本次服务', 409));
    const order = loadPage('packages/resident/order/index', { category_id: '3' });
    await flush();
    expect(all(order, '.category.on')).toHaveLength(1);
    await tap(order, '.next');
    await input(order, '.description', '帮忙买一袋米送上楼');
    await tap(order, '.next');
    await tap(order, '.submit');
    await flush();
    expect(text(order, '.form-error')).toBe('积分不足，无法预付本次服务');
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '积分不足，无法预付本次服务' }));
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('a retry after a lost answer reuses the order\'s key; a refusal or a change gets a new one', async () => {
    catalog.categories.mockResolvedValue(page(CATEGORIES));
    orders.create
      .mockRejectedValueOnce(new ApiError('timeout', '请求超时，请检查网络后重试'))
      .mockRejectedValueOnce(new ApiError('insufficient_points', '积分不足，无法预付本次服务', 409))
      .mockResolvedValue(REQ({ id: 78 }));
    const order = loadPage('packages/resident/order/index', { category_id: '3' });
    await flush();
    await tap(order, '.next');
    await input(order, '.description', '帮忙买一袋米送上楼');
    await tap(order, '.next');
    await tap(order, '.submit');
    await flush();
    await tap(order, '.submit');
    await flush();
    await tap(order, '.submit');
    await flush();
    const keys = orders.create.mock.calls.map(([args]) => args.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^mp-/);
    expect(keys[1]).toBe(keys[0]); // the timeout's answer was lost: same order, same key
    expect(keys[2]).not.toBe(keys[1]); // the refusal was definite: a new attempt
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/packages/resident/request/index?id=78' });
  });

  test('without an approved household the resident is sent to bind one', async () => {
    auth.me.mockResolvedValue({ ...ME, households: [] });
    catalog.categories.mockResolvedValue(page(CATEGORIES));
    const order = loadPage('packages/resident/order/index', { category_id: '1' });
    await flush();
    await tap(order, '.next');
    await input(order, '.description', '洗衣机脱水时漏水');
    await tap(order, '.next');
    expect(text(order, '.form-error')).toBe('请先在“我的”中绑定住户');
  });
});

describe('需求详情', () => {
  const events = page([
    { id: 1, action: 'create', from_status: null, to_status: 'submitted', actor: { id: 11, role: 'resident' }, at: '2026-11-27T15:30:00+08:00' },
    { id: 2, action: 'complete', from_status: 'in_service', to_status: 'completed', actor: { id: 30, role: 'partner_member' }, at: '2026-11-27T17:00:00+08:00', note: '已更换密封圈' },
  ]);

  test('a completed request of mine is confirmed with the rating I gave', async () => {
    orders.get.mockResolvedValue(REQ({ status: 'completed', partner: { id: 1, name: '观湖家电维修合作社' } }));
    orders.events.mockResolvedValue(events);
    orders.confirm.mockResolvedValue(REQ({ status: 'confirmed' }));
    const detail = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    expect(text(detail, '.status')).toBe('状态：待确认');
    expect(text(detail, '.partner')).toBe('服务方：观湖家电维修合作社');
    expect(all(detail, '.event').map((e) => e.dom.textContent)).toEqual([
      expect.stringContaining('提交需求'), expect.stringContaining('完成服务')]);

    await tap(detail, '.confirm');
    expect(orders.confirm).not.toHaveBeenCalled();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请先打分（1-5星）' }));

    await fire(detail.querySelector('.rate'), 'change', { value: 4 });
    await input(detail, '.comment', '师傅很细心');
    orders.get.mockResolvedValue(REQ({ status: 'confirmed', points_settled: 20 }));
    await tap(detail, '.confirm');
    await flush();
    expect(orders.confirm).toHaveBeenCalledWith(42, 4, '师傅很细心');
    expect(text(detail, '.status')).toBe('状态：已完成');
    expect(text(detail, '.settled')).toBe('已结算 20 积分');
    expect(detail.querySelector('.confirm-panel')).toBeFalsy();
  });

  test('a dispute needs a reason, then is sent', async () => {
    orders.get.mockResolvedValue(REQ({ status: 'completed' }));
    orders.events.mockResolvedValue(events);
    orders.dispute.mockResolvedValue(REQ({ status: 'disputed' }));
    const detail = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    await tap(detail, '.dispute');
    await flush();
    expect(orders.dispute).not.toHaveBeenCalled();
    await input(detail, '.reason', '水龙头还在漏');
    await tap(detail, '.dispute');
    await flush();
    expect(orders.dispute).toHaveBeenCalledWith(42, '水龙头还在漏');
  });

  test("someone else's request shows no resident actions, and a failure shows an error", async () => {
    orders.get.mockResolvedValue(REQ({ status: 'completed', resident: { id: 99 } }));
    orders.events.mockResolvedValue(events);
    const detail = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    expect(detail.querySelector('.confirm-panel')).toBeFalsy();
    expect(detail.querySelector('.dispute')).toBeFalsy();

    orders.get.mockRejectedValue(new ApiError('not_found', '需求不存在', 404));
    const missing = loadPage('packages/resident/request/index', { id: '404' });
    await flush();
    expect(listState(missing, '.detail-state')).toContain('需求不存在');
  });
});

describe('积分商城', () => {
  const ITEMS = page([{ id: 9, title: '洗洁精一瓶', kind: 'goods', price_points: 30, stock: 5, per_user_limit: 2, merchant: { id: 1, name: '观湖超市' }, valid_days: 30 }]);

  test('redeem asks first, sends an Idempotency-Key and shows the voucher and the new balance', async () => {
    timebank.items.mockResolvedValue(ITEMS);
    timebank.account.mockResolvedValue({ balance: 100 });
    timebank.redeem.mockResolvedValue({ voucher: { id: 3, code: 'K7Q2-MX8P', status: 'issued' }, balance: 70 });
    const mall = loadPage('packages/resident/mall/index');
    await flush();
    expect(text(mall, '.balance')).toBe('我的积分：100');
    await tap(mall, '.redeem');
    await flush();
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '用 30 积分兑换“洗洁精一瓶”？' }));
    expect(timebank.redeem).toHaveBeenCalledWith(9, expect.stringMatching(/^mp-/));
    expect(text(mall, '.balance')).toBe('我的积分：70');
    expect(text(mall, '.last-voucher')).toContain('K7Q2-MX8P');
  });

  test('a refusal is explained; a lost answer is retried with the same key', async () => {
    timebank.items.mockResolvedValue(ITEMS);
    timebank.account.mockResolvedValue({ balance: 10 });
    timebank.redeem.mockRejectedValueOnce(new ApiError('timeout', '请求超时，请检查网络后重试'));
    timebank.redeem.mockRejectedValueOnce(new ApiError('insufficient_points', '积分不足', 409));
    const mall = loadPage('packages/resident/mall/index');
    await flush();
    await tap(mall, '.redeem');
    await flush();
    await tap(mall, '.redeem');
    await flush();
    const [first, second] = timebank.redeem.mock.calls.map((c) => c[1]);
    expect(second).toBe(first);
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '兑换失败：积分不足' }));
  });

  test('cancelling the confirmation redeems nothing', async () => {
    timebank.items.mockResolvedValue(ITEMS);
    timebank.account.mockResolvedValue({ balance: 100 });
    wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
    const mall = loadPage('packages/resident/mall/index');
    await flush();
    await tap(mall, '.redeem');
    await flush();
    expect(timebank.redeem).not.toHaveBeenCalled();
  });
});

describe('我的券', () => {
  test('an issued voucher opens as a QR of its payload (llt-voucher:<code>); a used one does not', async () => {
    timebank.vouchers.mockResolvedValue(page([
      { id: 1, code: 'AAAA-1111', qr_payload: 'llt-voucher:AAAA-1111', item: { title: '理发券' }, status: 'issued', expires_at: '2026-12-27T00:00:00+08:00' },
      { id: 2, code: 'BBBB-2222', item: { title: '洗洁精' }, status: 'used', expires_at: '2026-12-01T00:00:00+08:00' },
    ]));
    const vouchers = loadPage('packages/resident/vouchers/index');
    await flush();
    expect(all(vouchers, '.voucher').map((v) => v.dom.textContent)).toEqual([
      expect.stringContaining('可使用'), expect.stringContaining('已核销')]);
    await tap(vouchers, '.voucher', 1);
    expect(vouchers.querySelector('.qr-panel')).toBeFalsy();
    await tap(vouchers, '.voucher', 0);
    expect(attr(vouchers, '.voucher-qr', 'value')).toBe('llt-voucher:AAAA-1111');
    expect(text(vouchers, '.code')).toBe('券码：AAAA-1111');
    expect(listState(vouchers, '.vouchers-state')).toBe('没有更多了');
  });

  test('an empty list says so', async () => {
    timebank.vouchers.mockResolvedValue(page([]));
    const vouchers = loadPage('packages/resident/vouchers/index');
    await flush();
    expect(listState(vouchers, '.vouchers-state')).toBe('还没有兑换的券');
  });
});

describe('积分', () => {
  test('balance and statement, each entry in words (hold, release, reversal too)', async () => {
    timebank.account.mockResolvedValue({ balance: 120, earned_total: 200, spent_total: 80, minutes_served: 150 });
    timebank.entries.mockResolvedValue(page([
      { id: 3, kind: 'hold', amount: -40, balance_after: 120, memo: '代买代办 预扣', ref: 'request:9', at: '2026-11-27T10:00:00+08:00' },
      { id: 2, kind: 'release', amount: 40, balance_after: 160, memo: '', ref: 'request:8', at: '2026-11-26T10:00:00+08:00' },
      { id: 1, kind: 'reversal', amount: -5, balance_after: 120, memo: '冲正', ref: 'adjustment:1', at: '2026-11-25T10:00:00+08:00' },
    ], 'c2'));
    const points = loadPage('pages/points/index');
    await flush();
    expect(text(points, '.balance')).toBe('120');
    expect(text(points, '.summary')).toContain('服务 2 小时');
    expect(all(points, '.entry').map((e) => e.dom.textContent)).toEqual([
      expect.stringContaining('预扣'), expect.stringContaining('预扣退回'), expect.stringContaining('冲正')]);
    expect(text(points, '.entry')).toContain('支出 -40');
    expect(listState(points, '.entries-state')).toBe('加载更多');
    timebank.entries.mockResolvedValue(page([]));
    await tap(points.querySelector('.entries-state'), '.ls-more-btn');
    expect(timebank.entries).toHaveBeenLastCalledWith({ cursor: 'c2', limit: 20 });
    await tap(points, '.mall');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/mall/index' });
  });

  test('an account that fails to load says so; an empty statement too', async () => {
    timebank.account.mockRejectedValue(new ApiError('network_error', '网络连接失败，请检查网络后重试'));
    timebank.entries.mockResolvedValue(page([]));
    const points = loadPage('pages/points/index');
    await flush();
    expect(listState(points, '.account-state')).toContain('加载失败：网络连接失败');
    expect(listState(points, '.entries-state')).toBe('还没有积分记录');
  });
});

describe('绑定住户', () => {
  test('community → compound → building → room, then the relation, then the request', async () => {
    household.communities.mockResolvedValue(page([{ id: 1, name: '观湖社区' }]));
    household.compounds.mockResolvedValue(page([{ id: 2, name: '观湖花园' }]));
    household.buildings.mockResolvedValue(page([{ id: 3, name: '1栋' }]));
    household.households.mockResolvedValue(page([{ id: 5, unit: '1', room: '101' }, { id: 6, unit: '', room: '102' }]));
    household.requestBinding.mockResolvedValue({ id: 9, status: 'pending' });
    const screen = loadPage('packages/resident/household/index');
    await flush();
    await tap(screen, '.option', 0);
    expect(household.compounds).toHaveBeenCalledWith(1, { limit: 100 });
    await tap(screen, '.option', 0);
    await tap(screen, '.option', 0);
    expect(all(screen, '.option').map((o) => o.dom.textContent)).toEqual(['1单元101', '102']);
    await tap(screen, '.option', 0);
    expect(text(screen, '.title')).toBe('观湖社区 观湖花园 1栋 1单元101');
    await tap(screen, '.relation', 2);
    await tap(screen, '.submit');
    expect(household.requestBinding).toHaveBeenCalledWith(5, 'tenant');
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('an empty level and a failed level say so, and the failed one can be retried', async () => {
    household.communities.mockRejectedValueOnce(new ApiError('timeout', '请求超时，请检查网络后重试'));
    const screen = loadPage('packages/resident/household/index');
    await flush();
    expect(listState(screen, '.options-state')).toContain('加载失败：请求超时');
    household.communities.mockResolvedValue(page([{ id: 1, name: '观湖社区' }]));
    household.compounds.mockResolvedValue(page([]));
    await tap(screen.querySelector('.options-state'), '.ls-retry');
    await tap(screen, '.option', 0);
    expect(listState(screen, '.options-state')).toBe('这里还没有可选项');
  });
});

describe('消息', () => {
  test('unread items say so in words; reading all reloads', async () => {
    notifications.list.mockResolvedValue(page([
      { id: 2, kind: 'accepted', title: '已有合伙人接单', body: '家电维修 #42', ref: 'request:42', page: 'packages/resident/request/index?id=42', created_at: '2026-11-27T10:00:00+08:00', read_at: null },
      { id: 1, kind: 'completed', title: '服务已完成，请确认并评价', body: '', ref: 'request:41', page: '', created_at: '2026-11-26T10:00:00+08:00', read_at: '2026-11-26T11:00:00+08:00' },
    ]));
    notifications.markAllRead.mockResolvedValue({ marked: 1, unread: 0 });
    const inbox = loadPage('packages/resident/notifications/index');
    await flush();
    expect(all(inbox, '.note').map((n) => n.dom.textContent)).toEqual([
      expect.stringContaining('● 未读'), expect.stringContaining('已读')]);
    await tap(inbox, '.read-all');
    expect(notifications.markAllRead).toHaveBeenCalled();
    expect(notifications.list).toHaveBeenCalledTimes(2);
  });

  test('an empty inbox says so', async () => {
    notifications.list.mockResolvedValue(page([]));
    const inbox = loadPage('packages/resident/notifications/index');
    await flush();
    expect(listState(inbox, '.inbox-state')).toBe('暂无消息');
  });
});


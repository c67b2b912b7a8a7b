/**
 * Ordering without typing (phrase chips, photos, the community's service phone), family gifts,
 * giving back a voucher, and 代下单: staff and family place an order for a resident, who
 * confirms or cancels it on the request page.
 */
const orders = require('../../../miniprogram/services/orders');
const catalog = require('../../../miniprogram/services/catalog');
const auth = require('../../../miniprogram/services/auth');
const upload = require('../../../miniprogram/packages/resident/services/upload');
const timebank = require('../../../miniprogram/services/timebank');
const household = require('../../../miniprogram/packages/resident/services/household');
const { ApiError } = require('../../../miniprogram/utils/errors');
const {
  resetAll, loadPage, flush, text, all, tap, input, listState, page,
} = require('../helpers/page');

// The first page of a file waits for wcc to compile the whole project; on a busy machine that
// alone can take longer than the default timeout.
jest.setTimeout(90000);

jest.mock('../../../miniprogram/services/orders');
jest.mock('../../../miniprogram/services/catalog');
jest.mock('../../../miniprogram/services/auth');
jest.mock('../../../miniprogram/packages/resident/services/upload');
jest.mock('../../../miniprogram/services/timebank', () => {
  const real = jest.requireActual('../../../miniprogram/services/timebank');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  mocked.voucherCode = real.voucherCode;
  return mocked;
});
jest.mock('../../../miniprogram/packages/resident/services/household', () => {
  const real = jest.requireActual('../../../miniprogram/packages/resident/services/household');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  // familyMembers is the real one, built on household(), which is mocked below
  real.household = (...args) => mocked.household(...args);
  mocked.familyMembers = real.familyMembers;
  return mocked;
});

const ME = {
  id: 11, nickname: '小张', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 5, community_id: 1, address: '观湖花园1栋1单元101', relation: 'family', status: 'approved' }],
};
const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const CATEGORIES = [
  { id: 4, code: 'plumbing', name: '水电维修', payer: 'community', points_per_hour: 20, phrases: ['水龙头漏水', '下水道堵了'] },
  { id: 3, code: 'errand', name: '代买代办', payer: 'resident', points_per_hour: 10, phrases: ['代买菜', '代取药'] },
];
const HOUSEHOLD = {
  id: 5, address: '观湖花园1栋1单元101',
  residents: [{ user_id: 11, nickname: '小张', relation: 'family' }, { user_id: 7, nickname: '张阿姨', relation: 'owner' }],
};
const REQ = (over = {}) => ({
  id: 42, status: 'submitted', category: { id: 4, name: '水电维修' }, description: '水龙头漏水',
  household: { id: 5, address: '观湖花园1栋****' }, resident: { id: 11, nickname: '张阿姨' },
  partner: null, placed_by: null, consent: null, created_at: '2026-11-27T15:30:00+08:00', ...over,
});

beforeEach(() => {
  resetAll();
  auth.me.mockResolvedValue(ME);
  catalog.categories.mockResolvedValue(page(CATEGORIES));
  household.community.mockResolvedValue({ id: 1, name: '观湖社区', service_phone: '023-49210001' });
  household.household.mockResolvedValue(HOUSEHOLD);
  upload.uploadAll.mockImplementation(async (photos) => photos.map((p, i) => ({ ...p, id: p.id || 90 + i })));
});

describe('点单 without typing', () => {
  async function toDetails() {
    const order = loadPage('packages/resident/order/index', { category_id: '4' });
    await flush();
    await tap(order, '.next');
    await flush();
    return order;
  }

  test('the category\'s phrases are large chips; one tap stands in for the description', async () => {
    orders.create.mockResolvedValue(REQ({ id: 77 }));
    const order = await toDetails();
    expect(all(order, '.phrase').map((c) => c.dom.textContent)).toEqual(['水龙头漏水', '下水道堵了']);
    await tap(order, '.next');
    expect(text(order, '.form-error')).toBe('请点选常用语、拍照，或用至少4个字描述');
    await tap(order, '.phrase', 0);
    expect(all(order, '.phrase')[0].dom.className).toContain('on');
    await tap(order, '.next');
    expect(text(order, '.steps')).toContain('第 3 步');
    expect(text(order, '.summary-phrase')).toBe('水龙头漏水');
    await tap(order, '.submit');
    await flush();
    expect(orders.create).toHaveBeenCalledWith(expect.objectContaining({
      categoryId: 4, householdId: 5, phrase: '水龙头漏水', description: '', photoIds: undefined,
    }));
  });

  test('a photo taken with chooseMedia is uploaded first and its id sent with the order', async () => {
    upload.choosePhotos.mockResolvedValue(['wxfile://tmp/leak.jpg']);
    orders.create.mockResolvedValue(REQ({ id: 78 }));
    const order = await toDetails();
    await tap(order, '.add-photo');
    await flush();
    expect(upload.choosePhotos).toHaveBeenCalledWith(3);
    expect(all(order, '.photo-img')).toHaveLength(1);
    await tap(order, '.next'); // a photo is enough without words
    expect(text(order, '.summary-photos')).toBe('1 张');
    await tap(order, '.submit');
    await flush();
    expect(upload.uploadAll).toHaveBeenCalledWith([{ path: 'wxfile://tmp/leak.jpg' }]);
    expect(orders.create).toHaveBeenCalledWith(expect.objectContaining({ photoIds: [90] }));
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/packages/resident/request/index?id=78' });
  });

  test('a failed upload keeps the order on the page, and the retry keeps the order\'s key', async () => {
    upload.choosePhotos.mockResolvedValue(['wxfile://tmp/leak.jpg']);
    upload.uploadAll.mockRejectedValueOnce(new ApiError('network_error', '网络连接失败，请检查网络后重试'));
    orders.create.mockResolvedValue(REQ({ id: 79 }));
    const order = await toDetails();
    await tap(order, '.add-photo');
    await flush();
    await tap(order, '.next');
    await tap(order, '.submit');
    await flush();
    expect(orders.create).not.toHaveBeenCalled();
    expect(text(order, '.form-error')).toBe('网络连接失败，请检查网络后重试');
    await tap(order, '.submit');
    await flush();
    expect(orders.create).toHaveBeenCalledTimes(1);
  });

  test('the community\'s service phone is one tap away', async () => {
    const order = await toDetails();
    expect(household.community).toHaveBeenCalledWith(1);
    expect(text(order, '.call')).toContain('023-49210001');
    await tap(order, '.call');
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '023-49210001' }));
  });

  test('no service phone, no call button', async () => {
    household.community.mockResolvedValue({ id: 1, name: '观湖社区', service_phone: null });
    const order = await toDetails();
    expect(order.querySelector('.call')).toBeFalsy();
  });
});

describe('代下单 on the request page', () => {
  test('the resident sees who placed it and how, and confirms it herself', async () => {
    auth.me.mockResolvedValue({ ...ME, id: 11 });
    orders.get.mockResolvedValue(REQ({
      status: 'proposed', placed_by: { id: 12, nickname: '小张', placed_as: 'family' }, consent: { kind: 'family', note: '妈妈同意了' },
    }));
    orders.events.mockResolvedValue(page([{ id: 1, action: 'create', to_status: 'proposed', actor: { id: 12, role: 'placer' }, at: '2026-11-27T15:30:00+08:00' }]));
    orders.agree.mockResolvedValue(REQ());
    const detail = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    expect(text(detail, '.status')).toBe('状态：待本人确认');
    expect(text(detail, '.proxy-who')).toBe('家属代下单：小张');
    expect(text(detail, '.proxy-consent')).toBe('同意方式：家属确认，妈妈同意了');
    expect(text(detail, '.event')).toContain('代下单人');
    expect(detail.querySelector('.cancel')).toBeTruthy();
    orders.get.mockResolvedValue(REQ({ placed_by: { id: 12, nickname: '小张', placed_as: 'family' } }));
    await tap(detail, '.agree');
    await flush();
    expect(orders.agree).toHaveBeenCalledWith(42);
    expect(detail.querySelector('.agree')).toBeFalsy();
  });

  test('whoever placed it may cancel it, but not confirm it for the resident', async () => {
    auth.me.mockResolvedValue({ ...STAFF });
    wx.setStorageSync('user', STAFF);
    orders.get.mockResolvedValue(REQ({
      status: 'proposed', resident: { id: 7, nickname: '张阿姨' },
      placed_by: { id: 2, nickname: '观湖社工小李', placed_as: 'staff' }, consent: { kind: 'phone_call', note: null },
    }));
    orders.events.mockResolvedValue(page([]));
    orders.cancel.mockResolvedValue(REQ({ status: 'cancelled' }));
    const detail = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    expect(detail.querySelector('.agree')).toBeFalsy();
    expect(text(detail, '.proxy-consent')).toBe('同意方式：电话确认');
    await input(detail, '.reason', '居民说不用了');
    await tap(detail, '.cancel');
    await flush();
    expect(orders.cancel).toHaveBeenCalledWith(42, '居民说不用了');
  });
});

describe('代下单 waiting for the resident (待居民确认)', () => {
  const WAITING = (over = {}) => REQ({
    status: 'proposed', category: { id: 3, name: '代买代办' }, description: '代取药',
    resident: { id: 7, nickname: '张阿姨' }, placed_by: { id: 12, nickname: '小张', placed_as: 'family' },
    consent: { kind: 'family', note: null }, deadline_at: '2026-11-29T15:30:00+08:00', overdue: false, ...over,
  });

  test('staff have a tab of proxy orders waiting for the resident, with who placed them and when they lapse', async () => {
    wx.setStorageSync('user', STAFF);
    orders.list.mockResolvedValue(page([WAITING()]));
    const queue = loadPage('packages/staff/queue/index', { tab: 'submitted' });
    await flush();
    expect(text(queue, '.tab-proposed')).toBe('待居民确认');
    await tap(queue, '.tab-proposed');
    await flush();
    expect(orders.list).toHaveBeenLastCalledWith({
      scope: 'community', community_id: 1, status: 'proposed', cursor: undefined, limit: 20,
    });
    expect(text(queue, '.queued .title')).toBe('代买代办');
    expect(text(queue, '.placed-by')).toBe('家属代下单：小张');
    expect(text(queue, '.deadline')).toBe('未确认将于 11-29 15:30 自动取消');

    orders.list.mockResolvedValue(page([]));
    const empty = loadPage('packages/staff/queue/index', { tab: 'proposed' });
    await flush();
    expect(orders.list).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'proposed' }));
    expect(listState(empty, '.queue-state')).toBe('没有等待居民确认的代下单');
  });

  test('the staff detail of a proposal says it waits for the resident and may be cancelled', async () => {
    wx.setStorageSync('user', STAFF);
    orders.get.mockResolvedValue(WAITING());
    orders.events.mockResolvedValue(page([
      { id: 1, action: 'create', to_status: 'proposed', actor: { id: 12, role: 'placer' }, at: '2026-11-27T15:30:00+08:00' }]));
    orders.cancel.mockResolvedValue(WAITING({ status: 'cancelled' }));
    const detail = loadPage('packages/staff/dispatch/index', { id: '42' });
    await flush();
    expect(orders.candidates).not.toHaveBeenCalled();
    expect(detail.querySelector('.candidate')).toBeFalsy();
    expect(text(detail, '.placed-by')).toBe('家属代下单：小张');
    expect(text(detail, '.waiting-note')).toBe('等待居民本人在小程序中确认，11-29 15:30 前未确认将自动取消');
    expect(detail.querySelector('.deadline')).toBeFalsy();
    await input(detail, '.cancel-reason', '已电话联系，改为社区代下单');
    await tap(detail, '.cancel');
    await flush();
    expect(orders.cancel).toHaveBeenCalledWith(42, '已电话联系，改为社区代下单');
  });

  test('the resident is told until when to agree, and a lapsed proposal reads as cancelled by the system', async () => {
    auth.me.mockResolvedValue({ ...ME, id: 7 });
    wx.setStorageSync('user', { ...ME, id: 7 });
    orders.get.mockResolvedValue(WAITING());
    orders.events.mockResolvedValue(page([]));
    const open = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    expect(text(open, '.agree-by')).toBe('请在 11-29 15:30 前确认，逾期自动取消。');

    orders.get.mockResolvedValue(WAITING({ status: 'cancelled', deadline_at: null }));
    orders.events.mockResolvedValue(page([
      { id: 1, action: 'create', to_status: 'proposed', actor: { id: 12, role: 'placer' }, at: '2026-11-27T15:30:00+08:00' },
      { id: 2, action: 'expire', from_status: 'proposed', to_status: 'cancelled', actor: { id: null, role: 'system' }, at: '2026-11-29T15:35:00+08:00' },
    ]));
    const lapsed = loadPage('packages/resident/request/index', { id: '42' });
    await flush();
    expect(lapsed.querySelector('.agree')).toBeFalsy();
    const events = all(lapsed, '.event').map((e) => e.dom.textContent);
    expect(events[1]).toContain('居民未确认，自动取消');
    expect(events[1]).toContain('系统');
    expect(events[1]).not.toContain('超时未接单');
  });
});

describe('代下单 forms', () => {
  test('staff pick a bound resident, a phrase and the call, and place the order', async () => {
    auth.me.mockResolvedValue(STAFF);
    wx.setStorageSync('user', STAFF);
    household.communityResidents.mockResolvedValue([
      { userId: 7, householdId: 5, nickname: '张阿姨', address: '观湖花园1栋****' },
    ]);
    orders.create.mockResolvedValue(REQ({ id: 80, status: 'proposed' }));
    const form = loadPage('packages/resident/proxy-order/index', { as: 'staff' });
    await flush();
    expect(household.communityResidents).toHaveBeenCalledWith(1);
    expect(all(form, '.consent').map((c) => c.dom.textContent)).toEqual(['电话确认', '当面确认']);
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('请选择为谁下单');
    await tap(form, '.person', 0);
    await tap(form, '.category', 1); // 代买代办: paid with the resident's points
    expect(text(form, '.waits-hint')).toContain('需居民本人在小程序中确认');
    await tap(form, '.phrase', 1);
    await input(form, '.note', '上午十点电话确认，本人同意');
    expect(form.querySelector('.waits-hint')).toBeFalsy(); // staff's note of the call stands
    await tap(form, '.submit');
    await flush();
    expect(orders.create).toHaveBeenCalledWith({
      categoryId: 3, householdId: 5, forUserId: 7, description: '', phrase: '代取药',
      consent: { kind: 'phone_call', note: '上午十点电话确认，本人同意' }, idempotencyKey: expect.stringMatching(/^mp-/),
    });
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '待本人确认' }));
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/packages/resident/request/index?id=80' });
  });

  test('a family member orders for the people bound to the same household; a retry keeps the key', async () => {
    orders.create
      .mockRejectedValueOnce(new ApiError('timeout', '请求超时，请检查网络后重试'))
      .mockResolvedValue(REQ({ id: 81 }));
    const form = loadPage('packages/resident/proxy-order/index');
    await flush();
    expect(all(form, '.person').map((p) => p.dom.textContent)).toEqual(['张阿姨 · 观湖花园1栋1单元101']);
    expect(all(form, '.consent').map((c) => c.dom.textContent)).toEqual(['家属确认', '电话确认', '当面确认']);
    await tap(form, '.person', 0);
    await tap(form, '.category', 0);
    await input(form, '.description', '厨房水管一直滴水');
    await tap(form, '.submit');
    await flush();
    await tap(form, '.submit');
    await flush();
    const calls = orders.create.mock.calls.map(([args]) => args);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ forUserId: 7, householdId: 5, consent: { kind: 'family' } });
    expect(calls[1].idempotencyKey).toBe(calls[0].idempotencyKey);
  });

  test('without family in my households the page says so', async () => {
    household.household.mockResolvedValue({ ...HOUSEHOLD, residents: [HOUSEHOLD.residents[0]] });
    const form = loadPage('packages/resident/proxy-order/index');
    await flush();
    expect(listState(form, '.people-state')).toBe('还没有一起绑定住户的家人');
  });
});

describe('转赠积分 and 退券', () => {
  test('points go to a family member once, with one key across retries', async () => {
    timebank.account.mockResolvedValue({ balance: 120 });
    timebank.transfer
      .mockRejectedValueOnce(new ApiError('timeout', '请求超时，请检查网络后重试'))
      .mockResolvedValue({ transfer: { id: 9 }, balance: 100 });
    const gift = loadPage('packages/resident/gift/index');
    await flush();
    expect(text(gift, '.balance')).toBe('我的可用积分：120');
    expect(all(gift, '.member').map((m) => m.dom.textContent)).toEqual(['张阿姨（业主）']);
    await tap(gift, '.member', 0);
    await input(gift, '.amount', '500');
    await tap(gift, '.send');
    expect(text(gift, '.form-error')).toBe('积分不足，当前可用 120');
    await input(gift, '.amount', '20');
    await tap(gift, '.send');
    await flush();
    await tap(gift, '.send');
    await flush();
    const keys = timebank.transfer.mock.calls.map((c) => c[3]);
    expect(timebank.transfer.mock.calls[0].slice(0, 2)).toEqual([7, 20]);
    expect(keys[1]).toBe(keys[0]);
    expect(text(gift, '.balance')).toBe('我的可用积分：100');
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已转赠' }));
  });

  test('an unused voucher is given back and the list reloads', async () => {
    const voucher = {
      id: 3, status: 'issued', code: 'K7Q2MX8P', qr_payload: 'llt-voucher:K7Q2MX8P', price_points: 30,
      item: { title: '洗洁精一瓶' }, expires_at: '2026-12-27T00:00:00+08:00',
    };
    timebank.vouchers
      .mockResolvedValueOnce(page([voucher]))
      .mockResolvedValue(page([{ ...voucher, status: 'cancelled' }]));
    timebank.cancelVoucher.mockResolvedValue({ voucher: { ...voucher, status: 'cancelled' } });
    const list = loadPage('packages/resident/vouchers/index');
    await flush();
    await tap(list, '.voucher', 0);
    await tap(list, '.cancel-voucher');
    await flush();
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('30 积分') }));
    expect(timebank.cancelVoucher).toHaveBeenCalledWith(3);
    expect(list.querySelector('.qr-panel')).toBeFalsy();
    expect(text(list, '.voucher')).toContain('已作废');
  });
});

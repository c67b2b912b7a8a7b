/** Partner, staff, volunteer and merchant screens, and 我的 (role switch, 适老化), with stubbed services. */
const orders = require('../../../miniprogram/services/orders');
const auth = require('../../../miniprogram/services/auth');
const volunteering = require('../../../miniprogram/services/volunteering');
const timebank = require('../../../miniprogram/services/timebank');
const notifications = require('../../../miniprogram/services/notifications');
const catalog = require('../../../miniprogram/services/catalog');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, fire, text, attr, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/services/orders');
jest.mock('../../../miniprogram/services/auth');
jest.mock('../../../miniprogram/services/timebank', () => {
  const real = jest.requireActual('../../../miniprogram/services/timebank');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  mocked.voucherCode = real.voucherCode;
  return mocked;
});
jest.mock('../../../miniprogram/services/notifications');
jest.mock('../../../miniprogram/services/catalog');
jest.mock('../../../miniprogram/services/volunteering', () => {
  const real = jest.requireActual('../../../miniprogram/services/volunteering');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  mocked.codeFromQr = real.codeFromQr;
  return mocked;
});

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const VOLUNTEER = {
  id: 8, nickname: '党员志愿者赵哥', households: [],
  roles: [{ role: 'resident' }, { role: 'party_member', community_id: 1 }, { role: 'volunteer', community_id: 1 }],
};
const REQ = (over) => ({ id: 1, status: 'dispatched', category: { name: '水电维修' }, description: '水龙头漏水', household: { address: '观湖花园****' }, created_at: '2026-11-27T10:00:00+08:00', ...over });

beforeEach(() => {
  resetAll();
});

describe('合伙人任务', () => {
  test('each task offers the step its state allows: accept/decline, claim, start, complete', async () => {
    orders.list.mockResolvedValue(page([REQ({ id: 1 }), REQ({ id: 2, status: 'accepted' }), REQ({ id: 3, status: 'in_service' })]));
    orders.accept.mockResolvedValue({});
    const tasks = loadPage('packages/partner/tasks/index');
    await flush();
    expect(orders.list).toHaveBeenCalledWith({ scope: 'assigned', cursor: undefined, limit: 20 });
    expect(all(tasks, '.accept')).toHaveLength(1);
    expect(all(tasks, '.start')).toHaveLength(1);
    expect(all(tasks, '.complete')).toHaveLength(1);
    await tap(tasks, '.accept');
    expect(orders.accept).toHaveBeenCalledWith(1);
    await tap(tasks, '.tab-pool');
    expect(orders.list).toHaveBeenLastCalledWith({ scope: 'pool', cursor: undefined, limit: 20 });
  });

  test('decline needs a reason; complete needs whole minutes and sends the note', async () => {
    orders.list.mockResolvedValue(page([REQ({ id: 1 }), REQ({ id: 3, status: 'in_service' })]));
    orders.decline.mockResolvedValue({});
    orders.complete.mockResolvedValue({});
    const tasks = loadPage('packages/partner/tasks/index');
    await flush();
    await tap(tasks, '.decline');
    await tap(tasks, '.submit-form');
    expect(text(tasks, '.form-error')).toBe('请填写退回原因');
    await input(tasks, '.form-reason', '师傅今天请假');
    await tap(tasks, '.submit-form');
    expect(orders.decline).toHaveBeenCalledWith(1, '师傅今天请假');

    await tap(tasks, '.complete');
    await input(tasks, '.form-minutes', '1.5');
    await tap(tasks, '.submit-form');
    expect(text(tasks, '.form-error')).toBe('请填写服务时长（1-1440 分钟的整数）');
    await input(tasks, '.form-minutes', '90');
    await input(tasks, '.form-note', '更换了阀芯');
    await tap(tasks, '.submit-form');
    expect(orders.complete).toHaveBeenCalledWith(3, 90, '更换了阀芯', []);
  });

  test('an empty pool and a failed load say so', async () => {
    orders.list.mockResolvedValueOnce(page([]));
    const tasks = loadPage('packages/partner/tasks/index', { tab: 'pool' });
    await flush();
    expect(listState(tasks, '.tasks-state')).toBe('任务池暂无可认领的需求');
    orders.list.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
    await tap(tasks, '.tab-assigned');
    expect(listState(tasks, '.tasks-state')).toContain('加载失败：没有权限执行此操作');
  });
});

describe('社区工作者', () => {
  test('the dispatch queue shows overdue requests first, marked in words', async () => {
    wx.setStorageSync('user', STAFF);
    orders.list.mockResolvedValue(page([
      REQ({ id: 1, status: 'submitted', overdue: false }),
      REQ({ id: 2, status: 'submitted', overdue: true }),
      REQ({ id: 3, status: 'submitted', overdue: false }),
    ]));
    const queue = loadPage('packages/staff/queue/index', { tab: 'submitted' });
    await flush();
    expect(orders.list).toHaveBeenCalledWith({ scope: 'community', community_id: 1, status: 'submitted', cursor: undefined, limit: 20 });
    const cards = all(queue, '.queued');
    expect(cards[0].dom.textContent).toContain('已超时');
    expect(cards.map((c) => c.dom.textContent.includes('已超时'))).toEqual([true, false, false]);
    await tap(queue, '.queued', 0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/staff/dispatch/index?id=2' });
  });

  test('dispatch shows candidates with reasons and dispatches to the chosen one, or pools', async () => {
    orders.get.mockResolvedValue(REQ({ id: 5, status: 'submitted' }));
    orders.events.mockResolvedValue(page([]));
    orders.candidates.mockResolvedValue(page([
      { partner_id: 1, name: '观湖家电维修合作社', score: 0.9, reasons: ['服务该类别', '当前负载 1/3'] },
      { partner_id: 4, name: '隆昌助老服务中心', score: 0.4, reasons: ['评分 4.8'] },
    ]));
    orders.dispatch.mockResolvedValue({});
    orders.releaseToPool.mockResolvedValue({});
    const dispatch = loadPage('packages/staff/dispatch/index', { id: '5' });
    await flush();
    expect(all(dispatch, '.reason').map((r) => r.dom.textContent)).toEqual(['· 服务该类别', '· 当前负载 1/3', '· 评分 4.8']);
    await tap(dispatch, '.dispatch', 1);
    expect(orders.dispatch).toHaveBeenCalledWith(5, 4);
    await tap(dispatch, '.pool');
    expect(orders.releaseToPool).toHaveBeenCalledWith(5);
  });

  test('resolve a dispute: an outcome is required; confirm may set the minutes', async () => {
    orders.get.mockResolvedValue(REQ({ id: 6, status: 'disputed' }));
    orders.events.mockResolvedValue(page([{ id: 1, action: 'dispute', to_status: 'disputed', at: '2026-11-27T11:00:00+08:00', note: '还在漏' }]));
    orders.resolve.mockResolvedValue({});
    const resolve = loadPage('packages/staff/resolve/index', { id: '6' });
    await flush();
    await tap(resolve, '.submit');
    expect(text(resolve, '.form-error')).toBe('请选择处理结果');
    await tap(resolve, '.outcome', 0);
    await input(resolve, '.minutes', '45');
    await tap(resolve, '.submit');
    expect(orders.resolve).toHaveBeenCalledWith(6, 'confirm', 45);
  });

  test("the check-in QR shows the shift's rotating code and fetches the next one", async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      wx.setStorageSync('user', STAFF);
      volunteering.activities.mockResolvedValue(page([{ id: 1, title: '便民服务日', shifts: [{ id: 7, starts_at: '2026-11-27T09:00:00+08:00', ends_at: '2026-11-27T12:00:00+08:00' }] }]));
      volunteering.checkinCode
        .mockResolvedValueOnce({ code: '123456', expires_in: 40, qr: 'llt:checkin:7:123456' })
        .mockResolvedValueOnce({ code: '654321', expires_in: 60, qr: 'llt:checkin:7:654321' });
      const screen = loadPage('packages/staff/checkin-code/index', { shift_id: '7' });
      for (let i = 0; i < 10; i += 1) await Promise.resolve();
      expect(attr(screen, '.checkin-qr', 'value')).toBe('llt:checkin:7:123456');
      expect(text(screen, '.code')).toBe('签到码：123456');
      jest.advanceTimersByTime(38000);
      for (let i = 0; i < 10; i += 1) await Promise.resolve();
      expect(volunteering.checkinCode).toHaveBeenCalledTimes(2);
      expect(text(screen, '.code')).toBe('签到码：654321');
      screen.instance.onUnload();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('志愿者签到', () => {
  const SHIFT = {
    id: 7, activity_id: 3, code_required: true, location: { name: '观湖志愿V站' }, capacity: 10, signed_up: 10,
    starts_at: '2026-11-29T09:00:00+08:00', ends_at: '2026-11-29T12:00:00+08:00', my_status: null,
  };

  beforeEach(() => {
    volunteering.getShift.mockResolvedValue(SHIFT);
    volunteering.getActivity.mockResolvedValue({ id: 3, title: '便民服务日' });
  });

  test('the shift is read from the API, not from what the list left in storage', async () => {
    wx.setStorageSync('currentShift', { id: 7, activityTitle: '旧的活动', code_required: false });
    volunteering.getShift.mockResolvedValue({ ...SHIFT, my_status: 'confirmed' });
    const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
    await flush();
    expect(volunteering.getShift).toHaveBeenCalledWith(7);
    expect(volunteering.getActivity).toHaveBeenCalledWith(3);
    expect(text(shift, '.title')).toBe('便民服务日');
    expect(text(shift, '.checkin')).toBe('扫码签到');
    expect(text(shift, '.signup-status')).toBe('报名状态：已报名');
    expect(shift.dom.textContent).toContain('已满（10/10），可候补');
  });

  test('a shift that cannot be read says so, with a retry', async () => {
    volunteering.getShift.mockRejectedValueOnce(new ApiError('not_found', '班次不存在', 404));
    const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
    await flush();
    expect(listState(shift, '.shift-state')).toContain('班次不存在');
    expect(shift.querySelector('.checkin')).toBeFalsy();
    await fire(shift.querySelector('.shift-state').querySelector('.ls-retry'), 'tap');
    await flush();
    expect(text(shift, '.checkin')).toBe('扫码签到');
  });

  test('a scanned code and the location are sent; an outside-geofence refusal is shown in words', async () => {
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:checkin:7:123456' }));
    volunteering.checkin.mockRejectedValueOnce(new ApiError('outside_geofence', '请到观湖志愿V站现场签到', 422));
    const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
    await flush();
    await tap(shift, '.checkin');
    expect(volunteering.checkin).toHaveBeenCalledWith(7, { lat: 29.3401, lng: 105.2893, code: '123456' }, expect.stringMatching(/^mp-/));
    expect(text(shift, '.refusal')).toBe('请到观湖志愿V站现场签到。请到达服务地点后再签到。');
  });

  test('outside the window, a QR of another shift, and a denied location are refused with reasons', async () => {
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:checkin:7:123456' }));
    volunteering.checkin.mockRejectedValueOnce(new ApiError('outside_shift_window', '不在班次签到时间内（前后宽限30分钟）', 422));
    const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
    await flush();
    await tap(shift, '.checkin');
    expect(text(shift, '.refusal')).toContain('不在班次签到时间内');

    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:checkin:8:123456' }));
    await tap(shift, '.checkin');
    expect(text(shift, '.refusal')).toBe('这不是本班次的签到二维码');

    wx.scanCode.mockImplementation(({ success }) => success({ result: '123456' }));
    wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
    // privacy.locate: a modal whose confirm (a tap) opens the settings; declined, nothing opens
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await tap(shift, '.checkin');
    await flush();
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ confirmText: '去设置' }));
    expect(wx.openSetting).not.toHaveBeenCalled();
    expect(text(shift, '.refusal')).toBe('需要位置权限，请允许后再试一次');
    // accepted: the settings open from the modal's confirm, not after the failure itself
    await tap(shift, '.checkin');
    await flush();
    expect(wx.openSetting).toHaveBeenCalledTimes(1);
    expect(wx.showModal).toHaveBeenCalledTimes(2);
    expect(volunteering.checkin).toHaveBeenCalledTimes(1);
  });

  test('check-in then check-out shows the minutes and the review state', async () => {
    volunteering.getShift.mockResolvedValue({ ...SHIFT, code_required: false });
    volunteering.checkin.mockResolvedValue({ attendance_id: 3, checked_in_at: '2026-11-27T09:01:00+08:00' });
    volunteering.checkout.mockResolvedValue({ attendance_id: 3, minutes: 175, status: 'pending' });
    const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
    await flush();
    await tap(shift, '.checkin');
    expect(wx.scanCode).not.toHaveBeenCalled();
    expect(text(shift, '.attendance-status')).toBe('签到状态：已签到');
    await tap(shift, '.checkout');
    expect(text(shift, '.attendance-status')).toBe('签到状态：待审核，计 175 分钟');
  });

  test('signing up on a full shift says it is waitlisted', async () => {
    volunteering.signup.mockResolvedValue({ id: 1, status: 'waitlisted' });
    const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
    await flush();
    await tap(shift, '.signup');
    expect(text(shift, '.signup-status')).toBe('报名状态：候补中');
  });

  test('party registration needs a unit and a role, then is sent for my community', async () => {
    wx.setStorageSync('user', VOLUNTEER);
    volunteering.myRegistrations.mockResolvedValue(page([]));
    volunteering.register.mockResolvedValue({ id: 1, status: 'pending' });
    const party = loadPage('packages/volunteer/party/index');
    await flush();
    await tap(party, '.submit');
    expect(text(party, '.form-error')).toBe('请填写工作单位，并至少选择一个岗位');
    await input(party, '.unit', '区供电公司');
    await tap(party, '.party-role', 1);
    await tap(party, '.submit');
    expect(volunteering.register).toHaveBeenCalledWith({ communityId: 1, unitName: '区供电公司', roles: ['mediator'] });
  });
});

describe('商家核销', () => {
  test('a scanned voucher is written off; a second write-off shows the refusal', async () => {
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'K7Q2-MX8P' }));
    timebank.writeoff.mockResolvedValueOnce({ voucher: { id: 3, code: 'K7Q2-MX8P', status: 'used', item: { title: '洗洁精一瓶' } } });
    timebank.writeoff.mockRejectedValueOnce(new ApiError('voucher_not_issued', '该券已使用或已失效', 409));
    const screen = loadPage('packages/merchant/writeoff/index');
    await tap(screen, '.scan');
    expect(timebank.writeoff).toHaveBeenCalledWith('K7Q2-MX8P');
    expect(text(screen, '.writeoff-result')).toContain('状态：已核销');
    await tap(screen, '.scan');
    expect(text(screen, '.writeoff-error')).toBe('核销失败：该券已使用或已失效');
  });

  test("the voucher's QR payload and the code typed by hand both write it off", async () => {
    timebank.writeoff.mockResolvedValue({ voucher: { id: 3, code: 'K7Q2MX8PABCD2345', status: 'used', item: { title: '洗洁精一瓶' } } });
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt-voucher:K7Q2MX8PABCD2345' }));
    const screen = loadPage('packages/merchant/writeoff/index');
    await tap(screen, '.scan');
    expect(timebank.writeoff).toHaveBeenLastCalledWith('K7Q2MX8PABCD2345');
    await input(screen, '.code', ' k7q2mx8pabcd2345 ');
    await tap(screen, '.writeoff');
    expect(timebank.writeoff).toHaveBeenCalledTimes(2);
    expect(timebank.voucherCode(timebank.writeoff.mock.calls[1][0])).toBe('K7Q2MX8PABCD2345');
  });
});

describe('我的 and 适老化', () => {
  test('large-type mode is switched in 我的, remembered, and applied on other pages', async () => {
    auth.me.mockResolvedValue(VOLUNTEER);
    const mine = loadPage('pages/mine/index');
    await flush();
    expect(mine.querySelector('.page').dom.className).not.toContain('elder');
    await fire(mine.querySelector('.elder-switch'), 'change', { value: true });
    expect(wx.getStorageSync('elderMode')).toBe(true);
    expect(mine.querySelector('.page').dom.className).toContain('elder');

    notifications.unread.mockResolvedValue(page([]));
    catalog.categories.mockResolvedValue(page([]));
    orders.list.mockResolvedValue(page([]));
    const home = loadPage('pages/home/index');
    await flush();
    expect(home.querySelector('.page').dom.className).toContain('elder');
  });

  test('a user with several roles switches role, and 服务 shows that role\'s workbench', async () => {
    auth.me.mockResolvedValue(VOLUNTEER);
    const mine = loadPage('pages/mine/index');
    await flush();
    expect(all(mine, '.role').map((r) => r.dom.textContent)).toEqual(['居民', '志愿者', '党员']);
    await tap(mine, '.role', 2);
    expect(wx.getStorageSync('activeRole')).toBe('party_member');

    const services = loadPage('pages/services/index');
    await flush();
    expect(all(services, '.entry').map((e) => e.dom.textContent)).toEqual([
      expect.stringContaining('党员双报到'), expect.stringContaining('党员邻居走访'), expect.stringContaining('志愿活动与班次'),
      expect.stringContaining('我的志愿时长'), expect.stringContaining('志愿排行')]);
    orders.list.mockResolvedValue(page([]));
    await tap(services, '.role', 0);
    expect(listState(services, '.list-state')).toBe('还没有需求，点上方按钮点单');
  });

  test('in development the phone is bound with a fake code; the user sees it masked', async () => {
    auth.me.mockResolvedValue({ ...STAFF, phone: null });
    auth.bindPhone.mockResolvedValue({ ...STAFF, phone: '139****0001' });
    const mine = loadPage('pages/mine/index');
    await flush();
    expect(text(mine, '.phone')).toBe('手机号：未绑定');
    await input(mine, '.dev-phone-input', '13900000001');
    await tap(mine, '.dev-phone-btn');
    expect(auth.bindPhone).toHaveBeenCalledWith('test-phone:13900000001');
    expect(text(mine, '.phone')).toBe('手机号：139****0001');
  });
});

describe('志愿活动 and 我的志愿时长', () => {
  const soon = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString();

  test('only shifts still to end are listed, soonest first; a shift opens its page', async () => {
    wx.setStorageSync('user', VOLUNTEER);
    volunteering.activities.mockResolvedValue(page([
      { id: 1, title: '便民服务日', team: { name: '观湖志愿V站' }, shifts: [
        { id: 9, starts_at: soon(26), ends_at: soon(28), capacity: 5, signed_up: 5, points_per_hour: 10, location: { name: '观湖志愿V站' } },
        { id: 7, starts_at: soon(-50), ends_at: soon(-48), capacity: 5, signed_up: 1, points_per_hour: 10, location: { name: '观湖志愿V站' } },
        { id: 8, starts_at: soon(2), ends_at: soon(4), capacity: 5, signed_up: 2, points_per_hour: 10, location: { name: '观湖志愿V站' } },
      ] },
      { id: 2, title: '上周的活动', shifts: [{ id: 3, starts_at: soon(-200), ends_at: soon(-198), capacity: 5, signed_up: 0 }] },
    ]));
    const screen = loadPage('packages/volunteer/activities/index');
    await flush();
    expect(volunteering.activities).toHaveBeenCalledWith({ community_id: 1, upcoming: true, cursor: undefined, limit: 20 });
    expect(all(screen, '.activity')).toHaveLength(1);
    const shifts = all(screen, '.shift');
    expect(shifts).toHaveLength(2);
    expect(shifts[0].dom.textContent).toContain('已报 2/5');
    expect(shifts[1].dom.textContent).toContain('已满（5/5），可候补');
    await tap(screen, '.shift', 0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/volunteer/shift/index?id=8' });
  });

  test('no activity says so', async () => {
    wx.setStorageSync('user', VOLUNTEER);
    volunteering.activities.mockResolvedValue(page([]));
    const screen = loadPage('packages/volunteer/activities/index');
    await flush();
    expect(listState(screen, '.list-state')).toBe('近期没有志愿活动');
  });

  test('my hours: verified, make-up and pending, no-shows, and each attendance in words', async () => {
    volunteering.myRecord.mockResolvedValue({ verified_minutes: 150, manual_minutes: 60, pending_minutes: 30, activities: 3, no_shows: 1, points: 35 });
    volunteering.myAttendances.mockResolvedValue(page([
      { id: 3, activity_title: '便民服务日', status: 'credited', minutes: 120, manual: false, checked_in_at: '2026-11-20T09:00:00+08:00' },
      { id: 2, activity_title: '敬老院探访', status: 'partial', minutes: 30, manual: false, checked_in_at: '2026-11-10T09:00:00+08:00' },
      { id: 1, activity_title: '清洁家园', status: 'pending', minutes: 60, manual: true, checked_in_at: null },
    ]));
    const screen = loadPage('packages/volunteer/hours/index');
    await flush();
    expect(text(screen, '.verified')).toBe('2.5 小时');
    expect(text(screen, '.manual')).toBe('1 小时');
    expect(text(screen, '.pending')).toBe('0.5 小时');
    expect(text(screen, '.no-shows')).toBe('1 次');
    expect(all(screen, '.attendance').map((a) => a.dom.textContent)).toEqual([
      expect.stringContaining('已计入积分'), expect.stringContaining('时长不足待审核'), expect.stringContaining('补录')]);
  });

  test('a record that fails to load can be retried', async () => {
    volunteering.myRecord.mockRejectedValueOnce(new ApiError('server_error', '服务暂时不可用，请稍后再试', 503));
    volunteering.myAttendances.mockResolvedValue(page([]));
    const screen = loadPage('packages/volunteer/hours/index');
    await flush();
    expect(listState(screen, '.record-state')).toContain('服务暂时不可用');
    volunteering.myRecord.mockResolvedValue({ verified_minutes: 60, manual_minutes: 0, pending_minutes: 0, activities: 1, no_shows: 0, points: 10 });
    await tap(screen.querySelector('.record-state'), '.ls-retry');
    expect(text(screen, '.verified')).toBe('1 小时');
    expect(listState(screen, '.list-state')).toBe('还没有签到记录');
  });
});

test('我的 shows a volunteer their hours, one tap from the details', async () => {
  auth.me.mockResolvedValue(VOLUNTEER);
  volunteering.myRecord.mockResolvedValue({ verified_minutes: 150, manual_minutes: 60, pending_minutes: 0, points: 35 });
  const mine = loadPage('pages/mine/index');
  await flush();
  expect(text(mine, '.volunteer-hours')).toContain('3.5 小时 · 35 积分');
  await tap(mine, '.volunteer-hours');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/volunteer/hours/index' });
});


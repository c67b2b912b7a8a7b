/**
 * Staff and partner daily work with stubbed services: the queue in every live state with
 * deadlines, an admin's community pick, staff cancel, the check-in QR kept bright, activities and
 * shifts created (place from wx.chooseLocation, GCJ-02) and closed, buildings placed; a partner's
 * task detail with navigation and call, and past tasks.
 */
const orders = require('../../../miniprogram/services/orders');
const volunteering = require('../../../miniprogram/services/volunteering');
const manage = require('../../../miniprogram/packages/staff/services/manage');
const review = require('../../../miniprogram/packages/staff/services/review');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, fire, text, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/services/orders');
jest.mock('../../../miniprogram/services/volunteering');
jest.mock('../../../miniprogram/packages/staff/services/review');
jest.mock('../../../miniprogram/packages/staff/services/manage', () => {
  const real = jest.requireActual('../../../miniprogram/packages/staff/services/manage');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  mocked.shiftBody = real.shiftBody;
  return mocked;
});

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const ADMIN = { id: 1, nickname: '平台管理员', roles: [{ role: 'resident' }, { role: 'admin' }], households: [] };
const REQ = (over) => ({
  id: 1, status: 'accepted', category: { name: '水电维修' }, description: '水龙头漏水',
  household: { address: '观湖花园1栋1单元101室', lat: 29.3372, lng: 105.2926 },
  resident: { id: 11, nickname: '张阿姨', phone: '13900000001' }, partner: { id: 1, name: '观湖家电维修合作社' },
  created_at: '2026-11-27T10:00:00+08:00', deadline_at: '2026-11-28T10:00:00+08:00', overdue: false, ...over,
});
const hoursFromNow = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString();

beforeEach(() => {
  resetAll();
  orders.events.mockResolvedValue(page([]));
});

describe('派单队列', () => {
  test('every live state has its tab, and each request shows its deadline in words', async () => {
    wx.setStorageSync('user', STAFF);
    orders.list.mockResolvedValue(page([REQ({ status: 'accepted' })]));
    const queue = loadPage('packages/staff/queue/index', { tab: 'accepted' });
    await flush();
    expect(all(queue, '.tab').map((t) => t.dom.textContent)).toEqual(
      ['待派单', '已派单', '任务池', '已接单', '服务中', '待确认', '纠纷', '待居民确认']);
    expect(orders.list).toHaveBeenCalledWith({ scope: 'community', community_id: 1, status: 'accepted', cursor: undefined, limit: 20 });
    expect(text(queue, '.deadline')).toBe('上门时限 11-28 10:00');
    for (const key of ['dispatched', 'pooled', 'in_service', 'completed']) {
      // eslint-disable-next-line no-await-in-loop
      await tap(queue, `.tab-${key}`);
      expect(orders.list).toHaveBeenLastCalledWith(expect.objectContaining({ status: key }));
    }
  });

  test("an admin's queue asks which community first, and remembers it", async () => {
    wx.setStorageSync('user', ADMIN);
    review.communities.mockResolvedValue(page([{ id: 1, name: '观湖社区' }, { id: 2, name: '昌达街社区' }]));
    orders.list.mockResolvedValue(page([]));
    const queue = loadPage('packages/staff/queue/index', { tab: 'submitted' });
    await flush();
    expect(orders.list).not.toHaveBeenCalled();
    await fire(queue.querySelector('.picker-host').querySelector('.community-pick'), 'change', { value: 1 });
    await flush();
    expect(orders.list).toHaveBeenCalledWith(expect.objectContaining({ community_id: 2 }));
    const again = loadPage('packages/staff/queue/index', { tab: 'submitted' });
    await flush();
    expect(again.querySelector('.picker-host')).toBeFalsy();
  });

  test('staff cancel a request with a reason; without one nothing is sent', async () => {
    orders.get.mockResolvedValue(REQ({ id: 5, status: 'in_service' }));
    orders.cancel.mockResolvedValue(REQ({ status: 'cancelled' }));
    const detail = loadPage('packages/staff/dispatch/index', { id: '5' });
    await flush();
    expect(detail.querySelector('.candidate')).toBeFalsy();
    expect(text(detail, '.deadline')).toBe('处理时限 11-28 10:00');
    await tap(detail, '.cancel');
    expect(text(detail, '.cancel-error')).toBe('请填写取消原因（居民会看到）');
    await input(detail, '.cancel-reason', '居民电话告知不需要了');
    await tap(detail, '.cancel');
    await flush();
    expect(orders.cancel).toHaveBeenCalledWith(5, '居民电话告知不需要了');
  });
});

describe('现场签到码', () => {
  test('keeps the screen on and bright while a code shows, and restores it', async () => {
    wx.setStorageSync('user', STAFF);
    volunteering.activities.mockResolvedValue(page([{ id: 1, title: '便民服务日', shifts: [
      { id: 7, starts_at: hoursFromNow(-1), ends_at: hoursFromNow(1) },
      { id: 6, starts_at: hoursFromNow(-30), ends_at: hoursFromNow(-28) },
    ] }]));
    volunteering.checkinCode.mockResolvedValue({ code: '123456', expires_in: 60, qr: 'llt:checkin:7:123456' });
    const screen = loadPage('packages/staff/checkin-code/index', { shift_id: '7' });
    await flush();
    expect(volunteering.activities).toHaveBeenCalledWith({ community_id: 1, upcoming: true, limit: 50 });
    expect(all(screen, '.shift')).toHaveLength(1);
    expect(wx.setKeepScreenOn).toHaveBeenCalledWith({ keepScreenOn: true });
    expect(wx.setScreenBrightness).toHaveBeenCalledWith({ value: 1 });
    screen.instance.onUnload();
    expect(wx.setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
    expect(wx.setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.4 });
  });
});

describe('活动与班次', () => {
  test('a new activity takes its shift place from the map (GCJ-02) and is sent whole', async () => {
    wx.chooseLocation.mockImplementation(({ success }) => success({ name: '观湖志愿V站', address: '古湖街道观湖路1号', latitude: 29.3372, longitude: 105.2926 }));
    manage.createActivity.mockResolvedValue({ id: 3 });
    const form = loadPage('packages/staff/activity-new/index', { community_id: '1' });
    await flush();
    await input(form, '.title-input', '便民服务日');
    await fire(form.querySelector('.date'), 'change', { value: '2030-05-01' });
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('请在地图上选择服务地点');
    await tap(form, '.place');
    expect(text(form, '.place')).toBe('观湖志愿V站');
    await tap(form, '.submit');
    expect(manage.createActivity).toHaveBeenCalledWith({
      communityId: 1, title: '便民服务日', description: '',
      shift: expect.objectContaining({ date: '2030-05-01', start: '09:00', end: '11:00', place: expect.objectContaining({ lat: 29.3372, lng: 105.2926 }) }),
    });
    const body = manage.shiftBody(manage.createActivity.mock.calls[0][0].shift);
    expect(body).toEqual({
      starts_at: '2030-05-01T09:00:00+08:00', ends_at: '2030-05-01T11:00:00+08:00', capacity: 10,
      points_per_hour: 10, location_name: '观湖志愿V站', lat: 29.3372, lng: 105.2926, radius_m: 200, code_required: true,
    });
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('one more shift for an activity; bad values are refused in words', async () => {
    wx.chooseLocation.mockImplementation(({ success }) => success({ name: '', address: '观湖路1号', latitude: 29.3, longitude: 105.2 }));
    manage.addShift.mockRejectedValueOnce(new ApiError('validation_error', '结束时间须晚于开始时间，且班次不超过24小时', 422));
    const form = loadPage('packages/staff/activity-new/index', { community_id: '1', activity_id: '3', title: encodeURIComponent('便民服务日') });
    await flush();
    expect(text(form, '.title')).toContain('便民服务日');
    await fire(form.querySelector('.end'), 'change', { value: '08:00' });
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('结束时间须晚于开始时间');
    await fire(form.querySelector('.end'), 'change', { value: '12:00' });
    await tap(form, '.place');
    await tap(form, '.submit');
    expect(manage.addShift).toHaveBeenCalledWith(3, expect.objectContaining({ place: expect.objectContaining({ name: '观湖路1号' }) }));
    expect(text(form, '.form-error')).toContain('结束时间须晚于开始时间');
  });

  test('an ended shift can be closed; the result is told', async () => {
    wx.setStorageSync('user', STAFF);
    manage.activities.mockResolvedValue(page([{ id: 1, title: '便民服务日', shifts: [
      { id: 7, starts_at: hoursFromNow(-5), ends_at: hoursFromNow(-3), capacity: 5, signed_up: 3, location: { name: 'V站' }, closed: false },
      { id: 8, starts_at: hoursFromNow(2), ends_at: hoursFromNow(4), capacity: 5, signed_up: 1, location: { name: 'V站' }, closed: false },
    ] }]));
    manage.closeShift.mockResolvedValue({ shift_id: 7, no_shows: 1, unfinished: 1, already_closed: false });
    const list = loadPage('packages/staff/activities/index');
    await flush();
    expect(all(list, '.shift-state').map((s) => s.dom.textContent)).toEqual(['已结束，可关闭', '未开始']);
    expect(all(list, '.close-shift')).toHaveLength(1);
    await tap(list, '.close-shift');
    expect(manage.closeShift).toHaveBeenCalledWith(7);
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '缺席 1 人；未签退 1 人，已转入审核。' }));
    await tap(list, '.code', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/staff/checkin-code/index?shift_id=8' });
  });
});

describe('楼栋位置', () => {
  test('staff place a building from the map; the position is saved as picked', async () => {
    wx.setStorageSync('user', STAFF);
    manage.compounds.mockResolvedValue(page([{ id: 2, name: '观湖花园' }]));
    manage.buildings.mockResolvedValue(page([{ id: 4, name: '1栋', lat: null, lng: null }]));
    manage.placeBuilding.mockResolvedValue({ id: 4, name: '1栋', lat: 29.3372, lng: 105.2926 });
    wx.chooseLocation.mockImplementation(({ success }) => success({ name: '1栋', address: '', latitude: 29.3372, longitude: 105.2926 }));
    const screen = loadPage('packages/staff/buildings/index');
    await flush();
    expect(text(screen, '.position')).toBe('未设置位置');
    await tap(screen, '.place');
    expect(manage.placeBuilding).toHaveBeenCalledWith(4, expect.objectContaining({ lat: 29.3372, lng: 105.2926 }));
    expect(text(screen, '.position')).toBe('已设置位置');
  });

  test('backing out of the map changes nothing', async () => {
    wx.setStorageSync('user', STAFF);
    manage.compounds.mockResolvedValue(page([{ id: 2, name: '观湖花园' }]));
    manage.buildings.mockResolvedValue(page([{ id: 4, name: '1栋', lat: null, lng: null }]));
    wx.chooseLocation.mockImplementation(({ fail }) => fail({ errMsg: 'chooseLocation:fail cancel' }));
    const screen = loadPage('packages/staff/buildings/index');
    await flush();
    await tap(screen, '.place');
    expect(manage.placeBuilding).not.toHaveBeenCalled();
  });
});

describe('合伙人任务详情', () => {
  test('while in service: the full address with navigation (GCJ-02) and a call button, and the timeline', async () => {
    orders.get.mockResolvedValue(REQ({ status: 'in_service' }));
    orders.events.mockResolvedValue(page([
      { id: 1, action: 'create', to_status: 'submitted', actor: { id: 11, role: 'resident' }, at: '2026-11-27T10:00:00+08:00' },
      { id: 2, action: 'accept', to_status: 'accepted', actor: { id: 30, role: 'partner' }, at: '2026-11-27T11:00:00+08:00' },
      { id: 3, action: 'start', to_status: 'in_service', actor: { id: 30, role: 'assignee' }, at: '2026-11-27T12:00:00+08:00' },
    ]));
    const task = loadPage('packages/partner/task/index', { id: '1' });
    await flush();
    expect(text(task, '.address')).toBe('观湖花园1栋1单元101室');
    expect(all(task, '.event').map((e) => e.dom.textContent)).toEqual([
      expect.stringContaining('居民'), expect.stringContaining('合伙人'), expect.stringContaining('服务人员')]);
    await tap(task, '.navigate');
    expect(wx.openLocation).toHaveBeenCalledWith(expect.objectContaining({ latitude: 29.3372, longitude: 105.2926 }));
    await tap(task, '.call');
    expect(wx.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '13900000001' });
    expect(task.querySelector('.complete')).toBeTruthy();
  });

  test('before accepting: no address details, no call; accept from the detail', async () => {
    orders.get.mockResolvedValue(REQ({ status: 'dispatched', household: { address: '观湖花园1栋****' }, resident: { id: 11, phone: '139****0001' } }));
    orders.accept.mockResolvedValue({});
    const task = loadPage('packages/partner/task/index', { id: '1' });
    await flush();
    expect(task.querySelector('.call')).toBeFalsy();
    expect(task.querySelector('.navigate')).toBeFalsy();
    await tap(task, '.accept');
    expect(orders.accept).toHaveBeenCalledWith(1);
  });

  test('a building without a position offers the call but no navigation', async () => {
    orders.get.mockResolvedValue(REQ({ status: 'accepted', household: { address: '观湖花园2栋101室', lat: null, lng: null } }));
    const task = loadPage('packages/partner/task/index', { id: '1' });
    await flush();
    expect(task.querySelector('.navigate')).toBeFalsy();
    expect(task.querySelector('.call')).toBeTruthy();
  });

  test('past tasks are the confirmed ones; a task opens its detail', async () => {
    orders.list.mockResolvedValue(page([REQ({ id: 9, status: 'confirmed' })]));
    const tasks = loadPage('packages/partner/tasks/index', { tab: 'history' });
    await flush();
    expect(orders.list).toHaveBeenCalledWith({ scope: 'assigned', status: 'confirmed', cursor: undefined, limit: 20 });
    await tap(tasks, '.task-body');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/partner/task/index?id=9' });
    orders.list.mockResolvedValue(page([]));
    await tap(tasks, '.tab-history');
    expect(listState(tasks, '.tasks-state')).toBe('还没有完成的任务');
  });
});

/**
 * 社情民意 pages with a stubbed feedback service: reporting with photos (chosen with
 * wx.chooseMedia and uploaded through the real upload helper before the report is sent), my
 * reports with their deadline clock, "我也遇到", the report's steps for its author and its
 * handlers, the queue of grid workers and staff (overdue first), and where people find them.
 */
const feedback = require('../../../miniprogram/packages/feedback/services/feedback');
const auth = require('../../../miniprogram/services/auth');
const notifications = require('../../../miniprogram/services/notifications');
const config = require('../../../miniprogram/config');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, fire, text, attr, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/feedback/services/feedback');
jest.mock('../../../miniprogram/services/auth');
jest.mock('../../../miniprogram/services/notifications');

const RESIDENT = {
  id: 4, nickname: '张阿姨', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 1, community_id: 1, status: 'approved', address: '观湖花园1栋1单元101室' }],
};
const GRID = {
  id: 12, nickname: '网格员小陈', households: [],
  roles: [{ role: 'resident' }, { role: 'grid_worker', grid_id: 3, community_id: 1 }],
};
const STAFF = { id: 2, nickname: '观湖社工小李', households: [], roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }] };

const CATEGORIES = page([
  { code: 'sanitation', name: '环境卫生', accept_hours: 24, resolve_days: 7 },
  { code: 'facility', name: '设施维修', accept_hours: 24, resolve_days: 7 },
]);
const BUILDINGS = page([
  { id: 1, name: '1栋', compound_id: 1, compound_name: '观湖花园', grid_id: 3, grid_name: '观湖第一网格' },
  { id: 4, name: '1栋', compound_id: 2, compound_name: '老粮站院落', grid_id: 4, grid_name: '观湖第二网格' },
]);
const REPORT = (over) => ({
  id: 7, community_id: 1, category: { code: 'facility', name: '设施维修' }, text: '2单元楼道灯不亮',
  content_held: false, anonymous: false, author: null, mine: true, reporter_role: 'resident',
  building: { id: 1, name: '1栋', compound: '观湖花园' }, lat: null, lng: null, grid_id: 3,
  responsible: 'grid', status: 'open', created_at: '2026-12-01T09:00:00+08:00',
  deadline_at: '2026-12-02T09:00:00+08:00', overdue: false,
  clock: { step: 'accept', due_at: '2026-12-02T09:00:00+08:00', overdue: false, seconds_left: 5 * 3600 + 120 },
  accepted_at: null, resolution: null, reopen_count: 0, reopen_until: null, transferred_at: null,
  reason: null, rating: null, closed_at: null, merged_into_id: null, supporters: 0,
  supported_by_me: false, photos: [], actions: [], ...over,
});
const EVENTS = page([
  { id: 1, action: 'create', from_status: null, to_status: 'open', actor: { id: 4, role: 'author' }, at: '2026-12-01T09:00:00+08:00', note: null, data: null, photos: [] },
  { id: 2, action: 'accept', from_status: 'open', to_status: 'accepted', actor: { id: 12, role: 'handler' }, at: '2026-12-01T10:00:00+08:00', note: null, data: null, photos: [] },
]);

/** wx.chooseMedia gives these temp files; wx.uploadFile answers 201 with an id per file. */
function stubPhotos(paths, ids) {
  wx.chooseMedia = jest.fn(({ success }) => success({ tempFiles: paths.map((p) => ({ tempFilePath: p })) }));
  wx.uploadFile = jest.fn(({ filePath, success }) => success({
    statusCode: 201, data: JSON.stringify({ id: ids[filePath], content_type: 'image/jpeg' }),
  }));
}

beforeEach(() => {
  resetAll();
  wx.setStorageSync('token', 'tok');
});

describe('反映问题', () => {
  test('checks the form, uploads the photos first, then sends the report once with its key', async () => {
    wx.setStorageSync('user', RESIDENT);
    feedback.categories.mockResolvedValue(CATEGORIES);
    feedback.buildings.mockResolvedValue(BUILDINGS);
    feedback.create.mockResolvedValue(REPORT());
    stubPhotos(['wxfile://a.jpg', 'wxfile://b.jpg'], { 'wxfile://a.jpg': 31, 'wxfile://b.jpg': 32 });
    const report = loadPage('packages/feedback/report/index');
    await flush();
    expect(feedback.buildings).toHaveBeenCalledWith(1);
    expect(all(report, '.building').map((b) => b.dom.textContent)).toEqual(['观湖花园1栋', '老粮站院落1栋']);

    await tap(report, '.submit');
    expect(text(report, '.form-error')).toBe('请选择问题类别');
    await tap(report, '.category', 1);
    await tap(report, '.submit');
    expect(text(report, '.form-error')).toBe('请描述遇到的问题');
    await input(report, '.text', '  2单元楼道灯不亮  ');
    await tap(report, '.submit');
    expect(text(report, '.form-error')).toBe('请选择楼栋或使用当前位置');
    expect(feedback.create).not.toHaveBeenCalled();

    await tap(report, '.building', 0);
    await tap(report, '.add-photo');
    expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 9, mediaType: ['image'] });
    expect(all(report, '.photo')).toHaveLength(2);
    await tap(report, '.remove-photo', 0);
    await fire(report.querySelector('.anonymous'), 'change', { value: true });
    await tap(report, '.submit');

    expect(wx.uploadFile).toHaveBeenCalledTimes(1);
    const upload = wx.uploadFile.mock.calls[0][0];
    expect(upload).toMatchObject({ url: `${config.baseUrl}/api/v1/files`, filePath: 'wxfile://b.jpg', name: 'file' });
    expect(upload.header.Authorization).toBe('Bearer tok');
    const sent = feedback.create.mock.calls[0][0];
    expect(sent).toMatchObject({
      communityId: 1, category: 'facility', text: '2单元楼道灯不亮', buildingId: 1, photoIds: [32], anonymous: true,
    });
    expect(sent.idempotencyKey).toEqual(expect.any(String));
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/packages/feedback/detail/index?id=7' });
  });

  test('a retry after a lost connection keeps the key and does not upload the photo again', async () => {
    wx.setStorageSync('user', RESIDENT);
    feedback.categories.mockResolvedValue(CATEGORIES);
    feedback.buildings.mockResolvedValue(BUILDINGS);
    feedback.create.mockRejectedValueOnce(new ApiError('network_error', '网络连接失败，请检查网络后重试', 0))
      .mockResolvedValueOnce(REPORT());
    stubPhotos(['wxfile://a.jpg'], { 'wxfile://a.jpg': 31 });
    const report = loadPage('packages/feedback/report/index');
    await flush();
    await tap(report, '.category', 0);
    await input(report, '.text', '楼道堆满纸箱');
    wx.getLocation = jest.fn(({ success }) => success({ latitude: 29.3401234, longitude: 105.2893456 }));
    await tap(report, '.locate');
    expect(wx.getLocation.mock.calls[0][0].type).toBe('gcj02');
    await tap(report, '.add-photo');
    await tap(report, '.submit');
    expect(text(report, '.form-error')).toBe('网络连接失败，请检查网络后重试');
    await tap(report, '.submit');
    expect(wx.uploadFile).toHaveBeenCalledTimes(1);
    const [first, second] = feedback.create.mock.calls.map((c) => c[0]);
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
    expect(second).toMatchObject({ lat: 29.340123, lng: 105.289346, buildingId: null, photoIds: [31] });
  });

  test('a refused upload is shown and nothing is sent; no community means no form', async () => {
    wx.setStorageSync('user', RESIDENT);
    feedback.categories.mockResolvedValue(CATEGORIES);
    feedback.buildings.mockResolvedValue(BUILDINGS);
    wx.chooseMedia = jest.fn(({ success }) => success({ tempFiles: [{ tempFilePath: 'wxfile://x.gif' }] }));
    wx.uploadFile = jest.fn(({ success }) => success({
      statusCode: 422,
      data: JSON.stringify({ error: { code: 'unsupported_file', message: '仅支持 JPEG、PNG、WebP 图片或 PDF 文件', details: {} } }),
    }));
    const report = loadPage('packages/feedback/report/index');
    await flush();
    await tap(report, '.category', 0);
    await input(report, '.text', '楼道堆满纸箱');
    await tap(report, '.building', 1);
    await tap(report, '.add-photo');
    await tap(report, '.submit');
    expect(text(report, '.form-error')).toBe('仅支持 JPEG、PNG、WebP 图片或 PDF 文件');
    expect(feedback.create).not.toHaveBeenCalled();

    wx.setStorageSync('user', { ...RESIDENT, households: [] });
    const none = loadPage('packages/feedback/report/index');
    await flush();
    expect(listState(none, '.form-state')).toBe('绑定本社区的住户后才能反映问题');
  });
});

describe('我反映的问题', () => {
  test('each report shows its deadline clock in words; overdue ones say so', async () => {
    feedback.list.mockResolvedValue(page([
      REPORT({ id: 1 }),
      REPORT({ id: 2, status: 'accepted', overdue: true, clock: { step: 'resolve', due_at: '2026-12-01T08:00:00+08:00', overdue: true, seconds_left: -(26 * 3600) } }),
      REPORT({ id: 3, status: 'resolved', clock: { step: 'rate', due_at: '2026-12-08T09:00:00+08:00', overdue: false, seconds_left: 6 * 86400 } }),
      REPORT({ id: 4, status: 'closed', clock: null }),
    ]));
    const mine = loadPage('packages/feedback/mine/index');
    await flush();
    expect(feedback.list).toHaveBeenCalledWith({ scope: 'mine', cursor: undefined, limit: 20 });
    const clocks = all(mine, '.clock').map((c) => c.dom.textContent);
    expect(clocks).toEqual([
      '还剩 5小时受理（12-02 09:00 前）',
      '已超时 1天2小时（应于 12-01 08:00 前办结）',
      '还剩 6天评价（12-08 09:00 前）',
    ]);
    expect(all(mine, '.clock.overdue')).toHaveLength(1);
    expect(all(mine, '.report-card')[3].dom.textContent).toContain('已办结');
    await tap(mine, '.report-card', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/feedback/detail/index?id=2' });
    await tap(mine, '.report');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/feedback/report/index' });
  });

  test('in my community\'s open reports I add "我也遇到" instead of reporting again', async () => {
    wx.setStorageSync('user', RESIDENT);
    feedback.list.mockResolvedValueOnce(page([]))
      .mockResolvedValueOnce(page([REPORT({ id: 9, mine: false }), REPORT({ id: 10, mine: false, supported_by_me: true, supporters: 2 })]));
    feedback.support.mockResolvedValue(REPORT({ id: 9, mine: false, supported_by_me: true, supporters: 1 }));
    const mine = loadPage('packages/feedback/mine/index');
    await flush();
    expect(listState(mine, '.list-state')).toBe('还没有反映过问题');
    await tap(mine, '.tab-open');
    expect(feedback.list).toHaveBeenLastCalledWith({ scope: 'open', community_id: 1, cursor: undefined, limit: 20 });
    expect(all(mine, '.support')).toHaveLength(1);
    await tap(mine, '.support');
    expect(feedback.support).toHaveBeenCalledWith(9);
    expect(all(mine, '.supported')).toHaveLength(2);
    expect(all(mine, '.report-card')[0].dom.textContent).toContain('1人附议');
    expect(wx.navigateTo).not.toHaveBeenCalled();
  });
});

describe('问题详情', () => {
  test('the author sees the resolution with its photos, rates it, or reopens it with a reason', async () => {
    feedback.get.mockResolvedValue(REPORT({
      status: 'resolved', actions: ['rate', 'reopen'], reopen_until: '2026-12-09T10:00:00+08:00',
      photos: [{ id: 31, url: '/api/v1/files/31?exp=1&u=4&sig=x' }],
      resolution: { reply: '已更换灯泡', at: '2026-12-02T10:00:00+08:00', photos: [{ id: 40, url: '/api/v1/files/40?exp=1&u=4&sig=y' }] },
      clock: { step: 'rate', due_at: '2026-12-09T10:00:00+08:00', overdue: false, seconds_left: 7 * 86400 },
    }));
    feedback.events.mockResolvedValue(EVENTS);
    feedback.rate.mockResolvedValue({});
    feedback.reopen.mockResolvedValue({});
    const detail = loadPage('packages/feedback/detail/index', { id: '7' });
    await flush();
    expect(text(detail, '.reply')).toBe('已更换灯泡');
    expect(attr(detail, '.report-photo', 'src')).toBe(`${config.baseUrl}/api/v1/files/31?exp=1&u=4&sig=x`);
    expect(attr(detail, '.resolution-photo', 'src')).toBe(`${config.baseUrl}/api/v1/files/40?exp=1&u=4&sig=y`);
    expect(text(detail, '.reopen-until')).toContain('12-09 10:00');
    expect(all(detail, '.event').map((e) => e.dom.textContent.replace(/\s+/g, ''))).toEqual([
      '12-0109:00·反映问题反映人→待受理', '12-0110:00·受理网格员/社区→办理中']);
    expect(detail.querySelector('.accept')).toBeFalsy();
    expect(detail.querySelector('.resolve-form')).toBeFalsy();

    await tap(detail, '.rate');
    expect(text(detail, '.form-error')).toBe('请先选择 1-5 星');
    await tap(detail, '.star', 3);
    await input(detail, '.comment', ' 很快 ');
    await tap(detail, '.rate');
    expect(feedback.rate).toHaveBeenCalledWith(7, 4, '很快');

    await tap(detail, '.reopen');
    expect(text(detail, '.form-error')).toBe('请说明为什么重新打开');
    await input(detail, '.reason-input', '灯又不亮了');
    await tap(detail, '.reopen');
    expect(feedback.reopen).toHaveBeenCalledWith(7, '灯又不亮了');
  });

  test('a handler accepts, then resolves with photos uploaded first, transfers or closes with a reason', async () => {
    feedback.get.mockResolvedValueOnce(REPORT({ mine: false, actions: ['accept', 'transfer'] }))
      .mockResolvedValue(REPORT({ mine: false, status: 'accepted', actions: ['close_unresolved', 'resolve', 'transfer'] }));
    feedback.events.mockResolvedValue(EVENTS);
    feedback.accept.mockResolvedValue({});
    feedback.resolve.mockResolvedValue({});
    feedback.transfer.mockResolvedValue({});
    feedback.closeUnresolved.mockResolvedValue({});
    stubPhotos(['wxfile://fixed.jpg'], { 'wxfile://fixed.jpg': 55 });
    const detail = loadPage('packages/feedback/detail/index', { id: '7' });
    await flush();
    expect(detail.querySelector('.close-unresolved')).toBeFalsy();
    await tap(detail, '.accept');
    expect(feedback.accept).toHaveBeenCalledWith(7);
    expect(detail.querySelector('.accept')).toBeFalsy();

    await tap(detail, '.resolve');
    expect(text(detail, '.form-error')).toBe('请填写处理结果');
    await input(detail, '.reply-input', '已更换灯泡');
    await tap(detail, '.add-photo');
    await tap(detail, '.resolve');
    expect(wx.uploadFile.mock.calls[0][0].filePath).toBe('wxfile://fixed.jpg');
    expect(feedback.resolve).toHaveBeenCalledWith(7, '已更换灯泡', [55]);

    await tap(detail, '.transfer');
    expect(text(detail, '.form-error')).toBe('请填写转街道的原因');
    await input(detail, '.reason-input', '需要城管执法');
    await tap(detail, '.transfer');
    expect(feedback.transfer).toHaveBeenCalledWith(7, '需要城管执法');
    await input(detail, '.reason-input', '暂无条件解决');
    await tap(detail, '.close-unresolved');
    expect(feedback.closeUnresolved).toHaveBeenCalledWith(7, '暂无条件解决');
  });

  test('a step the state no longer allows is shown and the report reloaded', async () => {
    feedback.get.mockResolvedValue(REPORT({ mine: false, actions: ['accept', 'transfer'] }));
    feedback.events.mockResolvedValue(EVENTS);
    feedback.accept.mockRejectedValue(new ApiError('invalid_transition', '当前状态不允许此操作', 409, { status: 'accepted' }));
    const detail = loadPage('packages/feedback/detail/index', { id: '7' });
    await flush();
    await tap(detail, '.accept');
    expect(text(detail, '.form-error')).toBe('当前状态不允许此操作');
    expect(feedback.get).toHaveBeenCalledTimes(2);
  });

  test('a neighbour adds "我也遇到"; an anonymous report says so and names nobody', async () => {
    feedback.get.mockResolvedValue(REPORT({ mine: false, anonymous: true, supporters: 3 }));
    feedback.events.mockResolvedValue(page([]));
    feedback.support.mockResolvedValue({});
    const detail = loadPage('packages/feedback/detail/index', { id: '7' });
    await flush();
    expect(text(detail, '.place')).toContain('匿名');
    expect(detail.querySelector('.author')).toBeFalsy();
    expect(text(detail, '.supporters')).toBe('3 位居民附议');
    await tap(detail, '.support');
    expect(feedback.support).toHaveBeenCalledWith(7);
  });
});

describe('网格员与社区工作者的办理队列', () => {
  test('a grid worker sees their grid\'s queue, overdue first as sent, and accepts from it', async () => {
    wx.setStorageSync('user', GRID);
    wx.setStorageSync('activeRole', 'grid_worker');
    feedback.list.mockResolvedValue(page([
      REPORT({ id: 1, overdue: true, mine: false, actions: ['accept', 'transfer'], clock: { step: 'accept', due_at: '2026-12-01T08:00:00+08:00', overdue: true, seconds_left: -7200 } }),
      REPORT({ id: 2, mine: false, status: 'accepted', actions: ['resolve', 'transfer'] }),
    ]));
    feedback.accept.mockResolvedValue({});
    const queue = loadPage('packages/feedback/queue/index', { scope: 'grid' });
    await flush();
    expect(feedback.list).toHaveBeenCalledWith({ scope: 'grid', status: '', grid_id: 3, cursor: undefined, limit: 20 });
    const cards = all(queue, '.queued');
    expect(cards.map((c) => c.dom.textContent.includes('已超时'))).toEqual([true, false]);
    expect(all(queue, '.accept')).toHaveLength(1);
    await tap(queue, '.accept');
    expect(feedback.accept).toHaveBeenCalledWith(1);
    expect(wx.navigateTo).not.toHaveBeenCalled();
    await tap(queue, '.queued', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/feedback/detail/index?id=2' });
    await tap(queue, '.tab-open');
    expect(feedback.list).toHaveBeenLastCalledWith({ scope: 'grid', status: 'open', grid_id: 3, cursor: undefined, limit: 20 });
  });

  test('staff get their community\'s queue; an empty or failed one says so', async () => {
    wx.setStorageSync('user', STAFF);
    feedback.list.mockResolvedValueOnce(page([]));
    const queue = loadPage('packages/feedback/queue/index', { scope: 'community' });
    await flush();
    expect(feedback.list).toHaveBeenCalledWith({ scope: 'community', status: '', community_id: 1, cursor: undefined, limit: 20 });
    expect(listState(queue, '.queue-state')).toBe('暂无需要处理的问题');
    expect(all(queue, '.tab').map((t) => t.dom.textContent)).toContain('已转街道');
    feedback.list.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
    await tap(queue, '.tab-open');
    expect(listState(queue, '.queue-state')).toContain('没有权限执行此操作');
  });
});

describe('入口与大字模式', () => {
  test('residents find it in 我的; grid workers and staff on their workbench', async () => {
    auth.me.mockResolvedValue(RESIDENT);
    const mine = loadPage('pages/mine/index');
    await flush();
    await tap(mine, '.feedback');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/feedback/mine/index' });

    wx.setStorageSync('user', GRID);
    wx.setStorageSync('activeRole', 'grid_worker');
    const grid = loadPage('pages/services/index');
    await flush();
    expect(text(grid, '.entry')).toContain('网格社情民意');
    await tap(grid, '.entry');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/feedback/queue/index?scope=grid' });

    wx.setStorageSync('user', STAFF);
    wx.setStorageSync('activeRole', 'staff');
    const staff = loadPage('pages/services/index');
    await flush();
    expect(all(staff, '.entry').map((e) => e.dom.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining('社情民意办理')]));
  });

  test('a 社情民意 message in the inbox opens its report', async () => {
    notifications.list.mockResolvedValue(page([
      { id: 5, kind: 'feedback_resolved', title: '您反映的问题已处理，请评价', body: '设施维修 #7', ref: 'feedback:7', created_at: '2026-12-02T10:00:00+08:00', read_at: null },
    ]));
    notifications.markRead.mockResolvedValue({ marked: 1, unread: 0 });
    const inbox = loadPage('packages/resident/notifications/index');
    await flush();
    await tap(inbox, '.note');
    expect(notifications.markRead).toHaveBeenCalledWith(5);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/feedback/detail/index?id=7' });
  });

  test('every 社情民意 page is in large type when it is on', async () => {
    wx.setStorageSync('elderMode', true);
    wx.setStorageSync('user', RESIDENT);
    feedback.categories.mockResolvedValue(CATEGORIES);
    feedback.buildings.mockResolvedValue(BUILDINGS);
    feedback.list.mockResolvedValue(page([REPORT()]));
    feedback.get.mockResolvedValue(REPORT());
    feedback.events.mockResolvedValue(EVENTS);
    for (const [path, query] of [['packages/feedback/report/index', {}], ['packages/feedback/mine/index', {}],
      ['packages/feedback/detail/index', { id: '7' }], ['packages/feedback/queue/index', { scope: 'community' }]]) {
      const loaded = loadPage(path, query);
      // eslint-disable-next-line no-await-in-loop
      await flush();
      expect(loaded.querySelector('.page').dom.className).toContain('elder');
    }
  });
});

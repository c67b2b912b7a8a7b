/** 审核 inbox (staff): counts per kind and each kind's decisions, with stubbed services. */
const approvals = require('../../../miniprogram/services/approvals');
const review = require('../../../miniprogram/packages/staff/services/review');
const auth = require('../../../miniprogram/services/auth');
const orders = require('../../../miniprogram/services/orders');
const { resetAll, loadPage, flush, text, all, tap, input, fire, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/services/approvals');
jest.mock('../../../miniprogram/packages/staff/services/review');
jest.mock('../../../miniprogram/services/auth');
jest.mock('../../../miniprogram/services/orders');

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const ADMIN = { id: 1, nickname: '平台管理员', roles: [{ role: 'resident' }, { role: 'admin' }], households: [] };
const COUNTS = { community_id: 1, bindings: 2, content: 1, party: 1, attendances: 3, manual: 1, total: 8 };

const BINDING = { id: 5, user_nickname: '新住户小周', user_phone: '139****0009', address: '观湖花园1栋****', relation: 'tenant', status: 'pending', requested_at: '2026-11-27T10:00:00+08:00' };
const HELD = { id: 42, status: 'submitted', category: { name: '水电维修' }, description: '帮忙修门锁', resident: { nickname: '张阿姨' }, created_at: '2026-11-27T10:00:00+08:00' };
const REG = { id: 7, user: { nickname: '党员老刘' }, unit_name: '区供电公司', roles: ['mediator', 'volunteer'], created_at: '2026-11-27T10:00:00+08:00' };
const ATT = (over) => ({ id: 31, user: { nickname: '赵哥' }, activity_title: '便民服务日', status: 'pending', minutes: 120, manual: false, reason: '', ...over });

async function open(user = STAFF, query = {}) {
  wx.setStorageSync('user', user);
  approvals.counts.mockResolvedValue(COUNTS);
  const screen = loadPage('packages/staff/approvals/index', query);
  await flush();
  return screen;
}

beforeEach(() => {
  resetAll();
  review.bindings.mockResolvedValue(page([BINDING]));
  review.held.mockResolvedValue(page([HELD]));
  review.registrations.mockResolvedValue(page([REG]));
  review.attendances.mockResolvedValue(page([ATT()]));
  ['approveBinding', 'rejectBinding', 'publish', 'cancelRequest', 'approveRegistration', 'rejectRegistration',
    'approveAttendance', 'rejectAttendance'].forEach((k) => review[k].mockResolvedValue({}));
});

test('one inbox with a count per kind, for my community', async () => {
  const screen = await open();
  expect(approvals.counts).toHaveBeenCalledWith(1);
  expect(all(screen, '.approval-tab').map((t) => t.dom.textContent)).toEqual([
    '住户绑定（2）', '内容审核（1）', '双报到（1）', '志愿签到（3）', '补录（1）']);
  expect(review.bindings).toHaveBeenCalledWith({ community_id: 1, cursor: undefined, limit: 20 });
  expect(text(screen, '.approval')).toContain('新住户小周');
  expect(text(screen, '.approval')).toContain('租户');
});

test('a binding is approved, or rejected only with a reason', async () => {
  const screen = await open();
  await tap(screen, '.approve');
  expect(review.approveBinding).toHaveBeenCalledWith(5);
  await tap(screen, '.reject');
  await tap(screen, '.submit-form');
  expect(text(screen, '.form-error')).toContain('请填写原因');
  expect(review.rejectBinding).not.toHaveBeenCalled();
  await input(screen, '.form-reason', '房号与登记不符，请核对');
  await tap(screen, '.submit-form');
  expect(review.rejectBinding).toHaveBeenCalledWith(5, '房号与登记不符，请核对');
  expect(approvals.counts.mock.calls.length).toBeGreaterThanOrEqual(3);
});

test('held text is published, or its request cancelled with a reason', async () => {
  const screen = await open(STAFF, { tab: 'content' });
  expect(review.held).toHaveBeenCalledWith({ community_id: 1, cursor: undefined, limit: 20 });
  expect(text(screen, '.held-text')).toBe('帮忙修门锁');
  await tap(screen, '.approve');
  expect(review.publish).toHaveBeenCalledWith(42);
  await tap(screen, '.reject');
  await input(screen, '.form-reason', '内容不当');
  await tap(screen, '.submit-form');
  expect(review.cancelRequest).toHaveBeenCalledWith(42, '内容不当');
});

test('a party registration is approved into a grid and teams', async () => {
  review.grids.mockResolvedValue(page([{ id: 3, name: '观湖第一网格' }, { id: 4, name: '观湖第二网格' }]));
  review.teams.mockResolvedValue(page([{ id: 8, name: '党员先锋队' }, { id: 9, name: '跑腿队' }]));
  const screen = await open(STAFF, { tab: 'party' });
  expect(text(screen, '.approval')).toContain('岗位：矛盾纠纷调解员、志愿者');
  await tap(screen, '.approve-party');
  await flush();
  await tap(screen, '.submit-form');
  expect(text(screen, '.form-error')).toBe('请选择所在网格');
  await fire(screen.querySelector('.form-grid'), 'change', { value: 1 });
  await tap(screen, '.form-team', 0);
  await tap(screen, '.submit-form');
  expect(review.approveRegistration).toHaveBeenCalledWith(7, { gridId: 4, teamIds: [8] });
});

test('an attendance is approved, approved for fewer minutes, or rejected', async () => {
  const screen = await open(STAFF, { tab: 'attendances' });
  expect(review.attendances).toHaveBeenCalledWith({ community_id: 1, manual: false, status: 'pending', cursor: undefined, limit: 20 });
  await tap(screen, '.approve');
  expect(review.approveAttendance).toHaveBeenLastCalledWith(31);

  await tap(screen, '.partial');
  await input(screen, '.form-minutes', '150');
  await tap(screen, '.submit-form');
  expect(text(screen, '.form-error')).toBe('请填写认定的分钟数（0-119 的整数）');
  await input(screen, '.form-minutes', '90');
  await tap(screen, '.submit-form');
  expect(review.approveAttendance).toHaveBeenLastCalledWith(31, 90);

  await tap(screen, '.reject');
  await input(screen, '.form-reason', '未在现场');
  await tap(screen, '.submit-form');
  expect(review.rejectAttendance).toHaveBeenCalledWith(31, '未在现场');

  await tap(screen, '.filter-partial');
  expect(review.attendances).toHaveBeenLastCalledWith({ community_id: 1, manual: false, status: 'partial', cursor: undefined, limit: 20 });
});

test('补录 shows its reason', async () => {
  review.attendances.mockResolvedValue(page([ATT({ id: 40, manual: true, reason: '手机没电，现场登记' })]));
  const screen = await open(STAFF, { tab: 'manual' });
  expect(review.attendances).toHaveBeenCalledWith({ community_id: 1, manual: true, status: 'pending', cursor: undefined, limit: 20 });
  expect(text(screen, '.manual-reason')).toBe('补录原因：手机没电，现场登记');
});

test('an empty kind says so; a refusal keeps the form with its message', async () => {
  review.bindings.mockResolvedValue(page([]));
  const screen = await open();
  expect(listState(screen, '.list-state')).toBe('这里没有待审核的事项');
  review.held.mockResolvedValue(page([HELD]));
  await tap(screen, '.tab-content');
  review.cancelRequest.mockRejectedValue(Object.assign(new Error('当前状态不允许此操作'), { code: 'invalid_transition', status: 409 }));
  await tap(screen, '.reject');
  await input(screen, '.form-reason', '内容不当');
  await tap(screen, '.submit-form');
  expect(text(screen, '.form-error')).toBe('当前状态不允许此操作');
});

test('an admin picks the community first', async () => {
  review.communities.mockResolvedValue(page([{ id: 1, name: '观湖社区' }, { id: 2, name: '昌达街社区' }]));
  const screen = await open(ADMIN);
  expect(approvals.counts).not.toHaveBeenCalled();
  const picker = screen.querySelector('.picker-host');
  await fire(picker.querySelector('.community-pick'), 'change', { value: 1 });
  await flush();
  expect(approvals.counts).toHaveBeenCalledWith(2);
  expect(review.bindings).toHaveBeenCalledWith({ community_id: 2, cursor: undefined, limit: 20 });
  expect(wx.getStorageSync('workCommunity')).toBe(2);
});

test('the staff workbench says how much waits', async () => {
  auth.me.mockResolvedValue(STAFF);
  wx.setStorageSync('user', STAFF);
  wx.setStorageSync('activeRole', 'staff');
  approvals.counts.mockResolvedValue(COUNTS);
  orders.list.mockResolvedValue(page([]));
  const services = loadPage('pages/services/index');
  await flush();
  expect(all(services, '.entry')[0].dom.textContent).toContain('审核');
  expect(all(services, '.entry')[0].dom.textContent).toContain('8 件待审核');
  await tap(services, '.entry', 0);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/staff/approvals/index' });
});

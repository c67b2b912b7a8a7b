/**
 * 银发人才库 (staff subpackage): staff search their community's pool by field, expertise, age
 * and name; the organisation department searches every community without picking one; phones
 * stay as the API masked them; empty and error states; pull to refresh and paging.
 */
const talents = require('../../../miniprogram/packages/staff/services/talents');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, text, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/staff/services/talents', () => {
  const real = jest.requireActual('../../../miniprogram/packages/staff/services/talents');
  return { query: real.query, search: jest.fn() };
});

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const ORG_DEPT = { id: 9, nickname: '组织部小周', roles: [{ role: 'resident' }, { role: 'org_dept' }], households: [] };
const TALENT = (over) => ({
  id: 1, community_id: 1, name: '王建华', phone: '136****1001', age: 66, birth_year: 1960,
  former_field: '教育', former_unit: '古湖中学', expertise: ['宣讲', '青少年辅导'],
  willing: ['担任小区党组织书记'], party_member: true, health_note: '身体健康',
  availability_note: '', ...over,
});

beforeEach(() => {
  resetAll();
});

test('staff see their community pool, masked phones and what each can do', async () => {
  wx.setStorageSync('user', STAFF);
  talents.search.mockResolvedValue(page([TALENT(), TALENT({ id: 2, name: '李淑芬', phone: '136****1002', expertise: [] })]));
  const screen = loadPage('packages/staff/talents/index');
  await flush();
  expect(talents.search).toHaveBeenCalledWith(expect.objectContaining({ communityId: 1 }), expect.anything());
  expect(all(screen, '.talent')).toHaveLength(2);
  expect(text(screen, '.name')).toBe('王建华');
  expect(text(screen, '.phone')).toBe('136****1001');
  expect(text(screen, '.summary')).toBe('66岁 · 教育 · 古湖中学');
  expect(text(screen, '.expertise')).toBe('专长：宣讲、青少年辅导');
  expect(text(screen, '.willing')).toBe('意愿：担任小区党组织书记');
  expect(all(screen, '.expertise')).toHaveLength(1); // none shown for an empty list
});

test('filters by field, expertise, name and age go to the API as its query', async () => {
  wx.setStorageSync('user', STAFF);
  talents.search.mockResolvedValue(page([TALENT()]));
  const screen = loadPage('packages/staff/talents/index');
  await flush();
  await input(screen, '.field-input', ' 教育 ');
  await input(screen, '.expertise-input', '宣讲');
  await input(screen, '.name-input', '王');
  await tap(screen, '.search');
  expect(talents.search).toHaveBeenLastCalledWith(
    { communityId: 1, field: '教育', expertise: '宣讲', ageMax: 0, q: '王' }, expect.anything());
  await tap(screen, '.age', 2);
  expect(talents.search.mock.calls.at(-1)[0].ageMax).toBe(70);
  expect(text(screen, '.age.on')).toContain('70岁及以下');
  expect(talents.query({ communityId: 1, field: '教育', ageMax: 70 }, { limit: 20 }))
    .toEqual({ community_id: 1, field: '教育', age_max: 70, limit: 20 });
  expect(talents.query({ communityId: null, field: '', ageMax: 0 }, {})).toEqual({});
});

test('the organisation department searches every community without picking one', async () => {
  wx.setStorageSync('user', ORG_DEPT);
  talents.search.mockResolvedValue(page([TALENT({ community_id: 2 })]));
  const screen = loadPage('packages/staff/talents/index');
  await flush();
  expect(screen.querySelector('.picker-host')).toBeFalsy();
  expect(talents.search).toHaveBeenCalledWith(expect.objectContaining({ communityId: null }), expect.anything());
  expect(all(screen, '.talent')).toHaveLength(1);
});

test('empty, error and more pages; pull to refresh reloads', async () => {
  wx.setStorageSync('user', STAFF);
  talents.search.mockResolvedValueOnce(page([]));
  const screen = loadPage('packages/staff/talents/index');
  await flush();
  expect(listState(screen, '.list-state')).toContain('没有符合条件的人才');
  talents.search.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
  await tap(screen, '.search');
  expect(listState(screen, '.list-state')).toContain('没有权限执行此操作');
  talents.search.mockResolvedValueOnce(page([TALENT()], 'next'));
  screen.instance.onPullDownRefresh();
  await flush();
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  talents.search.mockResolvedValueOnce(page([TALENT({ id: 5, name: '赵国强' })]));
  screen.instance.onReachBottom();
  await flush();
  expect(all(screen, '.name').map((n) => n.dom.textContent)).toEqual(['王建华', '赵国强']);
  expect(talents.search.mock.calls.at(-1)[1]).toEqual(expect.objectContaining({ cursor: 'next' }));
});

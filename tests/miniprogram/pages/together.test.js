/** Volunteers together: leaderboards, teams, 党员邻居 visits, and 双报到 open to any resident. */
const together = require('../../../miniprogram/packages/volunteer/services/together');
const volunteering = require('../../../miniprogram/services/volunteering');
const auth = require('../../../miniprogram/services/auth');
const { resetAll, loadPage, flush, fire, text, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/volunteer/services/together');
jest.mock('../../../miniprogram/services/volunteering');
jest.mock('../../../miniprogram/services/auth');

const VOLUNTEER = {
  id: 8, nickname: '党员志愿者赵哥', households: [],
  roles: [{ role: 'resident' }, { role: 'party_member', community_id: 1 }, { role: 'volunteer', community_id: 1 }],
};
const RESIDENT = {
  id: 11, nickname: '张阿姨', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 5, community_id: 1, address: '观湖花园1栋1单元101', relation: 'owner', status: 'approved' }],
};

beforeEach(() => {
  resetAll();
});

test('the community board, by month or year, marks my own row', async () => {
  wx.setStorageSync('user', VOLUNTEER);
  together.communityBoard.mockResolvedValue({ period: 'month', items: [
    { rank: 1, user_id: 9, nickname: '李姐', minutes: 600, hours: 10 },
    { rank: 2, user_id: 8, nickname: '党员志愿者赵哥', minutes: 300, hours: 5 },
  ] });
  const board = loadPage('packages/volunteer/leaderboard/index');
  await flush();
  expect(together.communityBoard).toHaveBeenCalledWith(1, 'month');
  expect(all(board, '.board-row').map((r) => r.dom.textContent.replace(/\s+/g, ''))).toEqual([
    '第1名李姐10小时', '第2名党员志愿者赵哥（我）5小时']);
  await tap(board, '.period-year');
  expect(together.communityBoard).toHaveBeenLastCalledWith(1, 'year');
});

test("a team's board, and an empty one says so", async () => {
  wx.setStorageSync('user', VOLUNTEER);
  together.teamBoard.mockResolvedValue({ period: 'month', items: [] });
  const board = loadPage('packages/volunteer/leaderboard/index', { team_id: '4', name: encodeURIComponent('党员先锋队') });
  await flush();
  expect(together.teamBoard).toHaveBeenCalledWith(4, 'month');
  expect(text(board, '.section-title')).toBe('党员先锋队 排行');
  expect(listState(board, '.list-state')).toBe('还没有核验的志愿时长');
});

test('teams show their kind in words, their members, and lead to their board', async () => {
  wx.setStorageSync('user', VOLUNTEER);
  together.teams.mockResolvedValue(page([{ id: 4, name: '观湖党员先锋队', kind: 'party_vanguard', leader: { nickname: '老刘' }, station: null }]));
  together.members.mockResolvedValue(page([{ id: 1, user: { nickname: '老刘' } }, { id: 2, user: { nickname: '赵哥' } }]));
  const teams = loadPage('packages/volunteer/teams/index');
  await flush();
  expect(together.teams).toHaveBeenCalledWith(1, { cursor: undefined, limit: 20 });
  expect(text(teams, '.team-head')).toContain('党员先锋队');
  await tap(teams, '.team-head');
  expect(text(teams, '.members')).toContain('成员（2）');
  await tap(teams, '.board');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/packages/volunteer/leaderboard/index?team_id=4&name=${encodeURIComponent('观湖党员先锋队')}` });
});

test('党员邻居: my households with their full address and visits; a visit is recorded', async () => {
  together.pairings.mockResolvedValue(page([
    { id: 3, address: '观湖花园2栋****', reason: '独居老人', ended_at: null },
    { id: 2, address: '观湖花园3栋****', reason: '', ended_at: '2026-01-01T00:00:00+08:00' },
  ]));
  together.pairing.mockResolvedValue({ id: 3, address: '观湖花园2栋1单元201室' });
  together.visits.mockResolvedValue(page([{ id: 1, visited_at: '2026-11-20T10:00:00+08:00', minutes: 40, note: '陪同买菜' }]));
  together.logVisit.mockResolvedValue({ id: 2 });
  const visits = loadPage('packages/volunteer/visits/index');
  await flush();
  expect(all(visits, '.pairing')).toHaveLength(1);
  expect(text(visits, '.pairing .title')).toBe('观湖花园2栋1单元201室');
  expect(text(visits, '.visit')).toContain('陪同买菜');
  await tap(visits, '.log-visit');
  await tap(visits, '.submit');
  expect(text(visits, '.form-error')).toBe('请简单记下走访情况');
  await input(visits, '.visit-note', '帮忙换了灯泡');
  await fire(visits.querySelector('.visit-date'), 'change', { value: '2026-11-25' });
  await tap(visits, '.submit');
  expect(together.logVisit).toHaveBeenCalledWith(3, { visitedAt: '2026-11-25T10:00:00+08:00', minutes: 30, note: '帮忙换了灯泡' });
});

test('a plain resident reaches 双报到 from 我的 and reports to the community of their home', async () => {
  auth.me.mockResolvedValue(RESIDENT);
  const mine = loadPage('pages/mine/index');
  await flush();
  await tap(mine, '.party-entry');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/volunteer/party/index' });

  wx.setStorageSync('user', RESIDENT);
  volunteering.myRegistrations.mockResolvedValue(page([]));
  volunteering.register.mockResolvedValue({ id: 1, status: 'pending' });
  const party = loadPage('packages/volunteer/party/index');
  await flush();
  await input(party, '.unit', '区供电公司');
  await tap(party, '.party-role', 0);
  await tap(party, '.submit');
  expect(volunteering.register).toHaveBeenCalledWith({ communityId: 1, unitName: '区供电公司', roles: ['info_officer'] });
});

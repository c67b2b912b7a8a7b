/** The mediator's cases and sessions, and a resident's evaluation scoring page, with stubbed services. */
const mediation = require('../../../miniprogram/packages/volunteer/services/mediation');
const evaluations = require('../../../miniprogram/packages/resident/services/evaluations');
const auth = require('../../../miniprogram/services/auth');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, text, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/volunteer/services/mediation');
jest.mock('../../../miniprogram/packages/resident/services/evaluations');
jest.mock('../../../miniprogram/services/auth');

const MEDIATOR = {
  id: 11, nickname: '调解员老周', households: [],
  roles: [{ role: 'resident' }, { role: 'party_member', community_id: 1 }, { role: 'mediator', community_id: 1 }],
};
const RESIDENT = {
  id: 4, nickname: '张阿姨', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 1, community_id: 1, status: 'approved', address: '观湖花园1栋1单元101室' }],
};
const PARTIES = [
  { id: 3, name: '张阿姨', phone: '13900000001', household_id: 1, address: '观湖花园1栋1单元101室' },
  { id: 4, name: '刘建国', phone: '13911112222', household_id: 3, address: '观湖花园1栋1单元201室' },
];
const CASE = (over) => ({
  id: 2, community_id: 1, kind: 'neighbour', summary: '楼上空调外机夜间噪音大', status: 'open', outcome: null,
  address: '观湖花园1栋1单元101室', parties: PARTIES, mediator_ids: [11], masked: false,
  opened_at: '2026-11-30T08:00:00+08:00', closed_at: null, overdue: false, duties: [], follow_up: null,
  sessions: [], teams: [], related: [], ...over,
});

beforeEach(() => {
  resetAll();
});

describe('调解员', () => {
  test('my cases: overdue ones come first as the API sends them, flagged 超期; tap opens the case', async () => {
    mediation.list.mockResolvedValue(page([
      CASE({ id: 1, overdue: true }), CASE({ id: 2 }), CASE({ id: 3, status: 'closed', outcome: 'agreed' }),
    ]));
    const list = loadPage('packages/volunteer/mediations/index');
    await flush();
    expect(mediation.list).toHaveBeenCalledWith({ scope: 'mine', cursor: undefined, limit: 20 });
    const cards = all(list, '.case');
    expect(cards.map((c) => c.dom.textContent.includes('超期'))).toEqual([true, false, false]);
    expect(cards[2].dom.textContent).toContain('达成协议');
    expect(cards[0].dom.textContent).toContain('张阿姨、刘建国');
    await tap(list, '.case', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/volunteer/mediation/index?id=2' });
  });

  test('no cases, or a failed load, say so', async () => {
    mediation.list.mockResolvedValueOnce(page([]));
    const list = loadPage('packages/volunteer/mediations/index');
    await flush();
    expect(listState(list, '.list-state')).toBe('暂无您参与调解的案件');
    mediation.list.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
    await list.instance.pager.reload();
    await flush();
    expect(listState(list, '.list-state')).toContain('没有权限执行此操作');
  });

  test('a case shows parties, earlier related cases and sessions; a session is recorded by me', async () => {
    wx.setStorageSync('user', MEDIATOR);
    mediation.get.mockResolvedValue(CASE({
      related: [{ id: 1, kind: 'neighbour', status: 'closed', outcome: 'agreed', opened_at: '2025-11-30T08:00:00+08:00', closed_at: null, match: ['address', 'households'] }],
      sessions: [{ id: 5, case_id: 2, at: '2026-12-01T10:00:00+08:00', notes: '双方到场', mediators: [{ id: 11, nickname: '调解员老周' }], recorded_by_id: 11 }],
    }));
    mediation.addSession.mockResolvedValue({ id: 6 });
    const detail = loadPage('packages/volunteer/mediation/index', { id: '2' });
    await flush();
    expect(mediation.get).toHaveBeenCalledWith(2);
    expect(all(detail, '.party-phone').map((p) => p.dom.textContent)).toEqual(['13900000001', '13911112222']);
    expect(text(detail, '.related')).toContain('同一地址、同样的住户');
    expect(text(detail, '.session')).toContain('12-01 10:00 · 调解员老周');
    await tap(detail, '.add-session');
    expect(text(detail, '.form-error')).toBe('请填写本次调解的情况');
    expect(mediation.addSession).not.toHaveBeenCalled();
    await input(detail, '.notes', '同意加装减震垫');
    await tap(detail, '.add-session');
    const [id, body] = mediation.addSession.mock.calls[0];
    expect(id).toBe(2);
    expect(body.notes).toBe('同意加装减震垫');
    expect(body.mediatorIds).toEqual([11]);
    expect(body.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+08:00$/);
    expect(mediation.get).toHaveBeenCalledTimes(2);
  });

  test('a masked case says so and offers no session form; a closed case neither', async () => {
    mediation.get.mockResolvedValueOnce(CASE({
      masked: true, parties: [{ id: 3, name: '张**', phone: '139****0001', household_id: 1, address: '观湖花园1栋****' }],
    }));
    const detail = loadPage('packages/volunteer/mediation/index', { id: '2' });
    await flush();
    expect(text(detail, '.party-name')).toBe('张**');
    expect(text(detail, '.masked-note')).toContain('当事人信息已隐去');
    expect(detail.querySelector('.session-form')).toBeFalsy();
    mediation.get.mockResolvedValueOnce(CASE({ status: 'closed', outcome: 'referred' }));
    const closed = loadPage('packages/volunteer/mediation/index', { id: '2' });
    await flush();
    expect(text(closed, '.status')).toBe('已移交');
    expect(closed.querySelector('.session-form')).toBeFalsy();
    mediation.get.mockResolvedValueOnce(CASE());
    const open = loadPage('packages/volunteer/mediation/index', { id: '2' });
    await flush();
    expect(open.querySelector('.session-form')).toBeTruthy();
  });

  test('the workbench of a mediator links to the cases', async () => {
    wx.setStorageSync('user', MEDIATOR);
    wx.setStorageSync('activeRole', 'mediator');
    auth.me.mockResolvedValue(MEDIATOR);
    const services = loadPage('pages/services/index');
    await flush();
    expect(text(services, '.entry')).toContain('我的调解案件');
  });
});

describe('社区评议', () => {
  const CAMPAIGN = (over) => ({
    id: 1, community_id: 1, title: '2026年12月党员和红色合伙人评议', status: 'open', can_score: true,
    opens_at: '2026-12-01T08:00:00+08:00', closes_at: '2026-12-16T08:00:00+08:00',
    targets: [
      { id: 1, kind: 'party_member', ref_id: 10, name: '党员志愿者赵哥' },
      { id: 2, kind: 'party_member', ref_id: 4, name: '张阿姨' },
      { id: 3, kind: 'partner', ref_id: 1, name: '观湖家电维修合作社' },
    ],
    my_scores: [{ target_id: 3, score: 4, comment: '修得好', updated_at: '2026-12-02T08:00:00+08:00' }],
    ...over,
  });

  test('scores a target 1–5 with a comment; my earlier score shows and can be changed; never myself', async () => {
    wx.setStorageSync('user', RESIDENT);
    evaluations.list.mockResolvedValue(page([CAMPAIGN()]));
    evaluations.get.mockResolvedValue(CAMPAIGN());
    evaluations.score.mockResolvedValue({ id: 9 });
    const scoring = loadPage('packages/resident/evaluation/index');
    await flush();
    expect(evaluations.list).toHaveBeenCalledWith(1, { limit: 20 });
    expect(evaluations.get).toHaveBeenCalledWith(1);
    const targets = all(scoring, '.target');
    expect(targets[1].dom.textContent).toContain('不能为自己评分');
    expect(targets[2].dom.textContent).toContain('修改评分');
    expect(all(scoring, '.submit-score')).toHaveLength(2);

    await tap(scoring, '.submit-score', 0);
    expect(evaluations.score).not.toHaveBeenCalled();
    expect(wx.showToast).toHaveBeenCalledWith({ title: '请先选择 1-5 分', icon: 'none' });
    await tap(scoring, '.star', 4);
    await input(scoring, '.comment', '  走访很勤  ');
    await tap(scoring, '.submit-score', 0);
    expect(evaluations.score).toHaveBeenCalledWith(1, { targetId: 1, score: 5, comment: '走访很勤' });
    expect(text(scoring, '.submit-score')).toBe('修改评分');
  });

  test('a refusal from the API is shown, and outside the window there is nothing to send', async () => {
    wx.setStorageSync('user', RESIDENT);
    evaluations.list.mockResolvedValue(page([CAMPAIGN()]));
    evaluations.get.mockResolvedValueOnce(CAMPAIGN());
    evaluations.score.mockRejectedValueOnce(new ApiError('evaluation_not_open', '不在评议时间内', 409));
    const scoring = loadPage('packages/resident/evaluation/index');
    await flush();
    await tap(scoring, '.star', 2);
    await tap(scoring, '.submit-score', 0);
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '不在评议时间内' }));

    evaluations.get.mockResolvedValueOnce(CAMPAIGN({ status: 'closed', can_score: false }));
    const closed = loadPage('packages/resident/evaluation/index');
    await flush();
    expect(all(closed, '.submit-score')).toHaveLength(0);
    expect(all(closed, '.score-shown').map((n) => n.dom.textContent)).toEqual(['不在评议时间内', '我的评分：4 分']);
  });

  test('a party organisation I hold a seat of is not offered to me; the others are', async () => {
    wx.setStorageSync('user', RESIDENT);
    const orgs = CAMPAIGN({
      my_scores: [],
      targets: [
        { id: 1, kind: 'party_member', ref_id: 10, name: '党员志愿者赵哥', own: false },
        { id: 4, kind: 'compound_party_org', ref_id: 1, name: '观湖花园党支部', own: true },
        { id: 5, kind: 'compound_party_org', ref_id: 2, name: '滨河小区党支部', own: false },
      ],
    });
    evaluations.list.mockResolvedValue(page([orgs]));
    evaluations.get.mockResolvedValue(orgs);
    evaluations.score.mockResolvedValue({ id: 9 });
    const scoring = loadPage('packages/resident/evaluation/index');
    await flush();
    const names = all(scoring, '.target-name').map((n) => n.dom.textContent);
    expect(names).toEqual(['党员志愿者赵哥', '滨河小区党支部']);
    expect(text(scoring, '.own-hidden')).toBe('您任职的党组织不参与您的评议，已略去');
    expect(all(scoring, '.submit-score')).toHaveLength(2);
    await tap(scoring, '.star', 7); // the second target's third star
    await tap(scoring, '.submit-score', 1);
    expect(evaluations.score).toHaveBeenCalledWith(1, { targetId: 5, score: 3, comment: '' });

    // a resident without a seat sees every organisation, and no note
    const open = CAMPAIGN({ my_scores: [], targets: orgs.targets.map((t) => ({ ...t, own: false })) });
    evaluations.get.mockResolvedValue(open);
    const plain = loadPage('packages/resident/evaluation/index');
    await flush();
    expect(all(plain, '.target-name')).toHaveLength(3);
    expect(plain.querySelector('.own-hidden')).toBeFalsy();
  });

  test('without an approved household there is no campaign to score', async () => {
    wx.setStorageSync('user', { ...RESIDENT, households: [] });
    const scoring = loadPage('packages/resident/evaluation/index');
    await flush();
    expect(evaluations.list).not.toHaveBeenCalled();
    expect(listState(scoring, '.evaluation-state')).toBe('您所在社区暂无评议（需先绑定住户）');
  });

  test('我的 links to the scoring page', async () => {
    wx.setStorageSync('user', RESIDENT);
    auth.me.mockResolvedValue(RESIDENT);
    const mine = loadPage('pages/mine/index');
    await flush();
    await tap(mine, '.evaluation');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/evaluation/index' });
  });

  test('large-type mode applies to the new pages', async () => {
    wx.setStorageSync('elderMode', true);
    wx.setStorageSync('user', RESIDENT);
    evaluations.list.mockResolvedValue(page([]));
    mediation.list.mockResolvedValue(page([]));
    mediation.get.mockResolvedValue(CASE());
    for (const [path, query] of [['packages/resident/evaluation/index', {}],
      ['packages/volunteer/mediations/index', {}], ['packages/volunteer/mediation/index', { id: '2' }]]) {
      const loaded = loadPage(path, query);
      // eslint-disable-next-line no-await-in-loop
      await flush();
      expect(loaded.querySelector('.page').dom.className).toContain('elder');
    }
  });
});

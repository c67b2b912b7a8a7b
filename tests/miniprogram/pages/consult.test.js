/** 协商表决, 改造清单 and 加装电梯 pages, with stubbed services. */
const consultations = require('../../../miniprogram/packages/consult/services/consultations');
const renovations = require('../../../miniprogram/packages/consult/services/renovations');
const elevators = require('../../../miniprogram/packages/consult/services/elevators');
const community = require('../../../miniprogram/packages/consult/services/address');
const auth = require('../../../miniprogram/services/auth');
const { ApiError } = require('../../../miniprogram/utils/errors');
const {
  resetAll, loadPage, flush, text, all, tap, input, listState, page, fire,
} = require('../helpers/page');

jest.mock('../../../miniprogram/packages/consult/services/consultations');
jest.mock('../../../miniprogram/packages/consult/services/renovations');
jest.mock('../../../miniprogram/packages/consult/services/elevators');
jest.mock('../../../miniprogram/packages/consult/services/address');
jest.mock('../../../miniprogram/services/auth');

const RESIDENT = {
  id: 4, nickname: '张阿姨', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 1, community_id: 1, status: 'approved', relation: 'owner', address: '观湖花园1栋1单元101室' }],
};
const STAFF = {
  id: 2, nickname: '观湖社工小李', households: [],
  roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }],
};
const RULE_TEXT = '范围内全部登记住户（不论是否绑定、是否投票）中，同意的户数达到80%即通过；弃权和未投票都不算同意。';

const CONSULTATION = (over) => ({
  id: 7, community_id: 1, title: '1单元楼道照明改造', body: '更换声控灯', options: {}, origin: null,
  scope: { kind: 'unit', compound_id: 1, building_id: 1, unit: '1', label: '观湖花园1栋1单元' },
  rule: { kind: 'share_of_all', threshold: 0.8 }, rule_text: RULE_TEXT, needed: { agree: 4 },
  status: 'open', accepting_votes: true,
  opens_at: '2026-12-01T09:00:00+08:00', closes_at: '2026-12-15T09:00:00+08:00',
  objections_close_at: null, opened_at: '2026-12-01T09:00:00+08:00', closed_at: null,
  roll_hash: 'ab'.repeat(32), eligible: 4, voted: 2, turnout: 0.5,
  agree: null, disagree: null, abstain: null, result: null, receipts_hash: null,
  by_area: { eligible: '375.30', voted: '179.00', turnout: 0.477, agree: null, disagree: null, abstain: null },
  my_households: [{ household_id: 1, address: '观湖花园1栋1单元101室', relation: 'owner', can_vote: true, vote: null }],
  can_manage: false,
  ...over,
});

beforeEach(() => {
  resetAll();
});

describe('协商表决 list', () => {
  test('a resident sees their households\' consultations with the turnout; tap opens one', async () => {
    wx.setStorageSync('user', RESIDENT);
    consultations.list.mockResolvedValue(page([CONSULTATION(), CONSULTATION({
      id: 6, status: 'closed', result: 'failed', accepting_votes: false,
    })]));
    const list = loadPage('packages/consult/consultations/index');
    await flush();
    expect(consultations.list).toHaveBeenCalledWith({ community_id: undefined, cursor: undefined, limit: 20 });
    const cards = all(list, '.consultation');
    expect(cards[0].dom.textContent).toContain('已投 2/4 户（50%）');
    expect(cards[0].dom.textContent).toContain('全体住户80%同意');
    expect(text(list, '.status')).toBe('表决中');
    expect(cards[1].dom.textContent).toContain('未通过');
    expect(list.querySelector('.new-consultation')).toBeFalsy();
    await tap(list, '.consultation', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/consult/consultation/index?id=6' });
  });

  test('staff see their community\'s and start a new one; empty and error states', async () => {
    wx.setStorageSync('user', STAFF);
    wx.setStorageSync('activeRole', 'staff');
    consultations.list.mockResolvedValueOnce(page([]));
    const list = loadPage('packages/consult/consultations/index');
    await flush();
    expect(consultations.list).toHaveBeenCalledWith({ community_id: 1, cursor: undefined, limit: 20 });
    expect(listState(list, '.list-state')).toBe('本社区还没有协商表决');
    await tap(list, '.new-consultation');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/consult/consultation-new/index' });
    consultations.list.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
    await list.instance.pager.reload();
    await flush();
    expect(listState(list, '.list-state')).toContain('没有权限执行此操作');
  });
});

describe('协商表决 page', () => {
  test('shows the rule in one sentence and the live turnout, choices sealed; an owner votes with large buttons', async () => {
    consultations.get.mockResolvedValueOnce(CONSULTATION());
    const voted = { choice: 'agree', receipt: 'c0ffee'.repeat(10) + 'abcd', channel: 'app', cast_at: '2026-12-02T09:00:00+08:00' };
    consultations.get.mockResolvedValueOnce(CONSULTATION({
      voted: 3, turnout: 0.75, my_households: [{ ...CONSULTATION().my_households[0], vote: voted }],
    }));
    consultations.vote.mockResolvedValue({ receipt: voted.receipt });
    const detail = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    expect(consultations.get).toHaveBeenCalledWith(7);
    expect(text(detail, '.rule-text')).toBe(RULE_TEXT);
    expect(text(detail, '.needed')).toBe('本次：至少 4 户同意');
    expect(text(detail, '.heads')).toBe('2/4 户（50%）');
    expect(text(detail, '.area')).toBe('179.00/375.30 ㎡（47.7%）');
    expect(text(detail, '.sealed')).toBe('结束前不公布同意、反对票数');
    expect(detail.querySelector('.result')).toBeFalsy();
    const buttons = all(detail, '.vote-btn');
    expect(buttons.map((b) => b.dom.textContent.trim())).toEqual(['同意', '反对', '弃权']);

    await tap(detail, '.vote-btn', 0);
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认投「同意」？' }));
    expect(consultations.vote).toHaveBeenCalledWith(7, { householdId: 1, choice: 'agree' });
    expect(text(detail, '.my-vote')).toBe('已投：同意（回执 c0ffeec0ffee…）');
    expect(text(detail, '.heads')).toBe('3/4 户（75%）');
    expect(detail.querySelector('.vote-btn.chosen').dom.textContent.trim()).toBe('同意');
  });

  test('nothing is sent when the vote is not confirmed; a refusal is shown', async () => {
    consultations.get.mockResolvedValue(CONSULTATION());
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    const detail = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    await tap(detail, '.vote-btn', 1);
    expect(consultations.vote).not.toHaveBeenCalled();
    consultations.vote.mockRejectedValueOnce(new ApiError('consultation_closed', '不在表决时间内，不能投票', 409));
    await tap(detail, '.vote-btn', 1);
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '不在表决时间内，不能投票' }));
  });

  test('a family member cannot vote; a draft says the roll is being checked', async () => {
    consultations.get.mockResolvedValueOnce(CONSULTATION({
      my_households: [{ household_id: 1, address: '观湖花园1栋1单元101室', relation: 'family', can_vote: false, vote: null }],
    }));
    const family = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    expect(all(family, '.vote-btn')).toHaveLength(0);
    expect(text(family, '.not-owner')).toBe('仅该户已绑定的业主可以投票');
    consultations.get.mockResolvedValueOnce(CONSULTATION({
      status: 'draft', accepting_votes: false,
      my_households: [{ ...CONSULTATION().my_households[0], can_vote: false }],
    }));
    const draft = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    expect(text(draft, '.status')).toBe('名册公示中');
    expect(text(draft, '.not-open')).toBe('表决尚未开始，请先核对名册');
  });

  test('closed: the result and my receipt found in the published list', async () => {
    const receipt = 'f'.repeat(64);
    consultations.get.mockResolvedValue(CONSULTATION({
      status: 'closed', accepting_votes: false, result: 'failed', agree: 2, disagree: 0, abstain: 0,
      by_area: { eligible: '375.30', voted: '179.00', turnout: 0.477, agree: '179.00', disagree: '0.00', abstain: '0.00' },
      my_households: [{ household_id: 1, address: '观湖花园1栋1单元101室', relation: 'owner', can_vote: false, vote: { choice: 'agree', receipt, channel: 'app', cast_at: '2026-12-02T09:00:00+08:00' } }],
    }));
    consultations.receipts.mockResolvedValue({ hash: 'h', items: [{ receipt, choice: 'agree' }, { receipt: 'e'.repeat(64), choice: 'agree' }] });
    const closed = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    expect(text(closed, '.result-text')).toBe('结果：未通过');
    expect(text(closed, '.result')).toContain('同意 2 户 · 反对 0 户 · 弃权 0 户');
    expect(text(closed, '.receipt-check')).toBe('已在公布的回执清单中找到我的回执');
    expect(closed.querySelector('.sealed')).toBeFalsy();
    expect(all(closed, '.vote-btn')).toHaveLength(0);
  });

  test('staff open a draft and close a finished one', async () => {
    consultations.get.mockResolvedValueOnce(CONSULTATION({ status: 'draft', accepting_votes: false, can_manage: true, my_households: [] }));
    consultations.open.mockResolvedValue(CONSULTATION({ can_manage: true, my_households: [] }));
    const draft = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    expect(draft.querySelector('.close-now')).toBeFalsy();
    await tap(draft, '.open-now');
    expect(consultations.open).toHaveBeenCalledWith(7);
    expect(text(draft, '.status')).toBe('表决中');
    expect(draft.querySelector('.open-now')).toBeFalsy();

    consultations.get.mockResolvedValueOnce(CONSULTATION({ accepting_votes: false, can_manage: true, my_households: [] }));
    consultations.close.mockResolvedValue(CONSULTATION({ status: 'closed', result: 'passed', agree: 4, disagree: 0, abstain: 0, can_manage: true, my_households: [] }));
    const ended = loadPage('packages/consult/consultation/index', { id: '7' });
    await flush();
    await tap(ended, '.close-now');
    expect(consultations.close).toHaveBeenCalledWith(7);
    expect(text(ended, '.result-text')).toBe('结果：通过');
  });
});

describe('发起协商表决', () => {
  test('staff pick a unit, a rule and a duration; the form keeps its key for a retry', async () => {
    wx.setStorageSync('user', STAFF);
    community.compounds.mockResolvedValue(page([{ id: 1, name: '观湖花园' }, { id: 2, name: '老粮站院落' }]));
    community.buildings.mockResolvedValue(page([{ id: 1, name: '1栋' }, { id: 2, name: '2栋' }]));
    community.households.mockResolvedValue(page([
      { id: 1, unit: '1', room: '101' }, { id: 2, unit: '1', room: '102' }, { id: 5, unit: '2', room: '101' },
    ]));
    const form = loadPage('packages/consult/consultation-new/index');
    await flush();
    expect(community.compounds).toHaveBeenCalledWith(1, { limit: 100 });
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('请选择小区（可再选楼栋、单元）');
    await fire(form.querySelector('.compound'), 'change', { value: 0 });
    await fire(form.querySelector('.building'), 'change', { value: 0 });
    expect(community.households).toHaveBeenCalledWith(1, { limit: 100 });
    await fire(form.querySelector('.unit'), 'change', { value: 1 });
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('请填写表决事项');
    await input(form, '.title-input', ' 1单元加装电梯 ');
    await tap(form, '.rule', 1);
    await tap(form, '.day', 0);
    consultations.create.mockRejectedValueOnce(new ApiError('busy_try_again', '系统繁忙，请稍后重试', 409));
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('系统繁忙，请稍后重试');
    consultations.create.mockResolvedValueOnce({ id: 9 });
    await tap(form, '.submit');
    const [first] = consultations.create.mock.calls[0];
    const [second] = consultations.create.mock.calls[1];
    expect(second.scope).toEqual({ building_id: 1, unit: '1' });
    expect(second.title).toBe('1单元加装电梯');
    expect(second.rule).toEqual({ kind: 'civil_code_278' });
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
    expect(second.opensAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const days = (Date.parse(second.closesAt) - Date.parse(second.opensAt)) / 86400000;
    expect(days).toBe(7);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/packages/consult/consultation/index?id=9' });
  });

  test('a whole compound, starting in three days after the roll is published', async () => {
    wx.setStorageSync('user', STAFF);
    community.compounds.mockResolvedValue(page([{ id: 1, name: '观湖花园' }]));
    community.buildings.mockResolvedValue(page([{ id: 1, name: '1栋' }]));
    consultations.create.mockResolvedValue({ id: 3 });
    const form = loadPage('packages/consult/consultation-new/index');
    await flush();
    await fire(form.querySelector('.compound'), 'change', { value: 0 });
    await input(form, '.title-input', '公共区域改造');
    await tap(form, '.start', 1);
    await tap(form, '.submit');
    const [body] = consultations.create.mock.calls[0];
    expect(body.scope).toEqual({ compound_id: 1 });
    expect(body.rule).toEqual({ kind: 'share_of_all', threshold: 0.8 });
    expect(Date.parse(body.opensAt) - Date.now()).toBeGreaterThan(3 * 86400000 - 60000);
  });
});

describe('改造清单', () => {
  const RENOVATION = (over) => ({
    id: 3, community_id: 1, compound_id: 1, compound_name: '观湖花园', title: '观湖花园2026年改造',
    summary: '请大家提建议', status: 'proposing', created_at: '2026-12-01T09:00:00+08:00',
    consultation: null, reported_at: null, report_note: '', files: [], can_manage: false, can_propose: true,
    items: [
      { id: 1, title: '更换单元门禁', detail: '', status: 'accepted', note: '', mine: false, created_at: '2026-12-01T10:00:00+08:00' },
      { id: 2, title: '增设充电棚', detail: '', status: 'proposed', note: '', mine: true, created_at: '2026-12-01T11:00:00+08:00' },
    ],
    ...over,
  });

  test('the lists of my compounds; tap opens one', async () => {
    wx.setStorageSync('user', RESIDENT);
    renovations.list.mockResolvedValue(page([RENOVATION()]));
    const list = loadPage('packages/consult/renovations/index');
    await flush();
    expect(renovations.list).toHaveBeenCalledWith({ community_id: undefined, cursor: undefined, limit: 20 });
    expect(text(list, '.status')).toBe('征集建议中');
    await tap(list, '.renovation');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/consult/renovation/index?id=3' });
  });

  test('a resident sees the items and proposes one', async () => {
    renovations.get.mockResolvedValue(RENOVATION());
    renovations.propose.mockResolvedValue(RENOVATION({
      items: RENOVATION().items.concat([{ id: 4, title: '修补道路', detail: '北门', status: 'proposed', note: '', mine: true, created_at: '2026-12-02T10:00:00+08:00' }]),
    }));
    const detail = loadPage('packages/consult/renovation/index', { id: '3' });
    await flush();
    expect(renovations.get).toHaveBeenCalledWith(3);
    expect(all(detail, '.item').map((i) => i.dom.textContent.includes('已列入清单'))).toEqual([true, false]);
    expect(text(detail, '.rule-note')).toBe('清单须经本小区全体住户80%同意才能上报实施');
    await tap(detail, '.propose-btn');
    expect(text(detail, '.form-error')).toBe('请写下要改造的地方');
    await input(detail, '.item-title', '修补道路');
    await input(detail, '.item-detail', '北门');
    await tap(detail, '.propose-btn');
    expect(renovations.propose).toHaveBeenCalledWith(3, { title: '修补道路', detail: '北门' });
    expect(all(detail, '.item')).toHaveLength(3);
  });

  test('while it is put to the vote: no form, and a link to its consultation', async () => {
    renovations.get.mockResolvedValue(RENOVATION({
      status: 'consulting', can_propose: false,
      consultation: { id: 11, status: 'open', result: null, closes_at: '2026-12-15T09:00:00+08:00' },
    }));
    const detail = loadPage('packages/consult/renovation/index', { id: '3' });
    await flush();
    expect(detail.querySelector('.propose')).toBeFalsy();
    await tap(detail, '.consultation-link');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/consult/consultation/index?id=11' });
  });
});

describe('加装电梯', () => {
  const PROJECT = {
    id: 1, community_id: 1, building_id: 1, unit: '1', place: '观湖花园1栋1单元', floors: 6,
    stage: 'consent', stage_at: '2026-12-01T09:00:00+08:00',
    stages: ['survey', 'consent', 'funding', 'procurement', 'works', 'acceptance', 'in_service'],
    next_stage: 'funding', consultation: { id: 2, status: 'open', result: null, closes_at: '2026-12-15T09:00:00+08:00' },
    budget_fen: 58000000, pledged_fen: 0, shortfall_fen: 58000000, share_weights: { 2: 4 },
    can_manage: false, created_at: '2026-12-01T09:00:00+08:00',
    households: [{ household_id: 3, label: '观湖花园1栋1单元201室', floor: 2, expected_fen: 5800000, pledged_fen: null, mine: true }],
  };

  test('my building\'s project: stages, the consent consultation, budget and my share, its steps', async () => {
    elevators.list.mockResolvedValue(page([PROJECT]));
    elevators.get.mockResolvedValue(PROJECT);
    elevators.events.mockResolvedValue({ items: [
      { id: 1, from_stage: null, to_stage: 'survey', note: '入户调查完成', at: '2026-11-20T09:00:00+08:00', files: [] },
      { id: 2, from_stage: 'survey', to_stage: 'consent', note: '方案已公示', at: '2026-12-01T09:00:00+08:00', files: [{ id: 5, url: '/api/v1/files/5?exp=1&u=3&sig=x' }] },
    ] });
    const view = loadPage('packages/consult/elevator/index');
    await flush();
    expect(elevators.get).toHaveBeenCalledWith(1);
    expect(text(view, '.current')).toBe('当前阶段：意见征询');
    expect(all(view, '.stage').map((s) => s.dom.textContent.trim())).toEqual(
      ['✓ 入户调查', '● 意见征询', '○ 资金筹集', '○ 招标采购', '○ 施工安装', '○ 竣工验收', '○ 投入使用']);
    expect(text(view, '.budget')).toBe('¥580000.00');
    expect(text(view, '.home')).toContain('2楼 按楼层应摊 ¥58000.00 · 已认缴 —');
    expect(all(view, '.event')[0].dom.textContent).toContain('方案已公示');
    expect(all(view, '.photo')).toHaveLength(1);
    await tap(view, '.consultation-link');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/consult/consultation/index?id=2' });
  });

  test('no project in my building, or a failure, say so', async () => {
    elevators.list.mockResolvedValueOnce(page([]));
    const none = loadPage('packages/consult/elevator/index');
    await flush();
    expect(listState(none, '.elevator-state')).toBe('您所在楼栋暂无加装电梯项目');
    elevators.list.mockRejectedValueOnce(new ApiError('network_error', '网络不可用，请检查网络', 0));
    const failed = loadPage('packages/consult/elevator/index');
    await flush();
    expect(listState(failed, '.elevator-state')).toContain('网络不可用');
  });
});

describe('entries and large type', () => {
  test('我的 links to the three pages, and staff have the consultations on their workbench', async () => {
    wx.setStorageSync('user', RESIDENT);
    auth.me.mockResolvedValue(RESIDENT);
    const mine = loadPage('pages/mine/index');
    await flush();
    await tap(mine, '.consultations');
    await tap(mine, '.renovations');
    await tap(mine, '.elevator');
    expect(wx.navigateTo.mock.calls.map((c) => c[0].url)).toEqual([
      '/packages/consult/consultations/index', '/packages/consult/renovations/index',
      '/packages/consult/elevator/index']);
    wx.setStorageSync('user', STAFF);
    wx.setStorageSync('activeRole', 'staff');
    auth.me.mockResolvedValue(STAFF);
    const services = loadPage('pages/services/index');
    await flush();
    expect(text(services, '.page')).toContain('协商表决（发起、开始、计票）');
  });

  test('large-type mode applies to every new page', async () => {
    wx.setStorageSync('elderMode', true);
    wx.setStorageSync('user', STAFF);
    consultations.list.mockResolvedValue(page([]));
    consultations.get.mockResolvedValue(CONSULTATION());
    renovations.list.mockResolvedValue(page([]));
    renovations.get.mockResolvedValue({ id: 3, title: 't', compound_name: 'c', status: 'proposing', items: [], consultation: null, can_propose: false });
    elevators.list.mockResolvedValue(page([]));
    community.compounds.mockResolvedValue(page([]));
    for (const [path, query] of [
      ['packages/consult/consultations/index', {}], ['packages/consult/consultation/index', { id: '7' }],
      ['packages/consult/consultation-new/index', {}], ['packages/consult/renovations/index', {}],
      ['packages/consult/renovation/index', { id: '3' }], ['packages/consult/elevator/index', {}]]) {
      const loaded = loadPage(path, query);
      // eslint-disable-next-line no-await-in-loop
      await flush();
      expect(loaded.querySelector('.page').dom.className).toContain('elder');
    }
  });
});

/** 社区项目, 大党委会议 and 小区共管账户 pages, with stubbed services. */
const projects = require('../../../miniprogram/packages/governance/services/projects');
const trust = require('../../../miniprogram/packages/governance/services/trust');
const auth = require('../../../miniprogram/services/auth');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { yuan, toFen } = require('../../../miniprogram/packages/governance/services/money');
const { resetAll, loadPage, flush, fire, text, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/governance/services/projects');
jest.mock('../../../miniprogram/packages/governance/services/trust');
jest.mock('../../../miniprogram/services/auth');

const RESIDENT = {
  id: 4, nickname: '张阿姨', roles: [{ role: 'resident' }],
  households: [{ binding_id: 1, household_id: 1, community_id: 1, status: 'approved', address: '观湖花园1栋1单元101室' }],
};
const STAFF = { id: 2, nickname: '观湖社工小李', households: [], roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }] };
const MANAGER = { id: 14, nickname: '物业周经理', households: [], roles: [{ role: 'resident' }, { role: 'property', compound_id: 1 }] };

const PROJECT = (over) => ({
  id: 2, community_id: 1, title: '老粮站院落增设路灯4盏', status: 'in_progress', percent: 40,
  due_on: '2027-01-20', overdue: false, escalated: false, owner: { id: 2, name: '周立新', unit: '观湖物业' },
  meeting: { id: 1, title: '大党委季度联席会议', held_at: '2026-10-03T10:00:00+08:00' }, agenda_item_id: 2,
  result: null, drop_reason: null, created_at: '2026-10-03T14:00:00+08:00', started_at: null, finished_at: null,
  can_work: false, photos: [],
  progress: [
    { id: 1, note: '已完成选址', percent: 20, at: '2026-10-10T09:00:00+08:00', photos: [] },
    { id: 2, note: '等待电力接入', percent: 40, at: '2026-10-23T09:00:00+08:00', photos: [{ id: 9, url: '/api/v1/files/9?sig=x' }] },
  ],
  ...over,
});

const ACCOUNT = (over) => ({
  id: 1, compound_id: 1, compound_name: '观湖花园', bank_name: '古湖农商银行', account_tail: '2046',
  opened_at: '2026-11-01T09:00:00+08:00', balance_fen: 894400, public_income_fen: 446000, counted_entries: 5,
  pending_count: 1, my_sides: [], last_reconciliation: null, ...over,
});
const ENTRY = (over) => ({
  id: 5, account_id: 1, kind: 'expense', amount_fen: 380000, effect_fen: -380000, category: 'repair',
  category_name: '维修养护', public: false, counterparty: '安固门窗厂', occurred_on: '2026-11-15', memo: '雨棚更换',
  side: 'property', status: 'counted', entered_by: { id: 14, nickname: '物业周经理' }, entered_at: '', decided_by: null,
  decided_at: '', reject_reason: null, reverses_id: null, reversed_by_id: null, consultation_id: null, project_id: 1,
  seq: 5, balance_after: 894400, files: [], proofs: [], rechecks: 0, ...over,
});
const STATEMENT = (over) => ({
  account_id: 1, compound_id: 1, month: '2026-11', opening_fen: 0, income_fen: 1732400, public_income_fen: 446000,
  other_income_fen: 1286400, expense_fen: 838000, closing_fen: 894400,
  by_category: [{ category: 'parking', name: '公共车位停车收益', kind: 'income', public: true, amount_fen: 326000 }],
  entries: [ENTRY({ id: 1, kind: 'income', amount_fen: 1286400, effect_fen: 1286400, category: 'property_fee', category_name: '物业费' }), ENTRY()],
  pending_count: 1, reconciliation: null, ...over,
});

beforeEach(() => {
  resetAll();
});

describe('money', () => {
  test('fen shown as yuan, yuan typed as text into fen without rounding', () => {
    expect(yuan(894400)).toBe('8,944.00');
    expect(yuan(-8400)).toBe('-84.00');
    expect(yuan(5)).toBe('0.05');
    expect(toFen('1286.4')).toBe(128640);
    expect(toFen(' 0.29 ')).toBe(29);
    expect(toFen('19.99')).toBe(1999);
    ['', '0', '0.00', '12.345', '-5', '1e3', 'abc'].forEach((bad) => expect(toFen(bad)).toBeNull());
  });
});

describe('社区项目', () => {
  test('the list shows status, progress, owner and overdue; the filter asks the API; tap opens one', async () => {
    wx.setStorageSync('user', RESIDENT);
    projects.list.mockResolvedValue(page([
      PROJECT({ id: 3, title: '逾期项目', overdue: true, status: 'planned', percent: 0 }),
      PROJECT(), PROJECT({ id: 1, title: '修复雨棚', status: 'done', percent: 100 }),
    ]));
    const list = loadPage('packages/governance/projects/index');
    await flush();
    expect(projects.list).toHaveBeenCalledWith({ community_id: 1, cursor: undefined, limit: 20 });
    const cards = all(list, '.project');
    expect(cards[0].dom.textContent).toContain('逾期');
    expect(cards[0].dom.textContent).toContain('待实施');
    expect(cards[1].dom.textContent).toContain('进度 40% · 期限 2027-01-20 · 责任人 周立新（观湖物业）');
    expect(cards[2].dom.textContent).toContain('已办结');
    await tap(list, '.filter', 3);
    expect(projects.list).toHaveBeenLastCalledWith({ community_id: 1, overdue: true, cursor: undefined, limit: 20 });
    await tap(list, '.filter', 2);
    expect(projects.list).toHaveBeenLastCalledWith({ community_id: 1, status: 'done', cursor: undefined, limit: 20 });
    await tap(list, '.project', 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/governance/project/index?id=2' });
  });

  test('without a community of my own the API picks it; empty and failed lists say so', async () => {
    wx.setStorageSync('user', MANAGER);
    projects.list.mockResolvedValueOnce(page([]));
    const list = loadPage('packages/governance/projects/index');
    await flush();
    expect(projects.list).toHaveBeenCalledWith({ cursor: undefined, limit: 20 });
    expect(listState(list, '.list-state')).toBe('暂无项目');
    projects.list.mockRejectedValueOnce(new ApiError('not_found', '社区不存在', 404));
    await list.instance.pager.reload();
    await flush();
    expect(listState(list, '.list-state')).toContain('社区不存在');
  });

  test('a resident reads the progress, newest first, with photos, and gets no form', async () => {
    wx.setStorageSync('user', RESIDENT);
    projects.get.mockResolvedValue(PROJECT());
    const detail = loadPage('packages/governance/project/index', { id: '2' });
    await flush();
    expect(projects.get).toHaveBeenCalledWith(2);
    const notes = all(detail, '.progress-note');
    expect(notes[0].dom.textContent).toContain('10-23 09:00 · 40%');
    expect(all(detail, '.photo')).toHaveLength(1);
    expect(detail.querySelector('.work-form')).toBeFalsy();
  });

  test('the owner starts, records progress (checked first, retried with the same key) and finishes', async () => {
    wx.setStorageSync('user', MANAGER);
    projects.get.mockResolvedValue(PROJECT({ status: 'planned', percent: 0, can_work: true, progress: [] }));
    projects.start.mockResolvedValue({});
    const detail = loadPage('packages/governance/project/index', { id: '2' });
    await flush();
    await tap(detail, '.start');
    expect(projects.start).toHaveBeenCalledWith(2);

    projects.get.mockResolvedValue(PROJECT({ can_work: true }));
    await detail.instance.load();
    await flush();
    await tap(detail, '.add-progress');
    expect(text(detail, '.form-error')).toBe('请填写本次进展');
    await input(detail, '.note', '电缆已敷设');
    await input(detail, '.percent-input', '30');
    await tap(detail, '.add-progress');
    expect(text(detail, '.form-error')).toBe('进度不能低于当前的40%');
    await input(detail, '.percent-input', '150');
    await tap(detail, '.add-progress');
    expect(text(detail, '.form-error')).toBe('进度请填写 0 到 100 的整数');
    expect(projects.progress).not.toHaveBeenCalled();

    await input(detail, '.percent-input', '70');
    projects.progress.mockRejectedValueOnce(new ApiError('network_error', '网络不给力，请稍后重试', 0));
    await tap(detail, '.add-progress');
    projects.progress.mockResolvedValueOnce({});
    await tap(detail, '.add-progress');
    const [first, second] = projects.progress.mock.calls;
    expect(first[0]).toBe(2);
    expect(first[1]).toEqual({ note: '电缆已敷设', percent: 70 });
    expect(second[2]).toBe(first[2]); // the retry keeps its Idempotency-Key

    await tap(detail, '.finish');
    expect(text(detail, '.form-error')).toBe('请填写办结情况');
    projects.done.mockResolvedValue({});
    await input(detail, '.result-input', '4盏路灯已通电');
    await tap(detail, '.finish');
    expect(projects.done).toHaveBeenCalledWith(2, { result: '4盏路灯已通电' });
    expect(detail.querySelector('.drop')).toBeFalsy(); // only staff drop
  });

  test('staff drop a project with a reason, after confirming', async () => {
    wx.setStorageSync('user', STAFF);
    wx.setStorageSync('activeRole', 'staff');
    projects.get.mockResolvedValue(PROJECT({ can_work: true }));
    projects.drop.mockResolvedValue({});
    const detail = loadPage('packages/governance/project/index', { id: '2' });
    await flush();
    await tap(detail, '.drop');
    expect(text(detail, '.form-error')).toBe('终止项目须写明原因');
    await input(detail, '.reason', '供电线路无法接入');
    await tap(detail, '.drop');
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '确定终止“老粮站院落增设路灯4盏”？' }));
    expect(projects.drop).toHaveBeenCalledWith(2, '供电线路无法接入');
  });
});

describe('大党委会议', () => {
  test('staff create a meeting with its agenda, one item a line', async () => {
    wx.setStorageSync('user', STAFF);
    projects.meetings.mockResolvedValue(page([{ id: 1, community_id: 1, title: '季度会', held_at: '2026-10-03T10:00:00+08:00', quarter: '2026Q4', agenda: [{ id: 1, title: '雨棚' }], minutes_recorded: true }]));
    projects.createMeeting.mockResolvedValue({ id: 7 });
    const meetings = loadPage('packages/governance/meetings/index');
    await flush();
    expect(projects.meetings).toHaveBeenCalledWith(1, { cursor: undefined, limit: 20 });
    expect(text(meetings, '.meeting')).toContain('已有纪要');
    await tap(meetings, '.create');
    expect(text(meetings, '.form-error')).toBe('请填写会议名称');
    await input(meetings, '.meeting-title', '十二月大党委会议');
    await fire(meetings.querySelector('.date'), 'change', { value: '2026-12-20' });
    await fire(meetings.querySelector('.time'), 'change', { value: '19:00' });
    await input(meetings, '.agenda', '滨河路12号楼道照明\n\n  老粮站院落改造清单 ');
    await tap(meetings, '.create');
    const [body, key] = projects.createMeeting.mock.calls[0];
    expect(body).toEqual({ communityId: 1, heldAt: '2026-12-20T19:00:00+08:00', title: '十二月大党委会议', agenda: ['滨河路12号楼道照明', '老粮站院落改造清单'] });
    expect(key).toMatch(/^mp-/);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/governance/meeting/index?id=7' });
  });

  test('minutes need text and attendees; a resolution needs an owner and becomes a project', async () => {
    wx.setStorageSync('user', STAFF);
    const MEETING = {
      id: 1, community_id: 1, title: '季度会', held_at: '2026-12-01T19:00:00+08:00', quarter: '2026Q4',
      agenda: [{ id: 1, title: '楼道照明', feedback_id: null, renovation_id: null }], minutes_recorded: false,
      minutes: '', minutes_at: null, attendees: [], files: [], projects: [],
    };
    projects.meeting.mockResolvedValue(MEETING);
    projects.members.mockResolvedValue({ items: [{ id: 1, name: '陈建华', unit: '党支部' }, { id: 2, name: '周立新', unit: '物业' }] });
    projects.minutes.mockResolvedValue({});
    projects.resolve.mockResolvedValue({ id: 3 });
    const meeting = loadPage('packages/governance/meeting/index', { id: '1' });
    await flush();
    expect(projects.members).toHaveBeenCalledWith(1);
    await input(meeting, '.minutes-input', '议定由物业加装声控灯');
    await tap(meeting, '.save-minutes');
    expect(text(meeting, '.form-error')).toBe('请勾选出席的成员');
    await tap(meeting, '.attendee', 1);
    await tap(meeting, '.save-minutes');
    expect(projects.minutes).toHaveBeenCalledWith(1, { text: '议定由物业加装声控灯', attendeeIds: [2] });

    await input(meeting, '.resolution', '加装声控灯');
    await tap(meeting, '.resolve');
    expect(text(meeting, '.form-error')).toBe('请填写决议事项并选择责任人');
    await fire(meeting.querySelector('.owner'), 'change', { value: '1' });
    await fire(meeting.querySelector('.due'), 'change', { value: '2026-12-31' });
    await tap(meeting, '.resolve');
    const [id, body] = projects.resolve.mock.calls[0];
    expect(id).toBe(1);
    expect(body).toEqual({ title: '加装声控灯', ownerMemberId: 2, dueOn: '2026-12-31' });
  });
});

describe('小区共管账户', () => {
  test('a resident reads the balance and the month, public income on its own line, and asks for a recheck', async () => {
    wx.setStorageSync('user', RESIDENT);
    trust.accounts.mockResolvedValue({ items: [ACCOUNT()] });
    trust.account.mockResolvedValue(ACCOUNT());
    trust.statement.mockResolvedValue(STATEMENT());
    trust.recheck.mockResolvedValue({ id: 1 });
    const account = loadPage('packages/governance/account/index');
    await flush();
    expect(text(account, '.money')).toBe('8,944.00');
    expect(text(account, '.public-income')).toBe('4,460.00');
    expect(text(account, '.closing')).toBe('8,944.00');
    expect(all(account, '.amount').map((e) => e.dom.textContent)).toEqual(['+12,864.00', '-3,800.00']);
    expect(text(account, '.category')).toContain('公共车位停车收益（公共收益）');
    expect(account.querySelector('.pending-entry')).toBeFalsy();
    expect(account.querySelector('.enter')).toBeFalsy();

    await fire(account.querySelector('.month'), 'change', { value: '2026-10' });
    expect(trust.statement).toHaveBeenLastCalledWith(1, '2026-10');

    wx.showModal.mockImplementation(({ success }) => success({ confirm: true, content: ' 是否比价？ ' }));
    await tap(account, '.recheck', 1);
    expect(trust.recheck).toHaveBeenCalledWith(1, 5, { householdId: 1, question: '是否比价？' });
  });

  test('no account, an empty month and a flagged reconciliation are said in words', async () => {
    wx.setStorageSync('user', RESIDENT);
    trust.accounts.mockResolvedValueOnce({ items: [] });
    const none = loadPage('packages/governance/account/index');
    await flush();
    expect(listState(none, '.account-state')).toContain('没有共管账户');

    trust.accounts.mockResolvedValue({ items: [ACCOUNT()] });
    trust.account.mockResolvedValue(ACCOUNT());
    trust.statement.mockResolvedValue(STATEMENT({ entries: [], reconciliation: { flagged: true, difference_fen: -8400 } }));
    const empty = loadPage('packages/governance/account/index');
    await flush();
    expect(listState(empty, '.statement-state')).toBe('本月没有已入账的收支');
    expect(text(empty, '.mismatch')).toBe('银行对账不符，相差 -84.00 元');
  });

  test('a member of one side co-signs or rejects what the other side entered; a refusal is shown', async () => {
    wx.setStorageSync('user', MANAGER);
    trust.accounts.mockResolvedValue({ items: [ACCOUNT({ my_sides: ['owners_committee'] })] });
    trust.account.mockResolvedValue(ACCOUNT({ my_sides: ['owners_committee'] }));
    trust.statement.mockResolvedValue(STATEMENT());
    trust.entries.mockResolvedValue(page([ENTRY({ id: 6, status: 'pending', category_name: '绿化养护', amount_fen: 86000, effect_fen: -86000 })]));
    trust.cosign.mockRejectedValueOnce(new ApiError('own_entry', '不能会签或驳回自己录入的账目', 403));
    const account = loadPage('packages/governance/account/index');
    await flush();
    expect(trust.entries).toHaveBeenCalledWith(1, { status: 'pending', limit: 50 });
    expect(text(account, '.pending-entry')).toContain('绿化养护 -860.00');
    await tap(account, '.cosign');
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '核对无误，会签这笔 -860.00 元的绿化养护？' }));
    expect(trust.cosign).toHaveBeenCalledWith(1, 6);
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '不能会签或驳回自己录入的账目' }));

    wx.showModal.mockImplementation(({ success }) => success({ confirm: true, content: '' }));
    await tap(account, '.reject');
    expect(trust.reject).not.toHaveBeenCalled();
    expect(wx.showToast).toHaveBeenLastCalledWith({ title: '请写明驳回原因', icon: 'none' });
    trust.reject.mockResolvedValue({});
    wx.showModal.mockImplementation(({ success }) => success({ confirm: true, content: '金额不符' }));
    await tap(account, '.reject');
    expect(trust.reject).toHaveBeenCalledWith(1, 6, '金额不符');
    await tap(account, '.enter');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/governance/entry/index?account=1' });
  });

  test('entering an entry: checked first, sent in fen, a retry keeps its key, a change makes a new one', async () => {
    trust.account.mockResolvedValue(ACCOUNT({ my_sides: ['property'] }));
    trust.enter.mockRejectedValueOnce(new ApiError('network_error', '网络不给力，请稍后重试', 0));
    const form = loadPage('packages/governance/entry/index', { account: '1' });
    await flush();
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('请选择科目');
    await tap(form, '.kind', 1);
    await fire(form.querySelector('.category'), 'change', { value: '3' }); // 维修养护
    await input(form, '.amount', '3800.555');
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('金额请填写大于 0 的数字，最多两位小数');
    await input(form, '.amount', '3800.5');
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('请填写对方单位或个人');
    await input(form, '.counterparty', ' 安固门窗厂 ');
    await fire(form.querySelector('.date'), 'change', { value: '2026-11-15' });
    await tap(form, '.submit');
    trust.enter.mockResolvedValueOnce(ENTRY({ amount_fen: 380050 }));
    await tap(form, '.submit');
    const [first, second] = trust.enter.mock.calls;
    expect(first[0]).toBe(1);
    expect(first[1]).toEqual({ kind: 'expense', category: 'repair', amount_fen: 380050, counterparty: '安固门窗厂', occurred_on: '2026-11-15', memo: '' });
    expect(second[2]).toBe(first[2]);
    expect(wx.navigateBack).toHaveBeenCalled();
    await input(form, '.memo', '另一笔');
    trust.enter.mockResolvedValueOnce(ENTRY());
    await tap(form, '.submit');
    expect(trust.enter.mock.calls[2][2]).not.toBe(first[2]);
  });

  test('someone on both sides says which one; someone on neither cannot enter', async () => {
    trust.account.mockResolvedValueOnce(ACCOUNT({ my_sides: ['owners_committee', 'property'] }));
    trust.enter.mockResolvedValue(ENTRY());
    const form = loadPage('packages/governance/entry/index', { account: '1' });
    await flush();
    await fire(form.querySelector('.category'), 'change', { value: '0' });
    await input(form, '.amount', '100');
    await input(form, '.counterparty', '业主');
    await tap(form, '.submit');
    expect(text(form, '.form-error')).toBe('您在两方都有任职，请选择代表哪一方');
    await tap(form, '.side', 0);
    await tap(form, '.submit');
    expect(trust.enter.mock.calls[0][1]).toEqual(expect.objectContaining({ side: 'owners_committee', amount_fen: 10000 }));

    trust.account.mockResolvedValueOnce(ACCOUNT({ my_sides: [] }));
    const none = loadPage('packages/governance/entry/index', { account: '1' });
    await flush();
    expect(listState(none, '.entry-state')).toBe('仅本小区物业公司或业委会在任成员可以录入');
  });
});

describe('workbench and large type', () => {
  test('members of the property company and staff find the account and projects in 服务', async () => {
    wx.setStorageSync('user', MANAGER);
    wx.setStorageSync('activeRole', 'property');
    auth.me.mockResolvedValue(MANAGER);
    const services = loadPage('pages/services/index');
    await flush();
    expect(all(services, '.entry').map((e) => e.dom.textContent.replace(/\s+/g, ''))).toEqual(
      ['共管账户：会签与录入进入›', '社区项目进入›'],
    );
    await tap(services, '.entry', 0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/packages/governance/account/index' });
  });

  test('我的 links residents to the projects and the account', async () => {
    wx.setStorageSync('user', RESIDENT);
    auth.me.mockResolvedValue(RESIDENT);
    const mine = loadPage('pages/mine/index');
    await flush();
    await tap(mine, '.projects');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/governance/projects/index' });
    await tap(mine, '.account');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/governance/account/index' });
  });

  test('large-type mode applies to the new pages', async () => {
    wx.setStorageSync('elderMode', true);
    wx.setStorageSync('user', STAFF);
    projects.list.mockResolvedValue(page([]));
    projects.get.mockResolvedValue(PROJECT());
    projects.meetings.mockResolvedValue(page([]));
    projects.meeting.mockResolvedValue({ id: 1, community_id: 1, title: 'x', held_at: '', quarter: '', agenda: [], minutes_recorded: false, attendees: [], files: [], projects: [] });
    projects.members.mockResolvedValue({ items: [] });
    trust.accounts.mockResolvedValue({ items: [] });
    trust.account.mockResolvedValue(ACCOUNT({ my_sides: ['property'] }));
    for (const [path, query] of [['packages/governance/projects/index', {}], ['packages/governance/project/index', { id: '2' }],
      ['packages/governance/account/index', {}], ['packages/governance/entry/index', { account: '1' }],
      ['packages/governance/meetings/index', {}], ['packages/governance/meeting/index', { id: '1' }]]) {
      const loaded = loadPage(path, query);
      // eslint-disable-next-line no-await-in-loop
      await flush();
      expect(loaded.querySelector('.page').dom.className).toContain('elder');
    }
  });
});

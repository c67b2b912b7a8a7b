/**
 * 审核: one inbox for what waits on the community's staff, with counts — household bindings
 * (approve, or reject with a reason), text held by the content check (publish, or cancel the
 * request), party registrations (approve into a grid and teams, or reject), attendances
 * (approve, approve fewer minutes, or reject) and make-up records (补录, with their reason).
 */
const approvals = require('../../../services/approvals');
const review = require('../services/review');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, dataset, shortTime } = require('../../../utils/ui');
const {
  RELATIONS, PARTY_ROLES, attendanceBadge, requestBadge, label,
} = require('../../../utils/status');

const TABS = [
  { key: 'bindings', text: '住户绑定' },
  { key: 'content', text: '内容审核' },
  { key: 'party', text: '双报到' },
  { key: 'attendances', text: '志愿签到' },
  { key: 'manual', text: '补录' },
];
const ATTENDANCE_FILTERS = [{ key: 'pending', text: '待审核' }, { key: 'partial', text: '时长不足' }];

const FETCH = {
  bindings: (c, page) => review.bindings({ community_id: c, ...page }),
  content: (c, page) => review.held({ community_id: c, ...page }),
  party: (c, page) => review.registrations({ community_id: c, ...page }),
  attendances: (c, page, self) => review.attendances({
    community_id: c, manual: false, status: self.data.filter, ...page,
  }),
  manual: (c, page) => review.attendances({ community_id: c, manual: true, status: 'pending', ...page }),
};

const DECORATE = {
  bindings: (b) => ({ ...b, relationLabel: label(RELATIONS, b.relation), when: shortTime(b.requested_at) }),
  content: (r) => ({ ...r, badge: requestBadge(r.status), when: shortTime(r.created_at) }),
  party: (r) => ({
    ...r, rolesText: (r.roles || []).map((x) => label(PARTY_ROLES, x)).join('、'), when: shortTime(r.created_at),
  }),
  attendances: (a) => ({
    ...a, badge: attendanceBadge(a.status), inAt: shortTime(a.checked_in_at), outAt: shortTime(a.checked_out_at),
  }),
};
DECORATE.manual = DECORATE.attendances;

Page(basePage({
  data: {
    communityId: null, needCommunity: false, tabs: TABS, tab: 'bindings', counts: {},
    filters: ATTENDANCE_FILTERS, filter: 'pending', list: emptyList(), form: null, busy: 0,
    grids: [], gridNames: [], teams: [],
  },

  onLoad(query) {
    if (query && TABS.some((t) => t.key === query.tab)) this.setData({ tab: query.tab });
    this.pager = createPager(this, 'list', (page) => FETCH[this.data.tab](this.data.communityId, page, this), {
      decorate: (x) => DECORATE[this.data.tab](x),
    });
  },

  async onShow() {
    const user = session.cachedUser() || await session.refreshUser().catch(() => null);
    const communityId = session.workCommunity(user);
    this.setData({ communityId, needCommunity: !communityId });
    if (communityId) this.refresh();
  },

  onPullDownRefresh() {
    const done = this.data.communityId ? this.refresh() : Promise.resolve();
    done.then(() => wx.stopPullDownRefresh());
  },

  onCommunity(e) {
    this.setData({ communityId: e.detail.id, needCommunity: false, grids: [], teams: [] });
    this.refresh();
  },

  refresh() {
    return Promise.all([this.loadCounts(), this.pager.reload()]);
  },

  async loadCounts() {
    try {
      const counts = await approvals.counts(this.data.communityId);
      this.setData({ counts, tabs: TABS.map((t) => ({ ...t, count: counts[t.key] || 0 })) });
    } catch (e) {
      showError(e);
    }
  },

  onTab(e) {
    this.setData({ tab: dataset(e).key, form: null });
    this.pager.reload();
  },

  onFilter(e) {
    this.setData({ filter: dataset(e).key, form: null });
    this.pager.reload();
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  item(id) {
    return this.data.list.items.find((x) => x.id === Number(id));
  },

  async decide(id, fn, okText) {
    if (this.data.busy) return;
    this.setData({ busy: Number(id) });
    try {
      await fn();
      showOk(okText);
      this.setData({ form: null });
      this.refresh();
    } catch (e) {
      if (this.data.form) this.setData({ 'form.error': e.message });
      showError(e);
    } finally {
      this.setData({ busy: 0 });
    }
  },

  // -- one tap decisions ------------------------------------------------------------
  onApprove(e) {
    const { id } = dataset(e);
    const { tab } = this.data;
    if (tab === 'bindings') return this.decide(id, () => review.approveBinding(Number(id)), '已通过');
    if (tab === 'content') return this.decide(id, () => review.publish(Number(id)), '已发布');
    return this.decide(id, () => review.approveAttendance(Number(id)), '已通过');
  },

  // -- decisions with a form --------------------------------------------------------
  async onOpenForm(e) {
    const { id, kind } = dataset(e);
    const target = this.item(id);
    if (!target) return;
    const form = {
      id: target.id, kind, reason: '', minutes: '', max: target.minutes || 0, gridIndex: -1, teamIds: [], error: '',
    };
    this.setData({ form });
    if (kind === 'party' && !this.data.grids.length) await this.loadPlaces();
  },

  onCloseForm() { this.setData({ form: null }); },
  onFormInput(e) { this.setData({ [`form.${dataset(e).field}`]: e.detail.value, 'form.error': '' }); },
  onGrid(e) { this.setData({ 'form.gridIndex': Number(e.detail.value) }); },

  onTeam(e) {
    const id = Number(dataset(e).id);
    const ids = this.data.form.teamIds;
    this.setData({ 'form.teamIds': ids.includes(id) ? ids.filter((x) => x !== id) : ids.concat([id]) });
    this.setData({ teams: this.data.teams.map((t) => ({ ...t, on: this.data.form.teamIds.includes(t.id) })) });
  },

  async loadPlaces() {
    try {
      const [grids, teams] = await Promise.all([
        review.grids(this.data.communityId), review.teams(this.data.communityId)]);
      const g = grids.items || [];
      this.setData({ grids: g, gridNames: g.map((x) => x.name), teams: (teams.items || []).map((t) => ({ ...t, on: false })) });
    } catch (e) {
      this.setData({ 'form.error': showError(e) });
    }
  },

  onSubmitForm() {
    const { form, tab } = this.data;
    const reason = form.reason.trim();
    if (form.kind === 'reject') {
      if (reason.length < 2) {
        this.setData({ 'form.error': '请填写原因（至少2个字），申请人会看到' });
        return undefined;
      }
      const reject = {
        bindings: () => review.rejectBinding(form.id, reason),
        content: () => review.cancelRequest(form.id, reason),
        party: () => review.rejectRegistration(form.id, reason),
        attendances: () => review.rejectAttendance(form.id, reason),
        manual: () => review.rejectAttendance(form.id, reason),
      }[tab];
      return this.decide(form.id, reject, tab === 'content' ? '已取消' : '已驳回');
    }
    if (form.kind === 'partial') {
      const minutes = Number(form.minutes);
      if (!Number.isInteger(minutes) || minutes < 0 || minutes >= form.max) {
        this.setData({ 'form.error': `请填写认定的分钟数（0-${form.max - 1} 的整数）` });
        return undefined;
      }
      return this.decide(form.id, () => review.approveAttendance(form.id, minutes), '已通过');
    }
    // party: a grid is needed; teams are optional
    const grid = this.data.grids[form.gridIndex];
    if (!grid) {
      this.setData({ 'form.error': '请选择所在网格' });
      return undefined;
    }
    return this.decide(form.id, () => review.approveRegistration(form.id, { gridId: grid.id, teamIds: form.teamIds }), '已通过');
  },
}));

/**
 * 服务: the workbench of the active role. Residents see their requests; partners, staff,
 * volunteers and merchants see the entries of their subpackage. Several roles: switch on top.
 */
const orders = require('../../services/orders');
const approvals = require('../../services/approvals');
const session = require('../../utils/session');
const { createPager, emptyList } = require('../../utils/pager');
const { basePage, showError, dataset, shortTime } = require('../../utils/ui');
const { requestBadge } = require('../../utils/status');

const WORKBENCH = {
  partner_member: [
    { text: '指派给我的任务', url: '/packages/partner/tasks/index?tab=assigned' },
    { text: '任务池（可认领）', url: '/packages/partner/tasks/index?tab=pool' },
  ],
  staff: [
    { text: '审核', url: '/packages/staff/approvals/index', counts: true },
    { text: '派单队列', url: '/packages/staff/queue/index?tab=submitted' },
    { text: '纠纷处理', url: '/packages/staff/queue/index?tab=disputed' },
    { text: '活动与班次', url: '/packages/staff/activities/index' },
    { text: '现场签到码', url: '/packages/staff/checkin-code/index' },
    { text: '楼栋位置', url: '/packages/staff/buildings/index' },
    { text: '社情民意办理', url: '/packages/feedback/queue/index?scope=community' },
    { text: '协商表决（发起、开始、计票）', url: '/packages/consult/consultations/index' },
    { text: '改造清单', url: '/packages/consult/renovations/index' },
    { text: '大党委会议', url: '/packages/governance/meetings/index' },
    { text: '社区项目', url: '/packages/governance/projects/index' },
    { text: '小区共管账户', url: '/packages/governance/account/index' },
    { text: '扫码登录管理后台', url: '/packages/staff/console-login/index' },
  ],
  owners_committee: [
    { text: '共管账户：会签与录入', url: '/packages/governance/account/index' },
    { text: '社区项目', url: '/packages/governance/projects/index' },
  ],
  property: [
    { text: '共管账户：会签与录入', url: '/packages/governance/account/index' },
    { text: '社区项目', url: '/packages/governance/projects/index' },
  ],
  grid_worker: [{ text: '网格社情民意', url: '/packages/feedback/queue/index?scope=grid' }],
  street_admin: [
    { text: '街道转办的社情民意', url: '/packages/feedback/queue/index?scope=street' },
    { text: '扫码登录管理后台', url: '/packages/staff/console-login/index' },
  ],
  org_dept: [{ text: '扫码登录管理后台', url: '/packages/staff/console-login/index' }],
  volunteer: [
    { text: '志愿活动与班次', url: '/packages/volunteer/activities/index' },
    { text: '我的志愿时长', url: '/packages/volunteer/hours/index' },
    { text: '志愿排行', url: '/packages/volunteer/leaderboard/index' },
    { text: '志愿队伍', url: '/packages/volunteer/teams/index' },
  ],
  party_member: [
    { text: '党员双报到', url: '/packages/volunteer/party/index' },
    { text: '党员邻居走访', url: '/packages/volunteer/visits/index' },
    { text: '志愿活动与班次', url: '/packages/volunteer/activities/index' },
    { text: '我的志愿时长', url: '/packages/volunteer/hours/index' },
    { text: '志愿排行', url: '/packages/volunteer/leaderboard/index' },
  ],
  mediator: [{ text: '我的调解案件', url: '/packages/volunteer/mediations/index' }],
  merchant: [
    { text: '扫码核销', url: '/packages/merchant/writeoff/index' },
    { text: '核销记录', url: '/packages/merchant/sales/index' },
    { text: '我的商品', url: '/packages/merchant/items/index' },
  ],
  admin: [
    { text: '审核', url: '/packages/staff/approvals/index', counts: true },
    { text: '派单队列', url: '/packages/staff/queue/index?tab=submitted' },
    { text: '活动与班次', url: '/packages/staff/activities/index' },
    { text: '扫码登录管理后台', url: '/packages/staff/console-login/index' },
  ],
};

const FILTERS = [
  { key: '', text: '全部' },
  { key: 'completed', text: '待确认' },
  { key: 'confirmed', text: '已完成' },
];

Page(basePage({
  data: {
    roles: [],
    role: 'resident',
    entries: [],
    filters: FILTERS,
    filter: '',
    list: emptyList(),
  },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => orders.list({
      scope: 'mine', status: this.data.filter, ...page,
    }), { decorate: (r) => ({ ...r, badge: requestBadge(r.status), when: shortTime(r.created_at) }) });
  },

  onPullDownRefresh() {
    (this.data.role === 'resident' ? this.pager.reload() : this.onShow()).then(() => wx.stopPullDownRefresh());
  },

  async onShow() {
    try {
      const user = session.cachedUser() || await session.refreshUser();
      this.applyRole(user, session.activeRole(user));
    } catch (e) {
      showError(e);
    }
  },

  applyRole(user, role) {
    this.user = user;
    this.setData({ roles: session.rolesOf(user), role, entries: WORKBENCH[role] || [] });
    if (role === 'resident') this.pager.reload();
    if (this.data.entries.some((x) => x.counts)) this.loadCounts(user);
  },

  /** The 审核 entry says how much waits (for the community being worked on). */
  async loadCounts(user) {
    const communityId = session.workCommunity(user);
    if (!communityId) return;
    try {
      const counts = await approvals.counts(communityId);
      this.setData({
        entries: this.data.entries.map((x) => (x.counts ? { ...x, note: counts.total ? `${counts.total} 件待审核` : '暂无待审核' } : x)),
      });
    } catch (e) {
      // The badge is secondary; the inbox shows its own error when opened.
    }
  },

  onRole(e) {
    const { role } = dataset(e);
    session.setActiveRole(role);
    this.applyRole(this.user, role);
  },

  onFilter(e) {
    this.setData({ filter: dataset(e).key });
    this.pager.reload();
  },

  onReachBottom() {
    if (this.data.role === 'resident') this.pager.more();
  },

  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onEntry(e) {
    wx.navigateTo({ url: dataset(e).url });
  },

  onOrder() {
    wx.navigateTo({ url: '/packages/resident/order/index' });
  },

  onRequest(e) {
    wx.navigateTo({ url: `/packages/resident/request/index?id=${dataset(e).id}` });
  },
}));

/**
 * 派单队列 (staff): my community's requests in every live state — waiting for dispatch, dispatched,
 * in the pool, accepted, in service, waiting for the resident's confirmation — and disputes, each
 * with its deadline. 待居民确认: proxy orders (代下单) waiting for the resident's own agreement,
 * each with who placed it and when it lapses (the API cancels it then). The API sorts by deadline (overdue first); the page keeps that order and
 * says "已超时" in words. An admin (or staff of several communities) picks the community first.
 */
const orders = require('../../../services/orders');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime } = require('../../../utils/ui');
const { requestBadge, PLACED_AS, label } = require('../../../utils/status');

const TABS = [
  { key: 'submitted', text: '待派单' },
  { key: 'dispatched', text: '已派单' },
  { key: 'pooled', text: '任务池' },
  { key: 'accepted', text: '已接单' },
  { key: 'in_service', text: '服务中' },
  { key: 'completed', text: '待确认' },
  { key: 'disputed', text: '纠纷' },
  { key: 'proposed', text: '待居民确认' },
];

/** What the deadline of each state is for. */
const DEADLINE_LABELS = {
  proposed: '未确认将于', submitted: '派单时限', dispatched: '接单时限', pooled: '认领时限', accepted: '上门时限', completed: '确认时限',
};

function isOverdue(r, now) {
  if (typeof r.overdue === 'boolean') return r.overdue;
  const deadline = r.deadline_at || r.deadline;
  return Boolean(deadline) && new Date(deadline).getTime() < now;
}

/** Overdue first, otherwise the API's order (a stable sort keeps it). */
function overdueFirst(items, now = Date.now()) {
  return items
    .map((r, i) => ({ ...r, isOverdue: isOverdue(r, now), i }))
    .sort((a, b) => (Number(b.isOverdue) - Number(a.isOverdue)) || (a.i - b.i));
}

Page(basePage({
  data: { tabs: TABS, tab: 'submitted', queue: emptyList(), communityId: null, needCommunity: false },

  onLoad(query) {
    if (query && TABS.some((t) => t.key === query.tab)) this.setData({ tab: query.tab });
    this.pager = createPager(this, 'queue', async (page) => {
      const res = await orders.list({
        scope: 'community', community_id: this.data.communityId, status: this.data.tab, ...page,
      });
      return { ...res, items: overdueFirst(res.items || []) };
    }, {
      decorate: (r) => ({
        ...r,
        badge: requestBadge(r.status),
        when: shortTime(r.created_at),
        deadline: r.deadline_at ? `${DEADLINE_LABELS[r.status] || '时限'} ${shortTime(r.deadline_at)}`
          + (r.status === 'proposed' ? ' 自动取消' : '') : '',
        placedBy: r.placed_by ? `${label(PLACED_AS, r.placed_by.placed_as)}：${r.placed_by.nickname}` : '',
      }),
    });
  },

  async onShow() {
    const user = session.cachedUser() || await session.refreshUser().catch(() => null);
    const communityId = session.workCommunity(user);
    this.setData({ communityId, needCommunity: !communityId });
    if (communityId) this.pager.reload();
  },

  onCommunity(e) {
    this.setData({ communityId: e.detail.id, needCommunity: false });
    this.pager.reload();
  },

  onPullDownRefresh() {
    const done = this.data.communityId ? this.pager.reload() : Promise.resolve();
    done.then(() => wx.stopPullDownRefresh());
  },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onTab(e) {
    this.setData({ tab: dataset(e).key });
    this.pager.reload();
  },

  /** 代下单 for a resident who phoned or came in. */
  onProxyOrder() {
    wx.navigateTo({ url: '/packages/resident/proxy-order/index?as=staff' });
  },

  onOpen(e) {
    const { id, status } = dataset(e);
    const page = status === 'disputed' ? 'resolve' : 'dispatch';
    wx.navigateTo({ url: `/packages/staff/${page}/index?id=${id}` });
  },
}));

module.exports = { overdueFirst };

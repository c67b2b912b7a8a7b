/**
 * 派单队列 and 纠纷: my community's requests waiting for dispatch (overdue first) or in dispute.
 * The API already sorts overdue first; the page keeps that order and says "已超时" in words.
 */
const orders = require('../../../services/orders');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime } = require('../../../utils/ui');
const { requestBadge } = require('../../../utils/status');

const TABS = [
  { key: 'submitted', text: '待派单' },
  { key: 'pooled', text: '任务池中' },
  { key: 'disputed', text: '纠纷' },
];

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
  data: { tabs: TABS, tab: 'submitted', queue: emptyList() },

  onLoad(query) {
    if (query && TABS.some((t) => t.key === query.tab)) this.setData({ tab: query.tab });
    this.pager = createPager(this, 'queue', async (page) => {
      const res = await orders.list({ scope: 'community', status: this.data.tab, ...page });
      return { ...res, items: overdueFirst(res.items || []) };
    }, { decorate: (r) => ({ ...r, badge: requestBadge(r.status), when: shortTime(r.created_at) }) });
  },

  onShow() { this.pager.reload(); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onTab(e) {
    this.setData({ tab: dataset(e).key });
    this.pager.reload();
  },

  onOpen(e) {
    const { id, status } = dataset(e);
    const page = status === 'disputed' ? 'resolve' : 'dispatch';
    wx.navigateTo({ url: `/packages/staff/${page}/index?id=${id}` });
  },
}));

module.exports = { overdueFirst };

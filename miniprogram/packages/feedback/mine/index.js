/**
 * 社情民意: my reports, each with its deadline clock (what it waits for, by when, overdue), and
 * the reports still being handled in my community, where I can add "我也遇到" instead of
 * filing the same problem again.
 */
const feedback = require('../services/feedback');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { decorate } = require('../common');

const TABS = [
  { key: 'mine', text: '我反映的' },
  { key: 'open', text: '社区里的问题' },
];

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: { tabs: TABS, tab: 'mine', list: emptyList() },

  onLoad(query) {
    if (query && TABS.some((t) => t.key === query.tab)) this.setData({ tab: query.tab });
    this.pager = createPager(this, 'list', async (page) => {
      if (this.data.tab === 'mine') return feedback.list({ scope: 'mine', ...page });
      const user = session.cachedUser() || await session.refreshUser();
      return feedback.list({ scope: 'open', community_id: session.communityOf(user), ...page });
    }, { decorate });
  },

  onShow() { this.pager.reload(); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onTab(e) {
    this.setData({ tab: dataset(e).key });
    this.pager.reload();
  },

  onReport() {
    wx.navigateTo({ url: '/packages/feedback/report/index' });
  },

  onOpen(e) {
    wx.navigateTo({ url: `/packages/feedback/detail/index?id=${dataset(e).id}` });
  },

  async onSupport(e) {
    const id = Number(dataset(e).id);
    try {
      const updated = decorate(await feedback.support(id));
      const items = this.data.list.items.map((r) => (r.id === id ? updated : r));
      this.setData({ 'list.items': items });
      showOk('已附议');
    } catch (err) {
      showError(err);
    }
  },
}));

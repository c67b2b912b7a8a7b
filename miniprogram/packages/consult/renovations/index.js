/** 改造清单: the renovation lists of my compounds (staff: of their community). */
const renovations = require('../services/renovations');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime, showError } = require('../../../utils/ui');
const { renovationBadge } = require('../../../utils/status');

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: { list: emptyList() },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => renovations.list({
      community_id: this.communityId || undefined, ...page,
    }), {
      decorate: (r) => ({ ...r, badge: renovationBadge(r.status), when: shortTime(r.created_at) }),
    });
  },

  async onShow() {
    try {
      const user = session.cachedUser() || await session.refreshUser();
      this.communityId = session.activeRole(user) === 'staff'
        ? session.communityOf(user, 'staff') : null;
    } catch (e) {
      showError(e);
    }
    this.pager.reload();
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onOpen(e) {
    wx.navigateTo({ url: `/packages/consult/renovation/index?id=${dataset(e).id}` });
  },
}));

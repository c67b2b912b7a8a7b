/**
 * 协商表决: residents see the consultations of their households (open ones first in the API's
 * newest-first order); staff see their community's and start a new one.
 */
const consultations = require('../services/consultations');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime, showError } = require('../../../utils/ui');
const { consultationBadge, RULE_NAMES, label } = require('../../../utils/status');

const pct = (x) => `${Math.round((x || 0) * 1000) / 10}%`;

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: { list: emptyList(), staff: false },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => consultations.list({
      community_id: this.communityId || undefined, ...page,
    }), {
      decorate: (c) => ({
        ...c,
        badge: consultationBadge(c),
        ruleName: label(RULE_NAMES, c.rule.kind),
        until: shortTime(c.closes_at),
        turnoutText: `已投 ${c.voted}/${c.eligible} 户（${pct(c.turnout)}）`,
      }),
    });
  },

  async onShow() {
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const staff = session.activeRole(user) === 'staff';
      this.communityId = staff ? session.communityOf(user, 'staff') : null;
      this.setData({ staff });
    } catch (e) {
      showError(e);
    }
    this.pager.reload();
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onOpen(e) {
    wx.navigateTo({ url: `/packages/consult/consultation/index?id=${dataset(e).id}` });
  },

  onNew() {
    wx.navigateTo({ url: '/packages/consult/consultation-new/index' });
  },
}));

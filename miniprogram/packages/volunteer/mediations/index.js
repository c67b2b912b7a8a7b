/** 我的调解案件: the cases I mediate, open for more than a month first (flagged 超期). */
const mediation = require('../services/mediation');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime } = require('../../../utils/ui');
const { mediationBadge, MEDIATION_KINDS, label } = require('../../../utils/status');

Page(basePage({
  data: { list: emptyList() },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => mediation.list({ scope: 'mine', ...page }), {
      decorate: (c) => ({
        ...c,
        badge: mediationBadge(c),
        kindLabel: label(MEDIATION_KINDS, c.kind),
        opened: shortTime(c.opened_at),
        partyNames: c.parties.map((p) => p.name).join('、'),
      }),
    });
  },

  onShow() { this.pager.reload(); },
  onPullDownRefresh() {
    this.pager.reload().then(() => wx.stopPullDownRefresh());
  },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onCase(e) {
    wx.navigateTo({ url: `/packages/volunteer/mediation/index?id=${dataset(e).id}` });
  },
}));

/** 核销记录: the merchant's written-off vouchers, newest first (buyer's name masked). */
const shop = require('../services/shop');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, shortTime } = require('../../../utils/ui');

Page(basePage({
  data: { list: emptyList() },

  onLoad() {
    this.pager = createPager(this, 'list', async (page) => {
      const user = session.cachedUser() || await session.refreshUser();
      const scope = session.scopeOf(user, 'merchant');
      return shop.writeoffs(scope && scope.merchant_id, page);
    }, { decorate: (v) => ({ ...v, when: shortTime(v.used_at) }) });
  },

  onShow() { this.pager.reload(); },
  onPullDownRefresh() { this.pager.reload().then(() => wx.stopPullDownRefresh()); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },
}));

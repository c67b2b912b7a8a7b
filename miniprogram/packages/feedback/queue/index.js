/**
 * 社情民意 queue of those who handle reports: a grid worker's grid, a community's staff, or the
 * street's admin (reports transferred to the street). The API sorts by deadline, overdue first;
 * the page keeps that order and says "已超时" in words. Unaccepted reports can be accepted here.
 */
const feedback = require('../services/feedback');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { decorate } = require('../common');

const TABS = {
  grid: [{ key: '', text: '全部' }, { key: 'open', text: '待受理' },
    { key: 'accepted', text: '办理中' }, { key: 'reopened', text: '重新办理' }],
  community: [{ key: '', text: '全部' }, { key: 'open', text: '待受理' },
    { key: 'accepted', text: '办理中' }, { key: 'reopened', text: '重新办理' },
    { key: 'transferred', text: '已转街道' }],
  street: [{ key: 'transferred', text: '待街道受理' }, { key: 'accepted', text: '办理中' },
    { key: '', text: '全部' }],
};
const ROLE_SCOPE = { grid_worker: 'grid', staff: 'community', admin: 'community', street_admin: 'street' };

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: { scope: 'community', tabs: TABS.community, tab: '', queue: emptyList() },

  onLoad(query) {
    this.presetScope = query && TABS[query.scope] ? query.scope : null;
    this.pager = createPager(this, 'queue', (page) => {
      const q = { scope: this.data.scope, status: this.data.tab, ...page };
      if (this.data.scope === 'community') q.community_id = this.communityId;
      if (this.data.scope === 'grid') q.grid_id = this.gridId;
      return feedback.list(q);
    }, { decorate });
  },

  async onShow() {
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const scope = this.presetScope || ROLE_SCOPE[session.activeRole(user)] || 'community';
      const grant = session.scopeOf(user, scope === 'grid' ? 'grid_worker' : 'staff');
      this.communityId = (grant && grant.community_id) || session.communityOf(user, 'staff');
      this.gridId = scope === 'grid' && grant ? grant.grid_id : undefined;
      if (scope !== this.data.scope) {
        this.setData({ scope, tabs: TABS[scope], tab: TABS[scope][0].key });
      }
      await this.pager.reload();
    } catch (e) {
      showError(e);
    }
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onTab(e) {
    this.setData({ tab: dataset(e).key });
    this.pager.reload();
  },

  onOpen(e) {
    wx.navigateTo({ url: `/packages/feedback/detail/index?id=${dataset(e).id}` });
  },

  async onAccept(e) {
    try {
      await feedback.accept(Number(dataset(e).id));
      showOk('已受理');
      await this.pager.reload();
    } catch (err) {
      showError(err);
      if (err.code === 'invalid_transition') await this.pager.reload();
    }
  },
}));

/** 首页: service categories to order from, my open requests, unread notices. */
const catalog = require('../../services/catalog');
const orders = require('../../services/orders');
const notifications = require('../../services/notifications');
const session = require('../../utils/session');
const {
  basePage, showError, dataset, elderOffered, answerElderOffer, syncTabBar,
} = require('../../utils/ui');
const { messageOf } = require('../../utils/errors');
const { requestBadge, OPEN_REQUEST_STATUSES, ROLES } = require('../../utils/status');
const { shortTime } = require('../../utils/ui');

Page(basePage({
  data: {
    nickname: '',
    roleLabel: '',
    isResident: true,
    categories: { items: [], state: 'loading', error: '' },
    open: { items: [], state: 'loading', error: '' },
    unread: 0,
    offerElder: false,
  },

  onShow() {
    this.setData({ offerElder: !elderOffered() });
    this.refresh();
  },

  /** The first screen offers large type (already on when WeChat's own font is large). */
  onElderOffer(e) {
    const on = dataset(e).on === 'yes';
    answerElderOffer(on);
    this.setData({ elder: on, offerElder: false });
    syncTabBar(this, on);
  },

  onPullDownRefresh() {
    this.refresh().then(() => wx.stopPullDownRefresh());
  },

  refresh() {
    return Promise.all([this.loadUser(), this.loadCategories(), this.loadOpen(), this.loadUnread()]);
  },

  async loadUser() {
    try {
      const user = await session.refreshUser();
      const role = session.activeRole(user);
      this.setData({ nickname: user.nickname, roleLabel: ROLES[role], isResident: role === 'resident' });
    } catch (e) {
      showError(e);
    }
  },

  async loadCategories() {
    this.setData({ categories: { items: this.data.categories.items, state: 'loading', error: '' } });
    try {
      const res = await catalog.categories({ limit: 100 });
      const items = res.items || [];
      this.setData({ categories: { items, state: items.length ? 'noMore' : 'empty', error: '' } });
    } catch (e) {
      this.setData({ categories: { items: [], state: 'error', error: messageOf(e) } });
    }
  },

  async loadOpen() {
    this.setData({ open: { items: this.data.open.items, state: 'loading', error: '' } });
    try {
      const res = await orders.list({ scope: 'mine', limit: 20 });
      const items = (res.items || [])
        .filter((r) => OPEN_REQUEST_STATUSES.includes(r.status))
        .map((r) => ({ ...r, badge: requestBadge(r.status), when: shortTime(r.created_at) }));
      this.setData({ open: { items, state: items.length ? 'noMore' : 'empty', error: '' } });
    } catch (e) {
      this.setData({ open: { items: [], state: 'error', error: messageOf(e) } });
    }
  },

  async loadUnread() {
    try {
      const res = await notifications.unread();
      this.setData({ unread: (res.items || []).length });
    } catch (e) {
      // The badge is secondary; the inbox page shows its own error when opened.
      this.setData({ unread: 0 });
    }
  },

  onCategory(e) {
    wx.navigateTo({ url: `/packages/resident/order/index?category_id=${dataset(e).id}` });
  },

  onRequest(e) {
    wx.navigateTo({ url: `/packages/resident/request/index?id=${dataset(e).id}` });
  },

  onOrder() {
    wx.navigateTo({ url: '/packages/resident/order/index' });
  },

  onInbox() {
    wx.navigateTo({ url: '/packages/resident/notifications/index' });
  },

  onWorkbench() {
    wx.switchTab({ url: '/pages/services/index' });
  },
}));

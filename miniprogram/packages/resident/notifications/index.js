/** 消息: my inbox, newest first; opening one marks it read and goes to what it is about. */
const notifications = require('../../../services/notifications');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, dataset, shortTime } = require('../../../utils/ui');

Page(basePage({
  data: { inbox: emptyList() },

  onLoad() {
    this.pager = createPager(this, 'inbox', (page) => notifications.list(page), {
      decorate: (n) => ({ ...n, when: shortTime(n.created_at), unread: !n.read_at }),
    });
  },

  onShow() { this.pager.reload(); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  async onOpen(e) {
    const id = Number(dataset(e).id);
    const index = this.data.inbox.items.findIndex((n) => n.id === id);
    const note = this.data.inbox.items[index];
    if (!note) return;
    try {
      if (note.unread) {
        await notifications.markRead(id);
        this.setData({ [`inbox.items[${index}].unread`]: false });
      }
    } catch (err) {
      showError(err);
    }
    const m = /^request:(\d+)/.exec(note.ref || '');
    if (m) wx.navigateTo({ url: `/packages/resident/request/index?id=${m[1]}` });
    const f = /^feedback:(\d+)/.exec(note.ref || '');
    if (f) wx.navigateTo({ url: `/packages/feedback/detail/index?id=${f[1]}` });
  },

  async onReadAll() {
    try {
      await notifications.markAllRead();
      this.pager.reload();
    } catch (e) {
      showError(e);
    }
  },
}));

/**
 * 消息: my inbox, newest first; opening one marks it read and goes to what it is about — the
 * page the API chose for my role in it (the same page its WeChat message opens).
 */
const notifications = require('../../../services/notifications');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, dataset, shortTime } = require('../../../utils/ui');

/** Where an item leads: its `page`; items from before pages were sent fall back on the ref. */
function pageOf(note) {
  if (note.page) return `/${note.page.replace(/^\//, '')}`;
  const m = /^request:(\d+)/.exec(note.ref || '');
  if (m) return `/packages/resident/request/index?id=${m[1]}`;
  const f = /^feedback:(\d+)/.exec(note.ref || '');
  return f ? `/packages/feedback/detail/index?id=${f[1]}` : '';
}

Page(basePage({
  data: { inbox: emptyList() },

  onLoad() {
    this.pager = createPager(this, 'inbox', (page) => notifications.list(page), {
      decorate: (n) => ({ ...n, when: shortTime(n.created_at), unread: !n.read_at }),
    });
  },

  onPullDownRefresh() {
    this.pager.reload().then(() => wx.stopPullDownRefresh());
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
    const url = pageOf(note);
    if (url) wx.navigateTo({ url });
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

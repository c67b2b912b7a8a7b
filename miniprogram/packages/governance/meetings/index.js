/** 大党委会议 (staff): the community's meetings, newest first, and a new meeting with its agenda. */
const projects = require('../services/projects');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, shortTime, dataset } = require('../../../utils/ui');

function today() {
  const local = new Date(Date.now() + 8 * 3600 * 1000);
  return { date: local.toISOString().slice(0, 10), time: local.toISOString().slice(11, 16) };
}

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    list: emptyList(), title: '', agenda: '', formError: '', busy: false, ...today(),
  },

  onLoad() {
    this.key = http.newIdempotencyKey();
    this.pager = createPager(this, 'list', (page) => projects.meetings(this.community(), page), {
      decorate: (m) => ({ ...m, when: shortTime(m.held_at), topics: m.agenda.map((a) => a.title).join('；') }),
    });
  },

  community() {
    return session.communityOf(session.cachedUser(), 'staff');
  },

  onShow() { this.pager.reload(); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  changed(values) {
    this.key = http.newIdempotencyKey();
    this.setData({ ...values, formError: '' });
  },
  onTitle(e) { this.changed({ title: e.detail.value }); },
  onAgenda(e) { this.changed({ agenda: e.detail.value }); },
  onDate(e) { this.changed({ date: e.detail.value }); },
  onTime(e) { this.changed({ time: e.detail.value }); },

  async onCreate() {
    const title = this.data.title.trim();
    const agenda = this.data.agenda.split('\n').map((t) => t.trim()).filter(Boolean);
    if (!title) {
      this.setData({ formError: '请填写会议名称' });
      return;
    }
    if (this.data.busy) return;
    this.setData({ busy: true, formError: '' });
    try {
      const made = await projects.createMeeting({
        communityId: this.community(), heldAt: `${this.data.date}T${this.data.time}:00+08:00`,
        title, agenda,
      }, this.key);
      this.key = http.newIdempotencyKey();
      this.setData({ title: '', agenda: '' });
      showOk('会议已创建');
      wx.navigateTo({ url: `/packages/governance/meeting/index?id=${made.id}` });
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },

  onMeeting(e) {
    wx.navigateTo({ url: `/packages/governance/meeting/index?id=${dataset(e).id}` });
  },
}));

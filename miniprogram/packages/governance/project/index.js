/**
 * 项目详情: progress notes with photos, the result; its owner or staff record progress, start
 * it and mark it done; staff may drop it with a reason.
 */
const projects = require('../services/projects');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const { basePage, showError, showOk, shortTime, confirm } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { projectBadge } = require('../../../utils/status');

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', item: null, badge: null, progress: [], staff: false,
    note: '', percent: '', result: '', reason: '', formError: '', busy: false,
  },

  onLoad(query) {
    this.projectId = Number(query.id);
    this.progressKey = http.newIdempotencyKey();
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const item = await projects.get(this.projectId);
      const user = session.cachedUser();
      this.setData({
        state: 'ready',
        item: { ...item, held: shortTime(item.meeting.held_at), finished: shortTime(item.finished_at) },
        badge: projectBadge(item.status),
        staff: Boolean(user && session.activeRole(user) === 'staff'),
        progress: item.progress.map((p) => ({ ...p, when: shortTime(p.at) })).reverse(),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onNote(e) { this.setData({ note: e.detail.value }); },
  onPercent(e) { this.setData({ percent: e.detail.value }); },
  onResult(e) { this.setData({ result: e.detail.value }); },
  onReason(e) { this.setData({ reason: e.detail.value }); },

  async run(action, done) {
    if (this.data.busy) return;
    this.setData({ busy: true, formError: '' });
    try {
      await action();
      showOk(done);
      await this.load();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },

  onStart() {
    return this.run(() => projects.start(this.projectId), '已开始实施');
  },

  onProgress() {
    const note = this.data.note.trim();
    const percent = Number(this.data.percent);
    if (!note) {
      this.setData({ formError: '请填写本次进展' });
      return undefined;
    }
    if (!/^\d{1,3}$/.test(String(this.data.percent)) || percent > 100) {
      this.setData({ formError: '进度请填写 0 到 100 的整数' });
      return undefined;
    }
    if (percent < this.data.item.percent) {
      this.setData({ formError: `进度不能低于当前的${this.data.item.percent}%` });
      return undefined;
    }
    return this.run(async () => {
      await projects.progress(this.projectId, { note, percent }, this.progressKey);
      this.progressKey = http.newIdempotencyKey();
      this.setData({ note: '', percent: '' });
    }, '进展已记录');
  },

  onDone() {
    const result = this.data.result.trim();
    if (!result) {
      this.setData({ formError: '请填写办结情况' });
      return undefined;
    }
    return this.run(() => projects.done(this.projectId, { result }), '项目已办结');
  },

  async onDrop() {
    const reason = this.data.reason.trim();
    if (!reason) {
      this.setData({ formError: '终止项目须写明原因' });
      return;
    }
    if (!(await confirm('终止项目', `确定终止“${this.data.item.title}”？`))) return;
    await this.run(() => projects.drop(this.projectId, reason), '项目已终止');
  },
}));

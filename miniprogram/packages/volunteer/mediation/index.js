/**
 * 调解案件: the parties (in full for the case's mediators and staff, masked for others), earlier
 * cases between the same households or at the same address, the sessions, and a form to record
 * a session held by me.
 */
const mediation = require('../services/mediation');
const session = require('../../../utils/session');
const { basePage, showError, showOk, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { mediationBadge, MEDIATION_KINDS, label } = require('../../../utils/status');

const MATCH = { address: '同一地址', households: '同样的住户' };

function today() {
  const local = new Date(Date.now() + 8 * 3600 * 1000); // Asia/Shanghai
  return {
    date: local.toISOString().slice(0, 10),
    time: local.toISOString().slice(11, 16),
  };
}

Page(basePage({
  data: {
    state: 'loading', error: '', item: null, badge: null, sessions: [], related: [],
    date: '', time: '', notes: '', formError: '', busy: false,
  },

  onLoad(query) {
    this.caseId = Number(query.id);
    this.setData(today());
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const item = await mediation.get(this.caseId);
      this.setData({
        state: 'ready',
        item: { ...item, kindLabel: label(MEDIATION_KINDS, item.kind), opened: shortTime(item.opened_at) },
        badge: mediationBadge(item),
        sessions: item.sessions.map((s) => ({
          ...s, when: shortTime(s.at), names: s.mediators.map((m) => m.nickname).join('、'),
        })),
        related: item.related.map((r) => ({
          ...r, badge: mediationBadge(r), opened: shortTime(r.opened_at),
          why: r.match.map((m) => MATCH[m] || m).join('、'),
        })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  onDate(e) { this.setData({ date: e.detail.value }); },
  onTime(e) { this.setData({ time: e.detail.value }); },
  onNotes(e) { this.setData({ notes: e.detail.value }); },

  async onSession() {
    const notes = this.data.notes.trim();
    if (!notes) {
      this.setData({ formError: '请填写本次调解的情况' });
      return;
    }
    const user = session.cachedUser() || await session.refreshUser();
    this.setData({ busy: true, formError: '' });
    try {
      await mediation.addSession(this.caseId, {
        at: `${this.data.date}T${this.data.time}:00+08:00`, notes, mediatorIds: [user.id],
      });
      showOk('已记录');
      this.setData({ notes: '' });
      await this.load();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));

/**
 * One renovation list: the items taken into it (and my own proposals with their state), the
 * consultation it went to and its result; while it collects proposals, a form to propose one.
 */
const renovations = require('../services/renovations');
const { basePage, showError, showOk } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const {
  renovationBadge, renovationItemBadge, consultationBadge,
} = require('../../../utils/status');

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', r: null, badge: null, items: [], consultation: null,
    title: '', detail: '', formError: '', busy: false,
  },

  onLoad(query) {
    this.renovationId = Number(query.id);
    this.load();
  },

  async load() {
    try {
      this.show(await renovations.get(this.renovationId));
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  show(r) {
    this.setData({
      state: 'ready',
      r,
      badge: renovationBadge(r.status),
      items: r.items.map((i) => ({ ...i, badge: renovationItemBadge(i.status) })),
      consultation: r.consultation ? { ...r.consultation, badge: consultationBadge(r.consultation) } : null,
    });
  },

  onTitle(e) { this.setData({ title: e.detail.value }); },
  onDetail(e) { this.setData({ detail: e.detail.value }); },

  async onPropose() {
    const title = this.data.title.trim();
    if (!title) { this.setData({ formError: '请写下要改造的地方' }); return; }
    if (this.data.busy) return;
    this.setData({ busy: true, formError: '' });
    try {
      this.show(await renovations.propose(this.renovationId, { title, detail: this.data.detail.trim() }));
      this.setData({ title: '', detail: '' });
      showOk('已提交');
    } catch (err) {
      showError(err);
    } finally {
      this.setData({ busy: false });
    }
  },

  onConsultation() {
    wx.navigateTo({ url: `/packages/consult/consultation/index?id=${this.data.consultation.id}` });
  },

  onRetry() { this.load(); },
}));

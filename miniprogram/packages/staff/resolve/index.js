/** 处理纠纷: read the dispute on the timeline, then confirm (with minutes), redo or cancel. */
const orders = require('../../../services/orders');
const { basePage, showError, showOk, dataset, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { RESOLVE_OUTCOMES, REQUEST_ACTIONS, label } = require('../../../utils/status');

Page(basePage({
  data: {
    req: null, events: [], state: 'loading', error: '',
    outcomes: Object.keys(RESOLVE_OUTCOMES).map((key) => ({ key, text: RESOLVE_OUTCOMES[key] })),
    outcome: '', minutes: '', formError: '', busy: false,
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  onLoad(query) {
    this.targetId = Number(query.id);
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const [req, events] = await Promise.all([orders.get(this.targetId), orders.events(this.targetId, { limit: 100 })]);
      this.setData({
        req,
        state: 'ready',
        events: (events.items || []).map((ev) => ({
          ...ev, actionLabel: label(REQUEST_ACTIONS, ev.action), when: shortTime(ev.at),
        })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onOutcome(e) { this.setData({ outcome: dataset(e).key, formError: '' }); },
  onMinutes(e) { this.setData({ minutes: e.detail.value }); },

  async onSubmit() {
    const { outcome } = this.data;
    if (!outcome) {
      this.setData({ formError: '请选择处理结果' });
      return;
    }
    let minutes;
    if (outcome === 'confirm' && this.data.minutes !== '') {
      minutes = Number(this.data.minutes);
      if (!Number.isInteger(minutes) || minutes < 1) {
        this.setData({ formError: '认定时长须为正整数分钟' });
        return;
      }
    }
    this.setData({ busy: true });
    try {
      await orders.resolve(this.targetId, outcome, minutes);
      showOk('已处理');
      wx.navigateBack();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));

/** 派单: the request, the partners the API ranks for it (with reasons), dispatch or pool it. */
const orders = require('../../../services/orders');
const { basePage, showError, showOk, confirm, dataset, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { requestBadge } = require('../../../utils/status');

Page(basePage({
  data: { req: null, badge: null, state: 'loading', error: '', candidates: { items: [], state: 'loading', error: '' }, busy: false },

  onLoad(query) {
    this.targetId = Number(query.id);
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const req = await orders.get(this.targetId);
      this.setData({ req, badge: requestBadge(req.status), when: shortTime(req.created_at), state: 'ready' });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
      return;
    }
    this.loadCandidates();
  },

  async loadCandidates() {
    this.setData({ candidates: { items: [], state: 'loading', error: '' } });
    try {
      const res = await orders.candidates(this.targetId);
      const items = res.items || [];
      this.setData({ candidates: { items, state: items.length ? 'noMore' : 'empty', error: '' } });
    } catch (e) {
      this.setData({ candidates: { items: [], state: 'error', error: messageOf(e) } });
    }
  },

  async run(fn, okText) {
    if (this.data.busy) return;
    this.setData({ busy: true });
    try {
      await fn();
      showOk(okText);
      wx.navigateBack();
    } catch (e) {
      showError(e);
      this.load();
    } finally {
      this.setData({ busy: false });
    }
  },

  async onDispatch(e) {
    const { id, name } = dataset(e);
    if (!(await confirm('确认派单', `派给“${name}”？`))) return;
    await this.run(() => orders.dispatch(this.targetId, Number(id)), '已派单');
  },

  async onPool() {
    if (!(await confirm('放入任务池', '符合条件的合伙人都可以认领，确定吗？'))) return;
    await this.run(() => orders.releaseToPool(this.targetId), '已放入任务池');
  },
}));

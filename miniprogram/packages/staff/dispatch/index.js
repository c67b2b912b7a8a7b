/**
 * 需求 (staff): the request with its deadline and timeline. While it waits (submitted, pooled),
 * the partners the API ranks for it (with reasons): dispatch, or put it in the pool. Until it is
 * confirmed, staff may cancel it with a reason. A proxy order waiting for the resident's
 * agreement (`proposed`) says who placed it and when it lapses; staff may cancel it too.
 */
const orders = require('../../../services/orders');
const { basePage, showError, showOk, confirm, dataset, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const {
  requestBadge, eventLabel, EVENT_ROLES, PLACED_AS, label,
} = require('../../../utils/status');

const DISPATCHABLE = ['submitted', 'pooled'];
const CANCELLABLE = ['proposed', 'submitted', 'dispatched', 'pooled', 'accepted', 'in_service', 'completed', 'disputed'];

Page(basePage({
  data: {
    req: null, badge: null, state: 'loading', error: '', events: [],
    candidates: { items: [], state: 'loading', error: '' }, busy: false,
    canDispatch: false, canCancel: false, reason: '', cancelError: '',
  },

  onLoad(query) {
    this.targetId = Number(query.id);
    this.load();
  },

  onPullDownRefresh() { this.load().then(() => wx.stopPullDownRefresh()); },

  async load() {
    this.setData({ state: 'loading', error: '' });
    let req;
    try {
      const [found, events] = await Promise.all([
        orders.get(this.targetId), orders.events(this.targetId, { limit: 100 })]);
      req = found;
      this.setData({
        req,
        badge: requestBadge(req.status),
        when: shortTime(req.created_at),
        deadline: shortTime(req.deadline_at),
        state: 'ready',
        canDispatch: DISPATCHABLE.includes(req.status),
        canCancel: CANCELLABLE.includes(req.status),
        waiting: req.status === 'proposed' ? {
          who: req.placed_by ? `${label(PLACED_AS, req.placed_by.placed_as)}：${req.placed_by.nickname}` : '',
          until: shortTime(req.deadline_at),
        } : null,
        events: ((events && events.items) || []).map((ev) => ({
          ...ev, actionLabel: eventLabel(ev),
          actorLabel: ev.actor ? label(EVENT_ROLES, ev.actor.role) : '系统', at: shortTime(ev.at),
        })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
      return;
    }
    if (DISPATCHABLE.includes(req.status)) await this.loadCandidates();
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

  onReason(e) { this.setData({ reason: e.detail.value, cancelError: '' }); },

  async onCancel() {
    const reason = this.data.reason.trim();
    if (reason.length < 2) {
      this.setData({ cancelError: '请填写取消原因（居民会看到）' });
      return;
    }
    if (!(await confirm('取消需求', '取消后预扣的积分退回居民，确定吗？'))) return;
    await this.run(() => orders.cancel(this.targetId, reason), '已取消');
  },
}));

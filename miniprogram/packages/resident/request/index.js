/**
 * One request: its state, the partner, the timeline, and what the resident can do next —
 * confirm with a rating, dispute with a reason, or cancel before the service starts.
 *
 * A proxy order (代下单) says who placed it and how the resident agreed; one waiting for the
 * resident (`proposed`) offers their own confirmation. Whoever placed it may cancel it too.
 */
const orders = require('../../../services/orders');
const session = require('../../../utils/session');
const subscribe = require('../../../utils/subscribe');
const { basePage, showError, showOk, confirm, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const {
  requestBadge, eventLabel, EVENT_ROLES, PLACED_AS, PROXY_CONSENTS, label,
} = require('../../../utils/status');

const CANCELLABLE = ['proposed', 'submitted', 'dispatched', 'pooled', 'accepted'];

Page(basePage({
  data: {
    state: 'loading',
    error: '',
    req: null,
    badge: null,
    events: [],
    mine: false,
    proxy: null,
    canAgree: false,
    canCancel: false,
    canConfirm: false,
    rating: 0,
    comment: '',
    reason: '',
    busy: false,
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
      const [req, events, user] = await Promise.all([
        orders.get(this.targetId), orders.events(this.targetId, { limit: 100 }),
        session.cachedUser() || session.refreshUser(),
      ]);
      const mine = Boolean(req.resident && user && req.resident.id === user.id);
      const placer = Boolean(req.placed_by && user && req.placed_by.id === user.id);
      this.setData({
        state: 'ready',
        req,
        badge: requestBadge(req.status),
        created: shortTime(req.created_at),
        events: (events.items || []).map((ev) => ({
          ...ev,
          actionLabel: eventLabel(ev),
          toLabel: requestBadge(ev.to_status).label,
          actorLabel: ev.actor ? label(EVENT_ROLES, ev.actor.role) : '系统',
          when: shortTime(ev.at),
        })),
        mine,
        proxy: req.placed_by ? {
          who: `${label(PLACED_AS, req.placed_by.placed_as)}：${req.placed_by.nickname}`,
          consent: req.consent ? label(PROXY_CONSENTS, req.consent.kind) : '',
          note: req.consent ? req.consent.note || '' : '',
        } : null,
        canAgree: mine && req.status === 'proposed',
        agreeBy: req.status === 'proposed' ? shortTime(req.deadline_at) : '',
        canCancel: (mine || placer) && CANCELLABLE.includes(req.status),
        canConfirm: mine && req.status === 'completed',
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onRate(e) { this.setData({ rating: Number(e.detail.value) }); },
  onComment(e) { this.setData({ comment: e.detail.value }); },
  onReason(e) { this.setData({ reason: e.detail.value }); },

  async run(action, okText) {
    if (this.data.busy) return;
    this.setData({ busy: true });
    try {
      await action();
      showOk(okText);
      this.setData({ reason: '', comment: '' });
      await this.load();
    } catch (e) {
      showError(e);
      if (e.code === 'invalid_transition') await this.load();
    } finally {
      this.setData({ busy: false });
    }
  },

  onConfirm() {
    if (this.data.rating < 1) {
      wx.showToast({ title: '请先打分（1-5星）', icon: 'none' });
      return undefined;
    }
    return this.run(() => orders.confirm(this.targetId, this.data.rating, this.data.comment.trim()),
      '已确认');
  },

  async onDispute() {
    if (this.data.reason.trim().length < 2) {
      wx.showToast({ title: '请填写异议原因', icon: 'none' });
      return;
    }
    // Inside the tap, before the confirmation: ask to hear how staff resolve it.
    await subscribe.ask(subscribe.WISHES.dispute);
    if (!(await confirm('提出异议', '社区工作者会介入处理，确定提交吗？'))) return;
    await this.run(() => orders.dispute(this.targetId, this.data.reason.trim()), '异议已提交');
  },

  /** The resident's own yes to an order placed for them; a resident-paid one holds its points now. */
  async onAgree() {
    if (!(await confirm('确认代下单', '确认后社区将为您派单，需要积分的服务会预扣积分。'))) return;
    await this.run(() => orders.agree(this.targetId), '已确认');
  },

  async onCancel() {
    if (this.data.reason.trim().length < 2) {
      wx.showToast({ title: '请填写取消原因', icon: 'none' });
      return;
    }
    if (!(await confirm('取消需求', '确定取消这个需求吗？'))) return;
    await this.run(() => orders.cancel(this.targetId, this.data.reason.trim()), '已取消');
  },
}));

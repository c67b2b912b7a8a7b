/**
 * 任务详情 (partner): the request, its timeline, and the step its state allows. Once the task is
 * accepted or in service, the resident's address (with navigation when the building has a
 * position) and a call button. Completing takes the minutes, a note and photos as proof (see
 * ../form.js). Opened from the task list and from notifications.
 */
const orders = require('../../../services/orders');
const { stepOf, newForm, addPhotos, removePhoto } = require('../form');
const subscribe = require('../../../utils/subscribe');
const { basePage, showError, showOk, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { requestBadge, REQUEST_ACTIONS, EVENT_ROLES, label } = require('../../../utils/status');

const WORKING = ['accepted', 'in_service'];

Page(basePage({
  data: {
    state: 'loading', error: '', req: null, badge: null, events: [], working: false,
    form: null, busy: false,
  },

  onLoad(query) {
    this.targetId = Number(query.id);
    this.load();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const [req, events] = await Promise.all([
        orders.get(this.targetId), orders.events(this.targetId, { limit: 100 })]);
      const household = req.household || {};
      this.setData({
        state: 'ready',
        req,
        badge: requestBadge(req.status),
        created: shortTime(req.created_at),
        deadline: shortTime(req.deadline_at),
        preferred: shortTime(req.preferred_start),
        working: WORKING.includes(req.status),
        canNavigate: typeof household.lat === 'number' && typeof household.lng === 'number',
        events: (events.items || []).map((ev) => ({
          ...ev,
          actionLabel: label(REQUEST_ACTIONS, ev.action),
          toLabel: requestBadge(ev.to_status).label,
          actorLabel: ev.actor ? label(EVENT_ROLES, ev.actor.role) : '系统',
          when: shortTime(ev.at),
        })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  async act(fn, okText, wish) {
    if (this.data.busy) return;
    const asked = wish ? subscribe.ask(wish) : null;
    this.setData({ busy: true });
    try {
      await asked;
      await fn();
      showOk(okText);
      this.setData({ form: null });
    } catch (e) {
      showError(e);
    } finally {
      this.setData({ busy: false });
      await this.load();
    }
  },

  onAccept() {
    return this.act(() => orders.accept(this.targetId), '已接单', subscribe.WISHES.accept);
  },
  onClaim() {
    return this.act(() => orders.claim(this.targetId), '认领成功', subscribe.WISHES.accept);
  },
  onStart() { return this.act(() => orders.start(this.targetId), '已开始'); },

  onOpenForm(e) {
    const { kind } = e.currentTarget.dataset;
    const category = (this.data.req && this.data.req.category) || {};
    this.setData({ form: newForm(kind, { photoRequired: Boolean(category.photo_required) }) });
  },
  onAddPhoto() { return addPhotos(this); },
  onRemovePhoto(e) { removePhoto(this, Number(e.currentTarget.dataset.index)); },
  onCloseForm() { this.setData({ form: null }); },
  onFormInput(e) { this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value }); },

  onSubmitForm() {
    const step = stepOf(this, this.targetId);
    return step ? this.act(step.run, step.done) : undefined;
  },

  onCall() {
    const phone = this.data.req && this.data.req.resident && this.data.req.resident.phone;
    if (phone && !phone.includes('*')) wx.makePhoneCall({ phoneNumber: phone });
  },

  /** The building's GCJ-02 position, as wx.openLocation expects. */
  onNavigate() {
    const h = this.data.req.household;
    wx.openLocation({
      latitude: h.lat, longitude: h.lng, name: this.data.req.category.name, address: h.address, scale: 17,
    });
  },
}));

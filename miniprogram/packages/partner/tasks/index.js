/**
 * 合伙人任务: requests assigned to my partner, the pool I may claim from, and past (confirmed)
 * tasks. Accept or decline (with a reason), start, and complete with the minutes worked and a
 * note and photos (../form.js); a task opens its detail (timeline, address, navigation, call).
 */
const orders = require('../../../services/orders');
const { stepOf, newForm, addPhotos, removePhoto } = require('../form');
const subscribe = require('../../../utils/subscribe');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, dataset, shortTime } = require('../../../utils/ui');
const { requestBadge } = require('../../../utils/status');

const TABS = [
  { key: 'assigned', text: '指派给我' }, { key: 'pool', text: '任务池' }, { key: 'history', text: '已完成' },
];
/** What each tab asks the API for. */
const QUERY = {
  assigned: { scope: 'assigned' },
  pool: { scope: 'pool' },
  history: { scope: 'assigned', status: 'confirmed' },
};

Page(basePage({
  data: { tabs: TABS, tab: 'assigned', tasks: emptyList(), form: null, busy: false },

  onLoad(query) {
    if (query && QUERY[query.tab]) this.setData({ tab: query.tab });
    this.pager = createPager(this, 'tasks', (page) => orders.list({ ...QUERY[this.data.tab], ...page }), {
      decorate: (r) => ({ ...r, badge: requestBadge(r.status), when: shortTime(r.created_at) }),
    });
  },

  onShow() { this.pager.reload(); },
  onPullDownRefresh() { this.pager.reload().then(() => wx.stopPullDownRefresh()); },

  onDetail(e) {
    wx.navigateTo({ url: `/packages/partner/task/index?id=${dataset(e).id}` });
  },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onTab(e) {
    this.setData({ tab: dataset(e).key, form: null });
    this.pager.reload();
  },

  /** `wish`: subscribe-message kinds to ask for, inside this tap (before any await). */
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
      this.pager.reload();
    }
  },

  onAccept(e) {
    return this.act(() => orders.accept(Number(dataset(e).id)), '已接单', subscribe.WISHES.accept);
  },
  onClaim(e) {
    return this.act(() => orders.claim(Number(dataset(e).id)), '认领成功', subscribe.WISHES.accept);
  },
  onStart(e) { return this.act(() => orders.start(Number(dataset(e).id)), '已开始服务'); },

  onOpenForm(e) {
    const { id, kind } = dataset(e);
    const task = this.data.tasks.items.find((t) => t.id === Number(id)) || {};
    const category = task.category || {};
    this.setData({ form: newForm(kind, { id: Number(id), photoRequired: Boolean(category.photo_required) }) });
  },
  onAddPhoto() { return addPhotos(this); },
  onRemovePhoto(e) { removePhoto(this, Number(dataset(e).index)); },

  onCloseForm() { this.setData({ form: null }); },
  onFormInput(e) { this.setData({ [`form.${dataset(e).field}`]: e.detail.value }); },

  onSubmitForm() {
    const step = stepOf(this, this.data.form.id);
    return step ? this.act(step.run, step.done) : undefined;
  },
}));

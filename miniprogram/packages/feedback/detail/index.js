/**
 * One report: what, where, photos, the deadline clock, the resolution with its photos and the
 * timeline; and the steps this viewer may take, as the API lists them in `actions`:
 * - the author rates the resolution (1-5) or reopens it once with a reason;
 * - the grid worker or staff accept, resolve (a reply and photos, uploaded first), transfer to
 *   the street or close it unresolved, each with a reason; the street the same after a transfer;
 * - a neighbour adds "我也遇到".
 */
const feedback = require('../services/feedback');
const { uploadAll, choosePhotos } = require('../services/upload');
const { basePage, showError, showOk, confirm, shortTime, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const {
  FEEDBACK_ACTIONS, FEEDBACK_ACTORS, FEEDBACK_WAITING, feedbackBadge, label,
} = require('../../../utils/status');
const { MAX_PHOTOS, decorate } = require('../common');

const REASONS = {
  transfer: '请填写转街道的原因',
  close_unresolved: '请填写未能解决的原因',
  reopen: '请说明为什么重新打开',
};

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading',
    error: '',
    item: null,
    events: [],
    can: {},
    canSupport: false,
    reply: '',
    reason: '',
    photos: [],
    maxPhotos: MAX_PHOTOS,
    score: 0,
    stars: [1, 2, 3, 4, 5],
    comment: '',
    busy: false,
    formError: '',
  },

  onLoad(query) {
    this.reportId = Number(query.id);
    this.load();
  },

  async load() {
    this.setData({ state: this.data.item ? 'ready' : 'loading', error: '' });
    try {
      const [item, events] = await Promise.all([
        feedback.get(this.reportId), feedback.events(this.reportId),
      ]);
      const can = {};
      (item.actions || []).forEach((a) => { can[a] = true; });
      this.setData({
        state: 'ready',
        item: decorate(item),
        can,
        canSupport: !item.mine && !item.actions.length && !item.supported_by_me
          && FEEDBACK_WAITING.includes(item.status),
        events: (events.items || []).map((ev) => ({
          ...ev,
          actionLabel: label(FEEDBACK_ACTIONS, ev.action),
          toLabel: feedbackBadge(ev.to_status).label,
          actorLabel: label(FEEDBACK_ACTORS, ev.actor.role),
          when: shortTime(ev.at),
        })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onPreview(e) {
    const { group, index } = dataset(e);
    const list = group === 'resolution' ? this.data.item.resolution.photos : this.data.item.photos;
    wx.previewImage({ urls: list.map((p) => p.src), current: list[Number(index)].src });
  },

  onReply(e) { this.setData({ reply: e.detail.value }); },
  onReason(e) { this.setData({ reason: e.detail.value }); },
  onComment(e) { this.setData({ comment: e.detail.value }); },
  onStar(e) { this.setData({ score: Number(dataset(e).score) }); },

  async onAddPhoto() {
    const room = MAX_PHOTOS - this.data.photos.length;
    if (room <= 0) return;
    try {
      const paths = await choosePhotos(room);
      this.setData({ photos: this.data.photos.concat(paths.map((path) => ({ path }))) });
    } catch (e) {
      showError(e);
    }
  },

  onRemovePhoto(e) {
    const index = Number(dataset(e).index);
    this.setData({ photos: this.data.photos.filter((_, i) => i !== index) });
  },

  async run(step, okText) {
    if (this.data.busy) return;
    this.setData({ busy: true, formError: '' });
    try {
      await step();
      showOk(okText);
      this.setData({ reply: '', reason: '', comment: '', photos: [], score: 0 });
      await this.load();
    } catch (e) {
      this.setData({ formError: showError(e) });
      if (e.code === 'invalid_transition') await this.load();
    } finally {
      this.setData({ busy: false });
    }
  },

  onAccept() {
    return this.run(() => feedback.accept(this.reportId), '已受理');
  },

  onResolve() {
    const reply = this.data.reply.trim();
    if (reply.length < 2) {
      this.setData({ formError: '请填写处理结果' });
      return undefined;
    }
    return this.run(async () => {
      const photos = await uploadAll(this.data.photos);
      this.setData({ photos });
      await feedback.resolve(this.reportId, reply, photos.map((p) => p.id));
    }, '已答复');
  },

  async withReason(action, title, send, okText) {
    const reason = this.data.reason.trim();
    if (reason.length < 2) {
      this.setData({ formError: REASONS[action] });
      return;
    }
    if (!(await confirm(title, reason))) return;
    await this.run(() => send(reason), okText);
  },

  onTransfer() {
    return this.withReason('transfer', '转街道处理', (r) => feedback.transfer(this.reportId, r), '已转街道');
  },

  onCloseUnresolved() {
    return this.withReason('close_unresolved', '办结（未解决）',
      (r) => feedback.closeUnresolved(this.reportId, r), '已办结');
  },

  onReopen() {
    return this.withReason('reopen', '重新打开（只能一次）', (r) => feedback.reopen(this.reportId, r), '已重新打开');
  },

  onRate() {
    if (this.data.score < 1) {
      this.setData({ formError: '请先选择 1-5 星' });
      return undefined;
    }
    return this.run(() => feedback.rate(this.reportId, this.data.score, this.data.comment.trim()),
      '感谢评价');
  },

  onSupport() {
    return this.run(() => feedback.support(this.reportId), '已附议');
  },
}));

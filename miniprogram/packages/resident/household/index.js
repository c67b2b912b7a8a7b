/**
 * 绑定住户: pick community → compound → building → room, say how you relate to it, and ask;
 * community staff approve the binding before it can be used for orders.
 */
const community = require('../services/household');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { RELATIONS } = require('../../../utils/status');

const LEVELS = ['communities', 'compounds', 'buildings', 'households'];
const FETCH = {
  communities: () => community.communities({ limit: 100 }),
  compounds: (parent) => community.compounds(parent, { limit: 100 }),
  buildings: (parent) => community.buildings(parent, { limit: 100 }),
  households: (parent) => community.households(parent, { limit: 100 }),
};

Page(basePage({
  data: {
    level: 'communities',
    options: [],
    state: 'loading',
    error: '',
    path: [],
    relations: Object.keys(RELATIONS).map((key) => ({ key, text: RELATIONS[key] })),
    relation: 'owner',
    household: null,
    submitting: false,
  },

  onPullDownRefresh() {
    this.open(this.data.level, this.parentId).then(() => wx.stopPullDownRefresh());
  },

  onLoad() {
    this.open('communities', null);
  },

  async open(level, parentId) {
    this.setData({ level, options: [], state: 'loading', error: '' });
    try {
      const res = await FETCH[level](parentId);
      const options = (res.items || []).map((x) => ({
        id: x.id, text: x.name || [x.unit && `${x.unit}单元`, x.room].filter(Boolean).join(''),
      }));
      this.parentId = parentId;
      this.setData({ options, state: options.length ? '' : 'empty' });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onRetry() {
    this.open(this.data.level, this.parentId);
  },

  onPick(e) {
    const { id, text } = dataset(e);
    const path = this.data.path.concat([{ level: this.data.level, id: Number(id), text }]);
    this.setData({ path });
    const next = LEVELS[LEVELS.indexOf(this.data.level) + 1];
    if (next) this.open(next, Number(id));
    else this.setData({ household: { id: Number(id), text: path.map((p) => p.text).join(' ') } });
  },

  onRestart() {
    this.setData({ path: [], household: null });
    this.open('communities', null);
  },

  onRelation(e) {
    this.setData({ relation: dataset(e).key });
  },

  async onSubmit() {
    if (!this.data.household || this.data.submitting) return;
    this.setData({ submitting: true });
    try {
      await community.requestBinding(this.data.household.id, this.data.relation);
      showOk('已提交'); // 我的 lists the binding as 审核中
      wx.navigateBack();
    } catch (e) {
      showError(e);
    } finally {
      this.setData({ submitting: false });
    }
  },
}));

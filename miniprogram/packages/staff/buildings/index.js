/**
 * 楼栋位置 (staff): each building's entrance picked on WeChat's map (wx.chooseLocation, GCJ-02),
 * so partners can navigate to the resident's door once they take a task.
 */
const manage = require('../services/manage');
const privacy = require('../../../utils/privacy');
const session = require('../../../utils/session');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

const decorate = (b) => ({ ...b, placed: typeof b.lat === 'number' && typeof b.lng === 'number' });

Page(basePage({
  data: {
    communityId: null, needCommunity: false, compounds: [], compoundId: 0, buildings: [],
    state: 'loading', error: '', busy: 0,
  },

  onPullDownRefresh() {
    (this.data.communityId ? this.loadCompounds() : Promise.resolve()).then(() => wx.stopPullDownRefresh());
  },

  async onShow() {
    const user = session.cachedUser() || await session.refreshUser().catch(() => null);
    const communityId = session.workCommunity(user);
    this.setData({ communityId, needCommunity: !communityId });
    if (communityId && !this.data.compounds.length) this.loadCompounds();
  },

  onCommunity(e) {
    this.setData({ communityId: e.detail.id, needCommunity: false, compounds: [], buildings: [] });
    this.loadCompounds();
  },

  async loadCompounds() {
    this.setData({ state: 'loading', error: '' });
    try {
      const res = await manage.compounds(this.data.communityId);
      const compounds = res.items || [];
      this.setData({ compounds, state: compounds.length ? '' : 'empty' });
      if (compounds.length) await this.open(compounds[0].id);
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onCompound(e) { return this.open(Number(dataset(e).id)); },

  async open(compoundId) {
    this.setData({ compoundId, buildings: [], state: 'loading', error: '' });
    try {
      const res = await manage.buildings(compoundId);
      const buildings = (res.items || []).map(decorate);
      this.setData({ buildings, state: buildings.length ? '' : 'empty' });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onRetry() {
    return this.data.compoundId ? this.open(this.data.compoundId) : this.loadCompounds();
  },

  async onPlace(e) {
    const id = Number(dataset(e).id);
    const index = this.data.buildings.findIndex((b) => b.id === id);
    const building = this.data.buildings[index];
    if (!building || this.data.busy) return;
    try {
      const place = await privacy.choosePlace(building.placed ? building : null);
      if (!place) return;
      this.setData({ busy: id });
      const saved = await manage.placeBuilding(id, place);
      this.setData({ [`buildings[${index}]`]: decorate(saved) });
      showOk('已保存');
    } catch (err) {
      showError(err);
    } finally {
      this.setData({ busy: 0 });
    }
  },
}));

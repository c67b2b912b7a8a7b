/** 党员双报到: register with the community where I live, naming my unit and the roles I take. */
const volunteering = require('../../../services/volunteering');
const session = require('../../../utils/session');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { PARTY_ROLES } = require('../../../utils/status');

const STATUS = { pending: '待审核', approved: '已通过', rejected: '未通过' };

Page(basePage({
  data: {
    roles: Object.keys(PARTY_ROLES).map((key) => ({ key, text: PARTY_ROLES[key], on: false })),
    unitName: '',
    communityId: null,
    registrations: [],
    state: 'loading',
    error: '',
    formError: '',
    busy: false,
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  onLoad() { this.load(); },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const res = await volunteering.myRegistrations({ limit: 20 });
      this.setData({
        communityId: session.communityOf(user, 'party_member'),
        registrations: (res.items || []).map((r) => ({ ...r, statusLabel: STATUS[r.status] || r.status })),
        state: '',
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onUnit(e) { this.setData({ unitName: e.detail.value }); },

  onRole(e) {
    const index = this.data.roles.findIndex((r) => r.key === dataset(e).key);
    this.setData({ [`roles[${index}].on`]: !this.data.roles[index].on });
  },

  async onSubmit() {
    const roles = this.data.roles.filter((r) => r.on).map((r) => r.key);
    if (!this.data.communityId) {
      this.setData({ formError: '请先绑定您居住的住户，再向所在社区报到' });
      return;
    }
    if (this.data.unitName.trim().length < 2 || !roles.length) {
      this.setData({ formError: '请填写工作单位，并至少选择一个岗位' });
      return;
    }
    this.setData({ busy: true, formError: '' });
    try {
      await volunteering.register({ communityId: this.data.communityId, unitName: this.data.unitName.trim(), roles });
      showOk('已提交'); // the list below says 待审核
      await this.load();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));

/**
 * 我的: who I am, my roles (switch), my households (bind one), my phone (bind), the large-type
 * mode, and in development the demo identity to log in as.
 */
const auth = require('../../services/auth');
const config = require('../../config');
const http = require('../../utils/request');
const session = require('../../utils/session');
const { basePage, showError, showOk, isElder, setElder, dataset } = require('../../utils/ui');
const { bindingBadge, RELATIONS } = require('../../utils/status');

Page(basePage({
  data: {
    user: null,
    roles: [],
    role: 'resident',
    households: [],
    devMode: config.fakeWechat,
    identities: config.demoIdentities,
    identity: '',
    devPhone: '',
    state: 'loading',
    error: '',
  },

  onShow() {
    this.setData({ elder: isElder(), identity: http.devIdentity() });
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = await session.refreshUser();
      this.showUser(user);
    } catch (e) {
      this.setData({ state: 'error', error: showError(e) });
    }
  },

  showUser(user) {
    this.user = user;
    const households = (user.households || []).map((h) => ({
      ...h, badge: bindingBadge(h.status), relationLabel: RELATIONS[h.relation] || h.relation,
    }));
    this.setData({
      user, households, roles: session.rolesOf(user), role: session.activeRole(user), state: 'ready',
    });
  },

  onRole(e) {
    const { role } = dataset(e);
    session.setActiveRole(role);
    this.setData({ role });
  },

  onElder(e) {
    const on = Boolean(e.detail.value);
    setElder(on);
    this.setData({ elder: on });
  },

  onBindHousehold() {
    wx.navigateTo({ url: '/packages/resident/household/index' });
  },

  onInbox() {
    wx.navigateTo({ url: '/packages/resident/notifications/index' });
  },

  onEvaluation() {
    wx.navigateTo({ url: '/packages/resident/evaluation/index' });
  },

  onProjects() {
    wx.navigateTo({ url: '/packages/governance/projects/index' });
  },

  onAccount() {
    wx.navigateTo({ url: '/packages/governance/account/index' });
  },

  /** <button open-type="getPhoneNumber">: WeChat gives a one-time code for the API to exchange. */
  async onPhone(e) {
    const code = e.detail && e.detail.code;
    if (!code) {
      wx.showToast({ title: '未获得手机号授权', icon: 'none' });
      return;
    }
    await this.bindPhone(code);
  },

  onDevPhoneInput(e) {
    this.setData({ devPhone: e.detail.value });
  },

  /** Development only: the fake WeChat client takes `test-phone:<11 digits>`. */
  async onDevPhone() {
    if (!/^1\d{10}$/.test(this.data.devPhone)) {
      wx.showToast({ title: '请输入11位手机号', icon: 'none' });
      return;
    }
    await this.bindPhone(`test-phone:${this.data.devPhone}`);
  },

  async bindPhone(code) {
    try {
      const user = await auth.bindPhone(code);
      this.showUser(user);
      showOk('手机号已绑定');
    } catch (e) {
      showError(e);
    }
  },

  async onIdentity(e) {
    const identity = this.data.identities[Number(e.detail.value)];
    wx.setStorageSync(http.DEV_IDENTITY_KEY, identity);
    wx.removeStorageSync(session.ACTIVE_ROLE_KEY);
    http.clearSession();
    this.setData({ identity });
    try {
      await http.login();
      await this.load();
      showOk('已切换');
    } catch (err) {
      showError(err);
    }
  },

  async onLogout() {
    try {
      await auth.logout();
      this.setData({ user: null, state: 'empty' });
    } catch (e) {
      showError(e);
    }
  },
}));

/**
 * 我的: who I am, my roles (switch), my households (bind one), my phone (bind), the large-type
 * mode, and in development the demo identity to log in as.
 */
const auth = require('../../services/auth');
const volunteering = require('../../services/volunteering');
const config = require('../../config');
const http = require('../../utils/request');
const session = require('../../utils/session');
const {
  basePage, showError, showOk, isElder, answerElderOffer, syncTabBar, dataset,
} = require('../../utils/ui');
const { bindingBadge, RELATIONS } = require('../../utils/status');

Page(basePage({
  data: {
    user: null,
    roles: [],
    role: 'resident',
    households: [],
    volunteerHours: '',
    devMode: config.fakeWechat,
    identities: config.demoIdentities,
    identity: '',
    devPhone: '',
    state: 'loading',
    error: '',
  },

  onPullDownRefresh() {
    (http.isLoggedOut() ? Promise.resolve() : this.load()).then(() => wx.stopPullDownRefresh());
  },

  onShow() {
    this.setData({ elder: isElder(), identity: http.devIdentity() });
    if (http.isLoggedOut()) {
      this.setData({ user: null, state: 'loggedOut' });
      return;
    }
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
    const roles = session.rolesOf(user);
    this.setData({ user, households, roles, role: session.activeRole(user), state: 'ready' });
    if (roles.some((r) => r.role === 'volunteer' || r.role === 'party_member')) this.loadVolunteerHours();
  },

  /** 志愿者 and 党员 see their verified hours here; the details are one tap away. */
  async loadVolunteerHours() {
    try {
      const r = await volunteering.myRecord();
      const hours = Math.round(((r.verified_minutes || 0) + (r.manual_minutes || 0)) / 6) / 10;
      this.setData({ volunteerHours: `${hours} 小时 · ${r.points || 0} 积分` });
    } catch (e) {
      this.setData({ volunteerHours: '' });
    }
  },

  onVolunteerHours() {
    wx.navigateTo({ url: '/packages/volunteer/hours/index' });
  },

  onRole(e) {
    const { role } = dataset(e);
    session.setActiveRole(role);
    this.setData({ role });
  },

  onElder(e) {
    const on = Boolean(e.detail.value);
    answerElderOffer(on);
    this.setData({ elder: on });
    syncTabBar(this, on);
  },

  onBindHousehold() {
    wx.navigateTo({ url: '/packages/resident/household/index' });
  },

  onInbox() {
    wx.navigateTo({ url: '/packages/resident/notifications/index' });
  },

  onFeedback() {
    wx.navigateTo({ url: '/packages/feedback/mine/index' });
  },

  onEvaluation() {
    wx.navigateTo({ url: '/packages/resident/evaluation/index' });
  },

  /** Any resident may be a party member who has not reported yet: the entry is for everyone. */
  onParty() {
    wx.navigateTo({ url: '/packages/volunteer/party/index' });
  },

  onPrivacy() {
    wx.navigateTo({ url: '/pages/privacy/index' });
  },

  onGo(e) {
    wx.navigateTo({ url: dataset(e).url });
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

  /** Logged out stays logged out (no silent login anywhere) until this tap. */
  async onLogout() {
    try {
      await auth.logout();
    } catch (e) {
      // The session ends on the phone even when the API could not be told.
    }
    this.setData({ user: null, households: [], roles: [], volunteerHours: '', state: 'loggedOut' });
  },

  async onLogin() {
    try {
      await http.login();
      await this.load();
      showOk('已登录');
    } catch (e) {
      showError(e);
    }
  },
}));

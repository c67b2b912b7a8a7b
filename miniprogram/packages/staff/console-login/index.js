/**
 * 扫码登录管理后台: scan the QR the web console shows, check it is the console's, then confirm
 * (a tap, never automatic: the person at the desk must be the one holding this phone). The
 * console then opens with this account's roles. A used or expired code is refused by the API
 * with its own message; the console shows a fresh code.
 */
const consoleLogin = require('../services/console');
const session = require('../../../utils/session');
const { basePage, showOk } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

const ROLE_NAMES = { staff: '社区工作者', street_admin: '街道管理员', org_dept: '组织部', admin: '管理员' };

Page(basePage({
  data: { state: 'scan', ticket: '', error: '', name: '', roleText: '', busy: false },

  onLoad(query) {
    const ticket = consoleLogin.ticketFromQr(query && query.q ? decodeURIComponent(query.q) : '');
    this.loadUser();
    if (ticket) this.setData({ state: 'confirm', ticket });
    else this.onScan();
  },

  async loadUser() {
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const roles = (user.roles || []).map((r) => ROLE_NAMES[r.role]).filter(Boolean);
      this.setData({ name: user.nickname || '', roleText: [...new Set(roles)].join('、') });
    } catch (e) {
      // The confirmation still works; the API checks the account.
    }
  },

  onScan() {
    this.setData({ error: '' });
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => {
        const ticket = consoleLogin.ticketFromQr(res.result);
        if (ticket) this.setData({ state: 'confirm', ticket, error: '' });
        else this.setData({ state: 'scan', ticket: '', error: '这不是管理后台的登录二维码' });
      },
      fail: () => this.setData({ state: 'scan', error: '未扫描到二维码，请重新扫码' }),
    });
  },

  async onConfirm() {
    if (this.data.busy || !this.data.ticket) return;
    this.setData({ busy: true, error: '' });
    try {
      await consoleLogin.confirm(this.data.ticket);
      this.setData({ state: 'done', ticket: '', busy: false });
      showOk('已确认登录');
    } catch (e) {
      this.setData({ state: 'scan', ticket: '', busy: false, error: messageOf(e) });
    }
  },

  onCancel() {
    this.setData({ state: 'scan', ticket: '', error: '' });
    wx.navigateBack({ fail: () => {} });
  },
}));

/**
 * 现场签到码: pick a shift and show its rotating check-in code as a QR. The code expires in
 * `expires_in` seconds; the page fetches the next one in time, and stops when hidden. While a
 * code is shown the screen stays on at full brightness (restored when the page goes).
 * Staff also scan a volunteer's personal pass here (扫码签到 / 扫码签退): that checks the
 * volunteer in or out, proven on site.
 */
const volunteering = require('../../../services/volunteering');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const { basePage, dataset, shortTime, showOk } = require('../../../utils/ui');
const { ApiError, messageOf } = require('../../../utils/errors');

/** Extra guidance under the API's own message, for refusals staff can act on. */
const SCAN_HINTS = {
  pass_used: '请志愿者刷新个人签到码后再扫。',
  pass_expired: '请志愿者刷新个人签到码后再扫。',
  pass_wrong_shift: '请先选择志愿者报名的班次。',
  pass_kind_mismatch: '请换用另一个扫码按钮。',
  not_signed_up: '该志愿者没有本班次的正式报名。',
};

function scanPassQr() {
  return new Promise((resolve, reject) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => {
        const token = volunteering.passFromQr(res.result);
        if (token) resolve(token);
        else reject(new ApiError('not_pass_qr', '这不是志愿者的个人签到码'));
      },
      fail: () => reject(new ApiError('scan_cancelled', '未扫描到个人签到码')),
    });
  });
}

Page(basePage({
  data: {
    shifts: [], state: 'loading', error: '', shiftId: 0, code: '', qr: '', expiresIn: 0, codeError: '',
    scanning: '', scanResult: '', scanError: '',
  },

  onLoad(query) {
    this.shiftFromQuery = query && query.shift_id ? Number(query.shift_id) : 0;
    this.loadShifts();
  },

  async loadShifts() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const communityId = session.workCommunity(user) || session.communityOf(user, 'staff');
      const res = await volunteering.activities({ community_id: communityId, upcoming: true, limit: 50 });
      const now = Date.now();
      const shifts = [];
      (res.items || []).forEach((a) => (a.shifts || []).forEach((s) => {
        if (s.closed || Date.parse(s.ends_at) + 30 * 60 * 1000 < now) return;
        shifts.push({ id: s.id, text: `${a.title} ${shortTime(s.starts_at)}–${shortTime(s.ends_at).slice(-5)}` });
      }));
      this.setData({ shifts, state: shifts.length ? '' : 'empty' });
      if (this.shiftFromQuery) this.show(this.shiftFromQuery);
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onShift(e) {
    this.show(Number(dataset(e).id));
  },

  show(shiftId) {
    this.stop();
    // The camera of a scan hides the page and shows it again: a scan's result stays until
    // another shift is picked.
    const scan = shiftId === this.data.shiftId ? {} : { scanResult: '', scanError: '' };
    this.setData({ shiftId, code: '', codeError: '', ...scan });
    this.brighten();
    this.fetchCode();
  },

  /** Keep the screen on and at full brightness for scanning; remember the brightness to restore. */
  brighten() {
    wx.setKeepScreenOn({ keepScreenOn: true });
    if (this.savedBrightness === undefined) {
      this.savedBrightness = null;
      wx.getScreenBrightness({
        success: (res) => { this.savedBrightness = res.value; },
        complete: () => wx.setScreenBrightness({ value: 1 }),
      });
    }
  },

  restore() {
    wx.setKeepScreenOn({ keepScreenOn: false });
    if (typeof this.savedBrightness === 'number') wx.setScreenBrightness({ value: this.savedBrightness });
    this.savedBrightness = undefined;
  },

  async fetchCode() {
    const { shiftId } = this.data;
    if (!shiftId) return;
    try {
      const res = await volunteering.checkinCode(shiftId);
      if (shiftId !== this.data.shiftId) return;
      this.setData({ code: res.code, qr: res.qr || res.code, expiresIn: res.expires_in, codeError: '' });
      // Fetch the next code a moment before this one expires (at least every 5 s).
      const wait = Math.max(5, Number(res.expires_in) - 2) * 1000;
      this.timer = setTimeout(() => this.fetchCode(), wait);
    } catch (e) {
      this.setData({ code: '', codeError: messageOf(e) });
    }
  },

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  },

  onScanIn() { return this.scanPass('in'); },
  onScanOut() { return this.scanPass('out'); },

  /** Scan a volunteer's pass and check them in or out of the chosen shift. */
  async scanPass(kind) {
    const { shiftId } = this.data;
    if (!shiftId || this.data.scanning) return;
    this.setData({ scanning: kind, scanResult: '', scanError: '' });
    try {
      const token = await scanPassQr();
      const res = await volunteering.scan(shiftId, token, kind, http.newIdempotencyKey());
      const name = (res.user && res.user.nickname) || '志愿者';
      let result = `${name} 签到成功`;
      if (kind === 'out') {
        result = `${name} 签退成功，计 ${res.minutes} 分钟`;
        if (res.status === 'credited') result += `，已发放 ${res.points} 积分`;
      }
      this.setData({ scanResult: result });
      showOk(kind === 'in' ? '签到成功' : '签退成功');
    } catch (e) {
      const hint = SCAN_HINTS[e.code];
      this.setData({ scanError: hint ? `${messageOf(e)}。${hint}` : messageOf(e) });
    } finally {
      this.setData({ scanning: '' });
    }
  },

  onPullDownRefresh() {
    this.loadShifts().then(() => wx.stopPullDownRefresh());
  },

  onShow() {
    if (this.data.shiftId && !this.timer) this.show(this.data.shiftId);
  },
  onHide() { this.stop(); this.restore(); },
  onUnload() { this.stop(); this.restore(); },
  onRetryCode() { this.fetchCode(); },
}));

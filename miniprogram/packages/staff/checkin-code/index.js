/**
 * 现场签到码: pick a shift and show its rotating check-in code as a QR. The code expires in
 * `expires_in` seconds; the page fetches the next one in time, and stops when hidden. While a
 * code is shown the screen stays on at full brightness (restored when the page goes).
 */
const volunteering = require('../../../services/volunteering');
const session = require('../../../utils/session');
const { basePage, dataset, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

Page(basePage({
  data: { shifts: [], state: 'loading', error: '', shiftId: 0, code: '', qr: '', expiresIn: 0, codeError: '' },

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
    this.setData({ shiftId, code: '', codeError: '' });
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

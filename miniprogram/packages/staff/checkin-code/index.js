/**
 * 现场签到码: pick a shift and show its rotating check-in code as a QR. The code expires in
 * `expires_in` seconds; the page fetches the next one in time, and stops when hidden.
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
      const res = await volunteering.activities({ community_id: session.communityOf(user, 'staff'), limit: 50 });
      const shifts = [];
      (res.items || []).forEach((a) => (a.shifts || []).forEach((s) => shifts.push({
        id: s.id, text: `${a.title} ${shortTime(s.starts_at)}–${shortTime(s.ends_at).slice(-5)}`,
      })));
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
    this.fetchCode();
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

  onHide() { this.stop(); },
  onUnload() { this.stop(); },
  onRetryCode() { this.fetchCode(); },
}));

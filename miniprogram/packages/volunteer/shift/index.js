/**
 * One shift: sign up or cancel; on site, check in with the phone's location (and the QR code
 * shown by staff when the shift asks for it), then check out. Or show my personal pass (a
 * single-use QR, fetched again before it expires) for staff to scan: only a pass scanned on site
 * proves presence. Refusals are shown in words.
 *
 * The shift is read from the API (GET /shifts/{id}), so a shared link or a notification opens it
 * as it is now. A refused location offers the settings through `privacy.locate` (a modal whose
 * confirm is a tap, the only way WeChat opens them), never wx.openSetting after the failure.
 */
const volunteering = require('../../../services/volunteering');
const http = require('../../../utils/request');
const privacy = require('../../../utils/privacy');
const { ApiError, messageOf } = require('../../../utils/errors');
const { basePage, showError, showOk, shortTime } = require('../../../utils/ui');
const { signupBadge, attendanceBadge } = require('../../../utils/status');

const PASS_LABELS = { in: '签到凭证', out: '签退凭证' };
// Fetch the next pass this many seconds before the shown one expires.
const PASS_REFRESH_MARGIN = 10;

/** Extra guidance under the API's own message, for refusals a volunteer can act on. */
const HINTS = {
  outside_geofence: '请到达服务地点后再签到。',
  outside_shift_window: '班次开始前后30分钟内才能签到。',
  code_expired: '请重新扫描现场最新的二维码。',
  code_replayed: '请等待二维码更新后重新扫描。',
  invalid_code: '请扫描工作人员出示的签到二维码。',
  not_signed_up: '请先报名本班次。',
  already_checked_out: '本班次已完成签到和签退。',
};

function scanCode(shiftId) {
  return new Promise((resolve, reject) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => {
        const code = volunteering.codeFromQr(res.result, shiftId);
        if (code) resolve(code);
        else reject(new ApiError('not_checkin_qr', '这不是本班次的签到二维码'));
      },
      fail: () => reject(new ApiError('scan_cancelled', '未扫描到签到二维码')),
    });
  });
}

const LOCATION_REASON = '签到、签退需要确认您在服务地点，请在设置中允许“位置信息”。';

/** The shift as the page shows it. */
function decorate(shift, activity) {
  const full = shift.capacity && shift.signed_up >= shift.capacity;
  return {
    ...shift,
    activityTitle: activity ? activity.title : '',
    start: shortTime(shift.starts_at),
    end: shortTime(shift.ends_at).slice(-5),
    seats: full ? `已满（${shift.signed_up}/${shift.capacity}），可候补` : `已报 ${shift.signed_up}/${shift.capacity}`,
  };
}

Page(basePage({
  data: {
    state: 'loading', error: '', shift: null, signup: null, attendance: null, refusal: '', busy: '', pass: null, passError: '',
  },

  onLoad(query) {
    this.targetId = Number(query.id);
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const shift = await volunteering.getShift(this.targetId);
      const activity = await volunteering.getActivity(shift.activity_id).catch(() => null);
      this.setData({
        state: 'ready',
        shift: decorate(shift, activity),
        signup: shift.my_status ? signupBadge(shift.my_status) : null,
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  async run(name, fn) {
    if (this.data.busy) return;
    this.setData({ busy: name, refusal: '' });
    try {
      await fn();
    } catch (e) {
      const hint = HINTS[e.code];
      this.setData({ refusal: hint ? `${e.message}。${hint}` : e.message });
      showError(e);
    } finally {
      this.setData({ busy: '' });
    }
  },

  onSignup() {
    return this.run('signup', async () => {
      const res = await volunteering.signup(this.targetId);
      this.setData({ signup: signupBadge(res.status) });
      showOk(res.status === 'waitlisted' ? '已进入候补' : '报名成功');
    });
  },

  onCancel() {
    return this.run('cancel', async () => {
      await volunteering.cancelSignup(this.targetId);
      this.setData({ signup: signupBadge('cancelled') });
      showOk('已取消报名');
    });
  },

  /** Scan first when the shift asks for the on-site code, then read the location. */
  async presence() {
    const code = this.data.shift.code_required ? await scanCode(this.targetId) : undefined;
    const where = await privacy.locate(LOCATION_REASON);
    return { ...where, code };
  },

  onCheckin() {
    return this.run('checkin', async () => {
      const body = await this.presence();
      this.checkinKey = this.checkinKey || http.newIdempotencyKey();
      const res = await volunteering.checkin(this.targetId, body, this.checkinKey);
      this.checkinKey = null;
      this.setData({ attendance: { id: res.attendance_id, badge: attendanceBadge('checked_in') } });
      showOk('签到成功');
    });
  },

  /** Show my pass; it is fetched again shortly before it expires, until hidden. */
  onShowPass() {
    this.stopPass();
    this.setData({ passError: '' });
    return this.fetchPass();
  },

  async fetchPass() {
    try {
      const res = await volunteering.shiftPass(this.targetId);
      const previous = this.data.pass;
      this.setData({
        pass: { qr: res.qr || `llt:pass:${res.token}`, kind: res.kind, label: PASS_LABELS[res.kind] || '签到凭证', expiresIn: res.expires_in },
        passError: '',
      });
      // The pass turned from check-in to check-out: staff scanned it.
      if (previous && previous.kind === 'in' && res.kind === 'out') {
        this.setData({ attendance: { ...(this.data.attendance || {}), badge: attendanceBadge('checked_in') } });
      }
      const wait = Math.max(5, Number(res.expires_in) - PASS_REFRESH_MARGIN) * 1000;
      this.passTimer = setTimeout(() => this.fetchPass(), wait);
    } catch (e) {
      const hint = HINTS[e.code];
      this.setData({ pass: null, passError: hint ? `${e.message}。${hint}` : e.message });
    }
  },

  stopPass() {
    if (this.passTimer) clearTimeout(this.passTimer);
    this.passTimer = null;
  },

  onHidePass() {
    this.stopPass();
    this.setData({ pass: null });
  },

  onHide() { this.stopPass(); },
  onUnload() { this.stopPass(); },

  onCheckout() {
    return this.run('checkout', async () => {
      const body = await this.presence();
      const res = await volunteering.checkout(this.targetId, body);
      this.setData({ attendance: { id: res.attendance_id, minutes: res.minutes, badge: attendanceBadge(res.status) } });
      showOk('签退成功');
    });
  },
}));

/**
 * One shift: sign up or cancel; on site, check in with the phone's location (and the QR code
 * shown by staff when the shift asks for it), then check out. Refusals are shown in words.
 */
const volunteering = require('../../../services/volunteering');
const http = require('../../../utils/request');
const { ApiError } = require('../../../utils/errors');
const { basePage, showError, showOk } = require('../../../utils/ui');
const { signupBadge, attendanceBadge } = require('../../../utils/status');

/** Extra guidance under the API's own message, for refusals a volunteer can act on. */
const HINTS = {
  outside_geofence: '请到达服务地点后再签到。',
  outside_shift_window: '班次开始前后30分钟内才能签到。',
  code_expired: '请重新扫描现场最新的二维码。',
  code_replayed: '请等待二维码更新后重新扫描。',
  invalid_code: '请扫描工作人员出示的签到二维码。',
  not_signed_up: '请先报名本班次。',
};

function locate() {
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude }),
      fail: (res) => {
        const denied = /auth|deny|denied/i.test((res && res.errMsg) || '');
        reject(denied
          ? new ApiError('location_denied', '需要位置权限才能签到，请在设置中允许使用位置信息')
          : new ApiError('location_failed', '无法获取位置，请打开手机定位后重试'));
      },
    });
  });
}

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

Page(basePage({
  data: { shift: null, signup: null, attendance: null, refusal: '', busy: '' },

  onLoad(query) {
    this.targetId = Number(query.id);
    const cached = wx.getStorageSync('currentShift');
    const shift = cached && cached.id === this.targetId ? cached : { id: this.targetId, code_required: true };
    this.setData({ shift, signup: shift.my_status ? signupBadge(shift.my_status) : null });
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
      if (e.code === 'location_denied') wx.openSetting({});
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
    const where = await locate();
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

  onCheckout() {
    return this.run('checkout', async () => {
      const body = await this.presence();
      const res = await volunteering.checkout(this.targetId, body);
      this.setData({ attendance: { id: res.attendance_id, minutes: res.minutes, badge: attendanceBadge(res.status) } });
      showOk('签退成功');
    });
  },
}));

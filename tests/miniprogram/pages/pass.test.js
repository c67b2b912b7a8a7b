/** Personal passes: the volunteer shows a single-use QR that renews itself; staff scan it. */
const volunteering = require('../../../miniprogram/services/volunteering');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, text, attr, tap, page } = require('../helpers/page');

jest.mock('../../../miniprogram/services/volunteering', () => {
  const real = jest.requireActual('../../../miniprogram/services/volunteering');
  const mocked = {};
  Object.keys(real).forEach((k) => { mocked[k] = jest.fn(); });
  mocked.codeFromQr = real.codeFromQr;
  mocked.passFromQr = real.passFromQr;
  return mocked;
});

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const SHIFT = {
  id: 7, activity_id: 3, code_required: true, location: { name: '观湖志愿V站' }, capacity: 10, signed_up: 2,
  starts_at: '2026-11-29T09:00:00+08:00', ends_at: '2026-11-29T12:00:00+08:00',
};
const PASS = (token, kind = 'in') => ({ token, expires_in: 60, kind, qr: `llt:pass:${token}` });

/** Settle promises while jest's fake timers hold the clock. */
async function settle() {
  for (let i = 0; i < 10; i += 1) await Promise.resolve(); // eslint-disable-line no-await-in-loop
}

beforeEach(() => {
  resetAll();
  volunteering.getShift.mockResolvedValue(SHIFT);
  volunteering.getActivity.mockResolvedValue({ id: 3, title: '便民服务日' });
});

describe('志愿者个人签到码', () => {
  test('the pass is drawn as a QR and fetched again before it expires, until the page goes', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      volunteering.shiftPass
        .mockResolvedValueOnce(PASS('7.8.in.100.a.b'))
        .mockResolvedValueOnce(PASS('7.8.in.160.c.d'))
        .mockResolvedValue(PASS('7.8.in.220.e.f'));
      const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
      await settle();
      expect(volunteering.shiftPass).not.toHaveBeenCalled();
      shift.querySelector('.show-pass').dispatchEvent('tap');
      await settle();
      expect(volunteering.shiftPass).toHaveBeenCalledWith(7);
      expect(attr(shift, '.pass-qr', 'value')).toBe('llt:pass:7.8.in.100.a.b');
      expect(text(shift, '.pass-kind')).toBe('签到凭证');
      jest.advanceTimersByTime(49000);
      await settle();
      expect(volunteering.shiftPass).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1000); // 50 s: ten seconds before the 60 s pass expires
      await settle();
      expect(volunteering.shiftPass).toHaveBeenCalledTimes(2);
      expect(attr(shift, '.pass-qr', 'value')).toBe('llt:pass:7.8.in.160.c.d');
      shift.instance.onUnload();
      jest.advanceTimersByTime(120000);
      await settle();
      expect(volunteering.shiftPass).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  test('once staff scanned it in, the next pass is for check-out and the page says checked in', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      volunteering.shiftPass
        .mockResolvedValueOnce(PASS('7.8.in.100.a.b'))
        .mockResolvedValue(PASS('7.8.out.160.c.d', 'out'));
      const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
      await settle();
      shift.querySelector('.show-pass').dispatchEvent('tap');
      await settle();
      jest.advanceTimersByTime(50000);
      await settle();
      expect(text(shift, '.pass-kind')).toBe('签退凭证');
      expect(text(shift, '.attendance-status')).toBe('签到状态：已签到');
      shift.instance.onUnload();
    } finally {
      jest.useRealTimers();
    }
  });

  test('a volunteer without a confirmed sign-up is told why, and nothing keeps polling', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      volunteering.shiftPass.mockRejectedValue(new ApiError('not_signed_up', '您没有该班次的正式报名', 409));
      const shift = loadPage('packages/volunteer/shift/index', { id: '7' });
      await settle();
      shift.querySelector('.show-pass').dispatchEvent('tap');
      await settle();
      expect(text(shift, '.pass-error')).toBe('您没有该班次的正式报名。请先报名本班次。');
      expect(shift.querySelector('.pass-qr')).toBeFalsy();
      jest.advanceTimersByTime(300000);
      await settle();
      expect(volunteering.shiftPass).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('工作人员扫码签到', () => {
  async function staffScreen() {
    wx.setStorageSync('user', STAFF);
    volunteering.activities.mockResolvedValue(page([{ id: 1, title: '便民服务日', shifts: [{ id: 7, starts_at: '2026-11-27T09:00:00+08:00', ends_at: '2026-11-27T12:00:00+08:00' }] }]));
    volunteering.checkinCode.mockResolvedValue({ code: '123456', expires_in: 40, qr: 'llt:checkin:7:123456' });
    const screen = loadPage('packages/staff/checkin-code/index', { shift_id: '7' });
    await flush();
    return screen;
  }

  test('the scan button reads the pass with wx.scanCode and checks that volunteer in', async () => {
    const screen = await staffScreen();
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:pass:7.8.in.100.a.b' }));
    volunteering.scan.mockResolvedValue({ attendance_id: 3, kind: 'in', status: 'checked_in', user: { id: 8, nickname: '赵哥' }, minutes: 0, points: 0 });
    await tap(screen, '.scan-in');
    expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
    expect(volunteering.scan).toHaveBeenCalledWith(7, '7.8.in.100.a.b', 'in', expect.stringMatching(/^mp-/));
    expect(text(screen, '.scan-result')).toBe('赵哥 签到成功');
    screen.instance.onUnload();
  });

  test('check-out shows the minutes and the points an auto-approving activity credited', async () => {
    const screen = await staffScreen();
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:pass:7.8.out.100.a.b' }));
    volunteering.scan.mockResolvedValue({ attendance_id: 3, kind: 'out', status: 'credited', user: { id: 8, nickname: '赵哥' }, minutes: 120, points: 20 });
    await tap(screen, '.scan-out');
    expect(volunteering.scan).toHaveBeenCalledWith(7, '7.8.out.100.a.b', 'out', expect.stringMatching(/^mp-/));
    expect(text(screen, '.scan-result')).toBe('赵哥 签退成功，计 120 分钟，已发放 20 积分');
    screen.instance.onUnload();
  });

  test('a used pass and a QR that is not a pass are refused in words', async () => {
    const screen = await staffScreen();
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:pass:7.8.in.100.a.b' }));
    volunteering.scan.mockRejectedValueOnce(new ApiError('pass_used', '该签到凭证已使用，请志愿者刷新后重新出示', 409));
    await tap(screen, '.scan-in');
    expect(text(screen, '.scan-error')).toBe('该签到凭证已使用，请志愿者刷新后重新出示。请志愿者刷新个人签到码后再扫。');

    wx.scanCode.mockImplementation(({ success }) => success({ result: 'llt:checkin:7:123456' }));
    await tap(screen, '.scan-in');
    expect(text(screen, '.scan-error')).toBe('这不是志愿者的个人签到码');
    expect(volunteering.scan).toHaveBeenCalledTimes(1);
    screen.instance.onUnload();
  });
});

describe('passFromQr', () => {
  test('takes the token of a pass QR and nothing else', () => {
    const { passFromQr } = jest.requireActual('../../../miniprogram/services/volunteering');
    expect(passFromQr('llt:pass:12.34.in.1773108060.n1-H7zPVZ4xCF3-styPHrg.iQIbXuKyVuLjFme-OZGhSw'))
      .toBe('12.34.in.1773108060.n1-H7zPVZ4xCF3-styPHrg.iQIbXuKyVuLjFme-OZGhSw');
    expect(passFromQr('llt:checkin:7:123456')).toBe('');
    expect(passFromQr('K7Q2-MX8P')).toBe('');
    expect(passFromQr('llt:pass:')).toBe('');
    expect(passFromQr(undefined)).toBe('');
  });
});

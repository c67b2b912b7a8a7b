/**
 * 扫码登录管理后台: the staff member scans the web console's QR (`llt-console:<ticket>`) and
 * confirms with a tap; any other code, a refusal of the API (used, expired) or a cancel leaves
 * the console logged out.
 */
const consoleLogin = require('../../../miniprogram/packages/staff/services/console');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, text, tap } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/staff/services/console', () => {
  const real = jest.requireActual('../../../miniprogram/packages/staff/services/console');
  return { ...real, confirm: jest.fn() };
});

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const TICKET = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

beforeEach(() => {
  resetAll();
  wx.setStorageSync('user', STAFF);
});

function scans(result) {
  wx.scanCode.mockImplementation(({ success }) => success({ result }));
}

test('reads only the console ticket from a QR', () => {
  expect(consoleLogin.ticketFromQr(`llt-console:${TICKET}`)).toBe(TICKET);
  expect(consoleLogin.ticketFromQr('llt:pass:7.8.in.100.a.b')).toBe('');
  expect(consoleLogin.ticketFromQr('llt-console:short')).toBe('');
  expect(consoleLogin.ticketFromQr('llt-console:../../etc/passwd-aaaaaaaaaaa')).toBe('');
  expect(consoleLogin.ticketFromQr(undefined)).toBe('');
});

test('opens the camera, asks who is logging in, and confirms the ticket on a tap', async () => {
  scans(`llt-console:${TICKET}`);
  consoleLogin.confirm.mockResolvedValue({ status: 'confirmed' });
  const page = loadPage('packages/staff/console-login/index');
  await flush();
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
  expect(text(page, '.who')).toBe('观湖社工小李（社区工作者）');
  expect(consoleLogin.confirm).not.toHaveBeenCalled(); // never without the tap
  await tap(page, '.confirm');
  expect(consoleLogin.confirm).toHaveBeenCalledWith(TICKET);
  expect(text(page, '.done-panel')).toContain('已确认');
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已确认登录', icon: 'success' });
});

test("another QR is not the console's and nothing is sent", async () => {
  scans('https://example.invalid/');
  const page = loadPage('packages/staff/console-login/index');
  await flush();
  expect(text(page, '.console-error')).toBe('这不是管理后台的登录二维码');
  expect(page.querySelector('.confirm')).toBeFalsy();
  expect(consoleLogin.confirm).not.toHaveBeenCalled();
});

test("a used or expired code shows the API's message and offers another scan", async () => {
  scans(`llt-console:${TICKET}`);
  consoleLogin.confirm.mockRejectedValue(new ApiError('ticket_used', '登录码已使用，请刷新后重新扫码', 409));
  const page = loadPage('packages/staff/console-login/index');
  await flush();
  await tap(page, '.confirm');
  expect(text(page, '.console-error')).toBe('登录码已使用，请刷新后重新扫码');
  expect(page.querySelector('.scan')).toBeTruthy();
  scans(`llt-console:${TICKET}x`);
  await tap(page, '.scan');
  expect(page.querySelector('.confirm')).toBeTruthy();
});

test('cancel goes back without confirming; a cancelled camera says so', async () => {
  scans(`llt-console:${TICKET}`);
  const page = loadPage('packages/staff/console-login/index');
  await flush();
  await tap(page, '.cancel');
  expect(consoleLogin.confirm).not.toHaveBeenCalled();
  expect(wx.navigateBack).toHaveBeenCalled();

  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  await tap(page, '.scan');
  expect(text(page, '.console-error')).toBe('未扫描到二维码，请重新扫码');
});

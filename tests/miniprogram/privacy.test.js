/**
 * Privacy: WeChat's onNeedPrivacyAuthorization answered with our own dialog (summary, a link to
 * the policy page inside the mini-program, WeChat's agree button); a refused location offers
 * the settings from a tap (a modal's button), not after the failure.
 */
const auth = require('../../miniprogram/services/auth');
const privacy = require('../../miniprogram/utils/privacy');
const location = require('../../miniprogram/utils/privacy');
const { resetAll, loadPage, flush, fire, tap, text } = require('./helpers/page');

/** The dialog component's own tree (queried through its host on the page). */
const dialogOf = (page) => page.querySelector('.privacy-host');

jest.mock('../../miniprogram/services/auth');

let need;
beforeEach(() => {
  resetAll();
  wx.onNeedPrivacyAuthorization = jest.fn((fn) => { need = fn; });
  privacy.install();
  auth.me.mockResolvedValue({ id: 1, nickname: '张阿姨', roles: [{ role: 'resident' }], households: [] });
});

test('the app answers WeChat with our dialog on the page on screen; agreeing resolves with its button', async () => {
  expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1);
  const mine = loadPage('pages/mine/index');
  await flush();
  const dialog = dialogOf(mine);
  expect(dialog.querySelector('.privacy-dialog')).toBeFalsy();

  const resolve = jest.fn();
  need(resolve, { referrer: 'getPhoneNumber' });
  await flush();
  expect(text(dialog, '.privacy-summary')).toContain('位置');
  expect(text(dialog, '.privacy-summary')).toContain('手机号');
  expect(text(dialog, '.privacy-summary')).toContain('照片');

  await tap(dialog, '.privacy-link');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index' });

  await fire(dialog.querySelector('.privacy-agree'), 'agreeprivacyauthorization');
  expect(resolve).toHaveBeenCalledWith({ buttonId: 'privacy-agree', event: 'agree' });
  expect(dialog.querySelector('.privacy-dialog')).toBeFalsy();
});

test('refusing resolves as disagree, once', async () => {
  const mine = loadPage('pages/mine/index');
  await flush();
  const resolve = jest.fn();
  need(resolve);
  await flush();
  await tap(dialogOf(mine), '.privacy-disagree');
  expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
  expect(privacy.disagree()).toBe(false);
  expect(resolve).toHaveBeenCalledTimes(1);
});

test('on a page without the dialog, the policy page opens in consent mode with its own agree button', async () => {
  const mine = loadPage('pages/mine/index');
  await flush();
  mine.detach();
  const resolve = jest.fn();
  need(resolve);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index?consent=1' });
  const policy = loadPage('pages/privacy/index', { consent: '1' });
  await flush();
  expect(policy.querySelectorAll('.policy-item').map((n) => n.dom.textContent)).toEqual([
    expect.stringContaining('位置信息'), expect.stringContaining('手机号'),
    expect.stringContaining('照片'), expect.stringContaining('住址')]);
  await fire(policy.querySelector('.privacy-agree'), 'agreeprivacyauthorization');
  expect(resolve).toHaveBeenCalledWith({ buttonId: 'privacy-agree', event: 'agree' });
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('opened from 我的 the policy page shows no consent buttons', async () => {
  const policy = loadPage('pages/privacy/index', {});
  await flush();
  expect(policy.querySelector('.consent')).toBeFalsy();
  expect(policy.querySelectorAll('.policy-item')).toHaveLength(4);
});

describe('location refused', () => {
  test('a modal offers the settings, opened from its own button', async () => {
    wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
    let openedInsideModal = false;
    wx.showModal.mockImplementation(({ success }) => {
      success({ confirm: true });
      openedInsideModal = wx.openSetting.mock.calls.length === 1;
    });
    wx.openSetting.mockImplementation(({ success }) => success({ authSetting: { 'scope.userLocation': true } }));
    await expect(location.locate()).rejects.toMatchObject({ code: 'location_denied' });
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ confirmText: '去设置' }));
    expect(openedInsideModal).toBe(true);
  });

  test('declining the modal opens nothing; another failure is not a refusal', async () => {
    wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
    wx.showModal.mockImplementation(({ success }) => success({ confirm: false }));
    await expect(location.locate()).rejects.toMatchObject({ code: 'location_denied' });
    expect(wx.openSetting).not.toHaveBeenCalled();
    wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail timeout' }));
    await expect(location.locate()).rejects.toMatchObject({ code: 'location_failed' });
  });

  test('a position is read in GCJ-02', async () => {
    await expect(location.locate()).resolves.toEqual({ lat: 29.3401, lng: 105.2893 });
    expect(wx.getLocation.mock.calls[0][0].type).toBe('gcj02');
  });
});

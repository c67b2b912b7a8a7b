/**
 * 隐私保护 and the privacy APIs we call.
 *
 * WeChat holds back a privacy API (location, phone number, photos ...) until the user agrees to
 * the mini-program's 用户隐私保护指引, and asks us to ask. `install()` (app launch) answers
 * `wx.onNeedPrivacyAuthorization` with our own dialog: the components/privacy-dialog of the page
 * on screen, or, on a page without one, the privacy page in consent mode. Agreeing needs a tap
 * on a button with open-type="agreePrivacyAuthorization"; both places have one.
 *
 * Positions are always GCJ-02 (WeChat's own system, the one the API's geofences use). When the
 * user has refused location, WeChat only opens its settings from a tap: calling wx.openSetting
 * after the failed call returns does nothing. So a refusal shows a modal whose 去设置 button is
 * that tap, and opens the settings from the modal's own callback.
 */
const { ApiError } = require('./errors');

const CONSENT_PAGE = '/pages/privacy/index?consent=1';
const AGREE_BUTTON_ID = 'privacy-agree';

let pending = null; // WeChat's resolve for the API call waiting on the user
let active = null; // the dialog of the page on screen

function install() {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return false;
  wx.onNeedPrivacyAuthorization((resolve) => {
    pending = resolve;
    if (active) active.open();
    else wx.navigateTo({ url: CONSENT_PAGE });
  });
  return true;
}

function answer(result) {
  const resolve = pending;
  pending = null;
  if (resolve) resolve(result);
  return Boolean(resolve);
}

const DENIED = /auth|deny|denied|permission/i;

function isDenied(res) {
  return DENIED.test((res && res.errMsg) || '');
}

/**
 * Offer the settings after a refusal. Resolves true when the user came back with location
 * allowed.
 */
function offerSettings(content) {
  return new Promise((resolve) => {
    wx.showModal({
      title: '需要位置权限',
      content: content || '请在设置中允许“位置信息”，然后再试一次。',
      confirmText: '去设置',
      cancelText: '暂不',
      success: (res) => {
        if (!res.confirm) { resolve(false); return; }
        wx.openSetting({
          success: (s) => resolve(Boolean(s.authSetting && s.authSetting['scope.userLocation'])),
          fail: () => resolve(false),
        });
      },
      fail: () => resolve(false),
    });
  });
}

/** The phone's position {lat, lng} in GCJ-02; a refusal offers the settings first. */
function locate(reason) {
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude }),
      fail: (res) => {
        if (!isDenied(res)) {
          reject(new ApiError('location_failed', '无法获取位置，请打开手机定位后重试'));
          return;
        }
        offerSettings(reason).then(() => reject(new ApiError('location_denied', '需要位置权限，请允许后再试一次')));
      },
    });
  });
}

/**
 * A place picked on WeChat's map ({lat, lng, name, address}, GCJ-02), or null when the user
 * backed out.
 */
function choosePlace(current) {
  return new Promise((resolve, reject) => {
    const opts = {
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude, name: res.name || '', address: res.address || '' }),
      fail: (res) => {
        if (/cancel/i.test((res && res.errMsg) || '')) resolve(null);
        else if (isDenied(res)) offerSettings().then(() => resolve(null));
        else reject(new ApiError('location_failed', '无法打开地图选点，请稍后重试'));
      },
    };
    if (current && typeof current.lat === 'number') {
      opts.latitude = current.lat;
      opts.longitude = current.lng;
    }
    wx.chooseLocation(opts);
  });
}

module.exports = {
  install,
  locate,
  choosePlace,
  offerSettings,
  /** A dialog shows itself on its page; the last shown page's dialog answers. */
  setActive(dialog) { active = dialog; },
  clearActive(dialog) { if (active === dialog) active = null; },
  isPending: () => Boolean(pending),
  agree: () => answer({ buttonId: AGREE_BUTTON_ID, event: 'agree' }),
  disagree: () => answer({ event: 'disagree' }),
  AGREE_BUTTON_ID,
  CONSENT_PAGE,
  POLICY_PAGE: '/pages/privacy/index',
};

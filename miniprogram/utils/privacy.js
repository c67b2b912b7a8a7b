/**
 * 隐私保护: WeChat holds back a privacy API (location, phone number, photos ...) until the user
 * agrees to the mini-program's 用户隐私保护指引, and asks us to ask. `install()` (app launch)
 * answers `wx.onNeedPrivacyAuthorization` with our own dialog: the components/privacy-dialog of
 * the page on screen, or, on a page without one, the privacy page in consent mode. Agreeing
 * needs a tap on a button with open-type="agreePrivacyAuthorization"; both places have one.
 */
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

module.exports = {
  install,
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

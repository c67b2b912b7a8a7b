/**
 * App start: privacy handling, large type from WeChat's font setting, the update manager and
 * error reporting; then an early login (so the first page does not wait) and the subscribe
 * templates. Pages load their own data through services/*.js and handle their own errors.
 */
const http = require('./utils/request');
const subscribe = require('./utils/subscribe');
const privacy = require('./utils/privacy');
const report = require('./utils/report');
const ui = require('./utils/ui');

/** A new version downloaded in the background: offer to restart into it. */
function watchUpdates() {
  if (typeof wx.getUpdateManager !== 'function') return;
  const manager = wx.getUpdateManager();
  manager.onUpdateReady(() => {
    wx.showModal({
      title: '有新版本',
      content: '新版本已准备好，重启小程序即可使用。',
      confirmText: '立即重启',
      cancelText: '稍后',
      success: (res) => { if (res.confirm) manager.applyUpdate(); },
    });
  });
  manager.onUpdateFailed(() => {
    // The old version keeps working; WeChat retries on the next launch.
  });
}

App({
  onLaunch() {
    privacy.install();
    ui.followSystemFont();
    watchUpdates();
    if (http.isLoggedOut()) return; // logged out: wait for the person to log in on 我的
    const ready = http.getToken() ? Promise.resolve() : http.login();
    ready.then(() => subscribe.refresh()).catch((e) => {
      wx.showToast({ title: e.message || '登录失败', icon: 'none', duration: 3000 });
    });
  },

  onError(message) {
    report.report('error', message);
  },

  onUnhandledRejection({ reason }) {
    report.report('rejection', reason);
  },
});

/**
 * The app logs in early so the first page does not wait for it, then fetches the subscribe-message
 * templates; pages load their own data through services/*.js and handle their own errors.
 */
const http = require('./utils/request');
const subscribe = require('./utils/subscribe');
const privacy = require('./utils/privacy');
const ui = require('./utils/ui');

App({
  onLaunch() {
    privacy.install();
    ui.followSystemFont();
    const ready = http.getToken() ? Promise.resolve() : http.login();
    ready.then(() => subscribe.refresh()).catch((e) => {
      wx.showToast({ title: e.message || '登录失败', icon: 'none', duration: 3000 });
    });
  },
});

/**
 * The app only logs in early so the first page does not wait for it; pages load their own data
 * through services/*.js and handle their own errors.
 */
const http = require('./utils/request');

App({
  onLaunch() {
    if (!http.getToken()) {
      http.login().catch((e) => {
        wx.showToast({ title: e.message || '登录失败', icon: 'none', duration: 3000 });
      });
    }
  },
});

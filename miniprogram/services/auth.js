/** Identity: login, the current user, phone binding, logout. */
const http = require('../utils/request');

module.exports = {
  login: () => http.login(),
  me: () => http.get('/me'),
  updateNickname: (nickname) => http.patch('/me', { nickname }),
  /** Record one decision on a use of personal information (`location`, `phone`). */
  consent: (kind, granted) => http.post('/me/consents', { kind, granted }),
  /**
   * `code` comes from <button open-type="getPhoneNumber">; the fake client takes
   * `test-phone:<11 digits>`. The API binds a phone only with the phone consent on record
   * (409 consent_required otherwise, the code unspent): the tap on 绑定微信手机号 under its
   * stated purpose, confirmed in WeChat's own dialog, is that consent, recorded first.
   */
  bindPhone: async (code) => {
    await http.post('/me/consents', { kind: 'phone', granted: true });
    return http.post('/me/phone', { code });
  },
  /** Ends the session on the API and on the phone; nothing logs in again by itself. */
  async logout() {
    try {
      if (http.getToken()) await http.post('/auth/logout');
    } finally {
      http.markLoggedOut();
    }
  },
};

/** Identity: login, the current user, phone binding, logout. */
const http = require('../utils/request');

module.exports = {
  login: () => http.login(),
  me: () => http.get('/me'),
  updateNickname: (nickname) => http.patch('/me', { nickname }),
  /** `code` comes from <button open-type="getPhoneNumber">; the fake client takes `test-phone:<11 digits>`. */
  bindPhone: (code) => http.post('/me/phone', { code }),
  /** Ends the session on the API and on the phone; nothing logs in again by itself. */
  async logout() {
    try {
      if (http.getToken()) await http.post('/auth/logout');
    } finally {
      http.markLoggedOut();
    }
  },
};

/** Identity: login, the current user, phone binding, logout. */
const http = require('../utils/request');

module.exports = {
  login: () => http.login(),
  me: () => http.get('/me'),
  updateNickname: (nickname) => http.patch('/me', { nickname }),
  /** `code` comes from <button open-type="getPhoneNumber">; the fake client takes `test-phone:<11 digits>`. */
  bindPhone: (code) => http.post('/me/phone', { code }),
  async logout() {
    try {
      await http.post('/auth/logout');
    } finally {
      http.clearSession();
    }
  },
};

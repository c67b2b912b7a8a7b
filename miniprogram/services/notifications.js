/** The in-app inbox. */
const http = require('../utils/request');

module.exports = {
  list: (query) => http.get('/notifications', query),
  unread: () => http.get('/notifications', { unread: true, limit: 100 }),
  markRead: (id) => http.post(`/notifications/${id}/read`),
  markAllRead: () => http.post('/notifications/read-all'),
};

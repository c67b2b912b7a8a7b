/** 改造清单: my compounds' renovation lists, one list with its items, proposing an item. */
const http = require('../../../utils/request');

module.exports = {
  list: (query) => http.get('/renovations', query),
  get: (id) => http.get(`/renovations/${id}`),
  propose: (id, { title, detail }) => http.post(`/renovations/${id}/items`,
    { title, detail: detail || '' }),
};

/** Service categories and red partners (红色合伙人). */
const http = require('../utils/request');

module.exports = {
  categories: (query) => http.get('/categories', query),
  partners: (query) => http.get('/partners', query),
};

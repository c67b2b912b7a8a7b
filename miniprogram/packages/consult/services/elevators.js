/** 加装电梯: my building's projects, one project with my household's share, its steps. */
const http = require('../../../utils/request');

module.exports = {
  list: (query) => http.get('/elevators', query),
  get: (id) => http.get(`/elevators/${id}`),
  events: (id) => http.get(`/elevators/${id}/events`),
};

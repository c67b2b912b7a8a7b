/** 矛盾纠纷调解: the cases I mediate, a case with its sessions, recording a session. */
const http = require('../../../utils/request');

module.exports = {
  /** `scope: 'mine'` (cases I mediate) or `'community'` with `community_id`; overdue first. */
  list: (query) => http.get('/mediations', query),
  get: (id) => http.get(`/mediations/${id}`),
  addSession: (id, { at, notes, mediatorIds }) => http.post(`/mediations/${id}/sessions`,
    { at, notes, mediator_ids: mediatorIds }),
};

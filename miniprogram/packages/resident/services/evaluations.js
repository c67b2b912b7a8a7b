/** 评议: my community's campaigns, one campaign with my scores, scoring a target. */
const http = require('../../../utils/request');

module.exports = {
  list: (communityId, query) => http.get('/evaluations', { community_id: communityId, ...query }),
  get: (id) => http.get(`/evaluations/${id}`),
  /** One score per target: sending again replaces mine until the campaign closes. */
  score: (id, { targetId, score, comment }) => http.post(`/evaluations/${id}/scores`,
    { target_id: targetId, score, comment: comment || '' }),
};

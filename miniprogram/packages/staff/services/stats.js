/**
 * 数据统计: the figures of a community for a period, and their monthly series for the charts.
 * Dates are Asia/Shanghai days (YYYY-MM-DD), `to` inclusive. A figure the platform cannot know
 * yet comes back as null, with its reason in `unavailable`.
 */
const http = require('../../../utils/request');

module.exports = {
  /** → {scope: {kind, id, name}, from, to, figures: {name: number|null}, unavailable: {name: reason}} */
  summary: ({ communityId, from, to }) => http.get('/stats/summary', { community_id: communityId, from, to }),
  /** → {metric, items: [{month: "YYYY-MM", value: number|null}]} */
  series: (metric, { communityId, from, to }) => http.get('/stats/series', {
    metric, community_id: communityId, from, to,
  }),
};

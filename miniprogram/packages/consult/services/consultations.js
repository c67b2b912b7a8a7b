/**
 * 协商表决 (one household, one vote): the consultations of my households or of my community,
 * one with my households and their votes, voting; staff create, open and close.
 */
const http = require('../../../utils/request');

module.exports = {
  /** Residents: my households' consultations; staff: `community_id` for the community's. */
  list: (query) => http.get('/consultations', query),
  get: (id) => http.get(`/consultations/${id}`),
  roll: (id) => http.get(`/consultations/${id}/roll`),
  /** After the close: every counted vote's receipt with its choice. */
  receipts: (id) => http.get(`/consultations/${id}/receipts`),
  /** A bound owner votes for the household; a new vote replaces it until the close. */
  vote: (id, { householdId, choice, idempotencyKey }) => http.post(
    `/consultations/${id}/vote`, { household_id: householdId, choice },
    { idempotencyKey: idempotencyKey || http.newIdempotencyKey() },
  ),
  /** Staff: `scope` is {compound_id} | {building_id} | {building_id, unit}. */
  create: ({
    scope, title, body, opensAt, closesAt, objectionsCloseAt, rule, idempotencyKey,
  }) => http.post('/consultations', {
    scope,
    title,
    body: body || '',
    opens_at: opensAt,
    closes_at: closesAt,
    objections_close_at: objectionsCloseAt || undefined,
    rule,
  }, { idempotencyKey: idempotencyKey || http.newIdempotencyKey() }),
  open: (id) => http.post(`/consultations/${id}/open`, {}),
  close: (id) => http.post(`/consultations/${id}/close`, {}),
};

/**
 * 社情民意: report a problem, follow it, and the steps of those who handle it. Every step is a
 * POST to /feedback/{id}/<step>; the API checks actor and state (409 invalid_transition) and
 * lists in `actions` the steps the viewer may take now.
 */
const http = require('../../../utils/request');

const act = (id, step, body) => http.post(`/feedback/${id}/${step}`, body || {});

module.exports = {
  categories: () => http.get('/feedback/categories'),
  buildings: (communityId) => http.get('/feedback/buildings', { community_id: communityId }),
  /** scope: mine | open (with community_id) | community | grid | street; status optional. */
  list: (query) => http.get('/feedback', query),
  get: (id) => http.get(`/feedback/${id}`),
  events: (id) => http.get(`/feedback/${id}/events`),
  rates: (communityId, from, to) => http.get('/feedback/rates', { community_id: communityId, from, to }),
  /**
   * `photoIds` come from POST /files (utils/upload.js), uploaded before this is sent. Pass the
   * same `idempotencyKey` when retrying the same report, so a retry never files it twice.
   */
  create: ({
    communityId, category, text, buildingId, lat, lng, photoIds, anonymous, idempotencyKey,
  }) => http.post('/feedback', {
    community_id: communityId,
    category,
    text,
    building_id: buildingId || undefined,
    lat: lat === undefined ? undefined : lat,
    lng: lng === undefined ? undefined : lng,
    photo_ids: photoIds || [],
    anonymous: Boolean(anonymous),
  }, { idempotencyKey: idempotencyKey || http.newIdempotencyKey() }),
  accept: (id) => act(id, 'accept'),
  resolve: (id, reply, photoIds) => act(id, 'resolve', { reply, photo_ids: photoIds || [] }),
  transfer: (id, reason) => act(id, 'transfer', { reason }),
  closeUnresolved: (id, reason) => act(id, 'close-unresolved', { reason }),
  reopen: (id, reason) => act(id, 'reopen', { reason }),
  rate: (id, score, comment) => act(id, 'rate', comment ? { score, comment } : { score }),
  support: (id) => act(id, 'support'),
  merge: (id, intoId) => act(id, 'merge', { into_id: intoId }),
};

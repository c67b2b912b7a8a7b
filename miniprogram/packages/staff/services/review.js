/**
 * What staff decide, as the 审核 inbox lists it: household bindings, text held by the content
 * check, party registrations (双报到), attendances and make-up records (补录). Approving an
 * attendance credits points, so it goes through `http.once` (an Idempotency-Key kept until the
 * API answers).
 */
const http = require('../../../utils/request');

module.exports = {
  communities: (query) => http.get('/communities', query),
  grids: (communityId) => http.get(`/communities/${communityId}/grids`, { limit: 100 }),
  teams: (communityId) => http.get('/teams', { community_id: communityId, limit: 100 }),

  bindings: (query) => http.get('/household-bindings', { status: 'pending', ...query }),
  approveBinding: (id) => http.post(`/household-bindings/${id}/approve`, { note: '' }),
  rejectBinding: (id, reason) => http.post(`/household-bindings/${id}/reject`, { note: reason }),

  held: (query) => http.get('/approvals/held-requests', query),
  publish: (requestId) => http.post(`/requests/${requestId}/content/approve`),
  cancelRequest: (requestId, reason) => http.once('POST', `/requests/${requestId}/cancel`,
    `request:${requestId}:cancel`, { reason }),

  registrations: (query) => http.get('/party/registrations', { status: 'pending', ...query }),
  approveRegistration: (id, { gridId, teamIds }) => http.post(`/party/registrations/${id}/approve`,
    { grid_id: gridId || null, team_ids: teamIds || [] }),
  rejectRegistration: (id, reason) => http.post(`/party/registrations/${id}/reject`, { note: reason }),

  /** `manual`: true for 补录 only, false for on-site check-ins only. */
  attendances: (query) => http.get('/attendances', query),
  /** `minutes` below the record's approves fewer minutes; leave it out to approve them all. */
  approveAttendance: (id, minutes) => http.once('POST', `/attendances/${id}/approve`,
    `attendance:${id}:approve`, minutes === undefined ? {} : { minutes }),
  rejectAttendance: (id, reason) => http.post(`/attendances/${id}/reject`, { note: reason }),
};

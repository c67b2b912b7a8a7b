/** 大党委: members, meetings (minutes, resolutions) and the projects resolutions become. */
const http = require('../../../utils/request');

module.exports = {
  /** Without `community_id` the API picks my only community (staff, member or resident). */
  list: (query) => http.get('/projects', query),
  get: (id) => http.get(`/projects/${id}`),
  start: (id) => http.post(`/projects/${id}/start`, {}),
  progress: (id, { note, percent, photoIds }, idempotencyKey) => http.post(
    `/projects/${id}/progress`, { note, percent, photo_ids: photoIds || [] }, { idempotencyKey },
  ),
  done: (id, { result, photoIds }) => http.post(`/projects/${id}/done`,
    { result, photo_ids: photoIds || [] }),
  drop: (id, reason) => http.post(`/projects/${id}/drop`, { reason }),
  members: (communityId) => http.get(`/communities/${communityId}/committee/members`),
  meetings: (communityId, query) => http.get('/meetings', { community_id: communityId, ...query }),
  meeting: (id) => http.get(`/meetings/${id}`),
  createMeeting: ({ communityId, heldAt, title, agenda }, idempotencyKey) => http.post('/meetings', {
    community_id: communityId, held_at: heldAt, title, agenda: agenda.map((t) => ({ title: t })),
  }, { idempotencyKey }),
  minutes: (id, { text, attendeeIds }) => http.post(`/meetings/${id}/minutes`,
    { text, attendee_ids: attendeeIds }),
  resolve: (id, { title, ownerMemberId, dueOn }, idempotencyKey) => http.post(
    `/meetings/${id}/resolutions`, { title, owner_member_id: ownerMemberId, due_on: dueOn },
    { idempotencyKey },
  ),
};

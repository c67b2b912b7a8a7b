/** Volunteering: activities and shifts, sign-up, on-site check-in and out, party registration. */
const http = require('../utils/request');

module.exports = {
  activities: (query) => http.get('/activities', query),
  signup: (shiftId) => http.post(`/shifts/${shiftId}/signup`),
  cancelSignup: (shiftId) => http.del(`/shifts/${shiftId}/signup`),
  checkinCode: (shiftId) => http.get(`/shifts/${shiftId}/checkin-code`),
  checkin: (shiftId, { lat, lng, code }, idempotencyKey) => http.post(`/shifts/${shiftId}/checkin`,
    code ? { lat, lng, code } : { lat, lng }, { idempotencyKey }),
  checkout: (shiftId, { lat, lng }) => http.post(`/shifts/${shiftId}/checkout`, { lat, lng }),
  attendances: (query) => http.get('/attendances', query),
  approveAttendance: (id) => http.post(`/attendances/${id}/approve`),
  register: ({ communityId, unitName, roles }) => http.post('/party/registrations',
    { community_id: communityId, unit_name: unitName, roles }),
};

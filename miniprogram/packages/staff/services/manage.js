/**
 * What staff set up from the phone: activities and their shifts (the place picked on WeChat's
 * map, GCJ-02), closing a shift after it ended, and buildings' positions for navigation.
 */
const http = require('../../../utils/request');

/** A shift as the API takes it, from the form's values. */
function shiftBody(s) {
  return {
    starts_at: `${s.date}T${s.start}:00+08:00`,
    ends_at: `${s.date}T${s.end}:00+08:00`,
    capacity: Number(s.capacity),
    points_per_hour: Number(s.pointsPerHour),
    location_name: s.place.name,
    lat: s.place.lat,
    lng: s.place.lng,
    radius_m: Number(s.radius) || 200,
    code_required: Boolean(s.codeRequired),
  };
}

module.exports = {
  shiftBody,
  /** All activities of the community, newest first (past ones too, to close their shifts). */
  activities: (communityId, page) => http.get('/activities', { community_id: communityId, ...page }),
  createActivity: ({ communityId, title, description, shift }) => http.post('/activities',
    { community_id: communityId, title, description, shifts: [shiftBody(shift)] }),
  addShift: (activityId, shift) => http.post(`/activities/${activityId}/shifts`, shiftBody(shift)),
  closeShift: (shiftId) => http.post(`/shifts/${shiftId}/close`),

  compounds: (communityId) => http.get(`/communities/${communityId}/compounds`, { limit: 100 }),
  buildings: (compoundId) => http.get(`/compounds/${compoundId}/buildings`, { limit: 100 }),
  /** {lat, lng} in GCJ-02 (wx.chooseLocation's), or nulls to clear. */
  placeBuilding: (buildingId, { lat, lng }) => http.patch(`/buildings/${buildingId}`, { lat, lng }),
};

/** The address tree a consultation's scope is chosen from: compound → building → household. */
const http = require('../../../utils/request');

module.exports = {
  compounds: (communityId, query) => http.get(`/communities/${communityId}/compounds`, query),
  buildings: (compoundId, query) => http.get(`/compounds/${compoundId}/buildings`, query),
  households: (buildingId, query) => http.get(`/buildings/${buildingId}/households`, query),
};

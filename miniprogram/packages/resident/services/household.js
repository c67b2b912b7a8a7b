/**
 * Communities, the address tree (compound → building → household) and household binding. Only
 * the binding page uses it, so it lives in this subpackage.
 */
const http = require('../../../utils/request');

module.exports = {
  communities: (query) => http.get('/communities', query),
  compounds: (communityId, query) => http.get(`/communities/${communityId}/compounds`, query),
  buildings: (compoundId, query) => http.get(`/compounds/${compoundId}/buildings`, query),
  households: (buildingId, query) => http.get(`/buildings/${buildingId}/households`, query),
  requestBinding: (householdId, relation) => http.post('/household-bindings',
    { household_id: householdId, relation }),
};

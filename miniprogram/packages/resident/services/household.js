/**
 * Communities, the address tree (compound → building → household), household binding and a
 * household's residents. Only resident pages use it, so it lives in this subpackage.
 */
const http = require('../../../utils/request');

/**
 * The people I share a household with (approved bindings both ways): `[{userId, nickname,
 * relation, householdId, address}]`, one per person and household, for gifts and 代下单.
 */
async function familyMembers(user) {
  const homes = ((user && user.households) || []).filter((h) => h.status === 'approved');
  const details = await Promise.all(homes.map((h) => module.exports.household(h.household_id)));
  const out = [];
  details.forEach((d, i) => (d.residents || []).forEach((r) => {
    if (r.user_id === user.id) return;
    out.push({
      userId: r.user_id, nickname: r.nickname, relation: r.relation,
      householdId: homes[i].household_id, address: homes[i].address,
    });
  }));
  return out;
}

/**
 * For staff: the residents with an approved binding in the community, as people to order for
 * (`GET /household-bindings?status=approved`, phones and addresses masked).
 */
async function communityResidents(communityId) {
  const res = await http.get('/household-bindings', { community_id: communityId, status: 'approved', limit: 100 });
  return (res.items || []).map((b) => ({
    userId: b.user_id, householdId: b.household_id, nickname: b.user_nickname, address: b.address,
  }));
}

module.exports = {
  familyMembers,
  communityResidents,
  communities: (query) => http.get('/communities', query),
  /** `{id, name, service_phone, ...}`. */
  community: (id) => http.get(`/communities/${id}`),
  /** `{id, address, residents: [{user_id, nickname, relation}]}`: bound residents only. */
  household: (id) => http.get(`/households/${id}`),
  compounds: (communityId, query) => http.get(`/communities/${communityId}/compounds`, query),
  buildings: (compoundId, query) => http.get(`/compounds/${compoundId}/buildings`, query),
  households: (buildingId, query) => http.get(`/buildings/${buildingId}/households`, query),
  requestBinding: (householdId, relation) => http.post('/household-bindings',
    { household_id: householdId, relation }),
};

/**
 * 银发人才库 for staff, street admins and the organisation department: search the pool by
 * field, expertise, age and name (phones come masked in lists).
 */
const http = require('../../../utils/request');

/** Only the filters that are set, as the API's query. */
function query({ communityId, field, expertise, ageMax, q }, page) {
  const out = { ...page };
  if (communityId) out.community_id = communityId;
  if (field) out.field = field;
  if (expertise) out.expertise = expertise;
  if (ageMax) out.age_max = ageMax;
  if (q) out.q = q;
  return out;
}

module.exports = {
  query,
  search: (filters, page) => http.get('/talents', query(filters, page)),
};

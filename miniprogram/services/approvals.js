/** 审核: how much waits for a community's staff (the workbench badge and the inbox tabs). */
const http = require('../utils/request');

module.exports = {
  /** {bindings, content, party, attendances, manual, total}; communityId may be omitted for staff of one community. */
  counts: (communityId) => http.get('/approvals/counts', { community_id: communityId }),
};

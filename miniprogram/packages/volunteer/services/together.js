/** Volunteers together: leaderboards, teams and their members, 党员邻居 pairings and visits. */
const http = require('../../../utils/request');

module.exports = {
  communityBoard: (communityId, period) => http.get(`/communities/${communityId}/leaderboard`, { period, limit: 50 }),
  teamBoard: (teamId, period) => http.get(`/teams/${teamId}/leaderboard`, { period, limit: 50 }),
  teams: (communityId, page) => http.get('/teams', { community_id: communityId, ...page }),
  members: (teamId, page) => http.get(`/teams/${teamId}/members`, { limit: 100, ...page }),
  /** My own 党员邻居 pairings (the households I visit). */
  pairings: (page) => http.get('/party/pairings', page),
  pairing: (id) => http.get(`/party/pairings/${id}`),
  visits: (pairingId) => http.get(`/party/pairings/${pairingId}/visits`, { limit: 20 }),
  logVisit: (pairingId, { visitedAt, minutes, note }) => http.post(`/party/pairings/${pairingId}/visits`,
    { visited_at: visitedAt, minutes, note }),
};

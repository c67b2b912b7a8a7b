/**
 * Who is using the mini-program and as which role. A user may hold several roles (a resident who
 * is also a volunteer); the chosen one decides which workbench 服务 shows, and is remembered.
 */
const auth = require('../services/auth');
const { USER_KEY } = require('./request');
const { ROLES } = require('./status');

const ACTIVE_ROLE_KEY = 'activeRole';
const WORK_COMMUNITY_KEY = 'workCommunity';

/** Roles of a /me answer, each once, in a fixed order, with labels. */
function rolesOf(user) {
  const held = new Set(((user && user.roles) || []).map((r) => r.role));
  held.add('resident');
  return Object.keys(ROLES).filter((r) => held.has(r)).map((r) => ({ role: r, label: ROLES[r] }));
}

/** The scope (community_id, partner_id, merchant_id) of the user's first grant of a role. */
function scopeOf(user, role) {
  return ((user && user.roles) || []).find((r) => r.role === role) || null;
}

function cachedUser() {
  return wx.getStorageSync(USER_KEY) || null;
}

async function refreshUser() {
  const user = await auth.me();
  wx.setStorageSync(USER_KEY, user);
  return user;
}

function activeRole(user) {
  const roles = rolesOf(user).map((r) => r.role);
  const saved = wx.getStorageSync(ACTIVE_ROLE_KEY);
  return roles.includes(saved) ? saved : roles[roles.length > 1 ? 1 : 0];
}

function setActiveRole(role) {
  wx.setStorageSync(ACTIVE_ROLE_KEY, role);
}

/** The community the user belongs to: a staff/volunteer scope first, else an approved household. */
function communityOf(user, role) {
  const scope = role ? scopeOf(user, role) : null;
  if (scope && scope.community_id) return scope.community_id;
  const grant = ((user && user.roles) || []).find((r) => r.community_id);
  if (grant) return grant.community_id;
  const home = ((user && user.households) || []).find((h) => h.status === 'approved');
  return home ? home.community_id : null;
}

function isAdmin(user) {
  return ((user && user.roles) || []).some((r) => r.role === 'admin');
}

/**
 * The community whose work staff screens show: the one picked (an admin, or staff of several
 * communities, must pick; see setWorkCommunity), else the staff member's only one; null when a
 * pick is needed.
 */
function workCommunity(user) {
  const mine = ((user && user.roles) || []).filter((r) => r.role === 'staff' && r.community_id)
    .map((r) => r.community_id);
  const picked = Number(wx.getStorageSync(WORK_COMMUNITY_KEY)) || null;
  if (picked && (isAdmin(user) || mine.includes(picked))) return picked;
  return mine.length === 1 ? mine[0] : null;
}

function setWorkCommunity(id) {
  wx.setStorageSync(WORK_COMMUNITY_KEY, Number(id) || '');
}

module.exports = {
  rolesOf, scopeOf, cachedUser, refreshUser, activeRole, setActiveRole, communityOf,
  isAdmin, workCommunity, setWorkCommunity, ACTIVE_ROLE_KEY, WORK_COMMUNITY_KEY,
};

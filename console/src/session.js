// The signed-in user of the console: the token (localStorage, so a reload keeps it) and /me.
import { reactive } from 'vue'

const TOKEN_KEY = 'llt.console.token'
const CONSOLE_ROLES = ['staff', 'street_admin', 'org_dept', 'admin']

export const session = reactive({
  token: localStorage.getItem(TOKEN_KEY) || '',
  user: null, // /me: {id, nickname, roles: [{role, community_id, ...}]}
})

export function setToken(token) {
  session.token = token
  session.user = null
  if (token) localStorage.setItem(TOKEN_KEY, token)
  else localStorage.removeItem(TOKEN_KEY)
}

export function clearSession() {
  setToken('')
}

/** Does the user hold one of `roles` (admin holds them all)? */
export function hasRole(user, roles) {
  if (!user) return false
  const held = (user.roles || []).map((r) => r.role)
  if (held.includes('admin')) return true
  if (!roles || roles.length === 0) return true
  return roles.some((r) => held.includes(r))
}

export function canUseConsole(user) {
  return hasRole(user, CONSOLE_ROLES)
}

/** The communities where the user is staff (empty for an admin: all of them). */
export function staffCommunityIds(user) {
  return (user?.roles || []).filter((r) => r.role === 'staff' && r.community_id)
    .map((r) => r.community_id)
}

export function isAdmin(user) {
  return (user?.roles || []).some((r) => r.role === 'admin')
}

// Which community a screen works on: `?community_id=` in the URL, else the user's own (staff of
// one community). Admins, street admins and the organisation department pick one.
import { computed, ref } from 'vue'
import { communities } from '../api/catalog'
import { session, staffCommunityIds } from '../session'

const all = ref(null)

export function ownCommunities() {
  return staffCommunityIds(session.user)
}

/** The communities the user may pick from: their own, or (global roles) every community. */
export async function pickableCommunities() {
  const own = ownCommunities()
  if (all.value === null) {
    try {
      all.value = (await communities())?.items || []
    } catch (e) {
      all.value = []
    }
  }
  const global = (session.user?.roles || []).some(
    (r) => ['admin', 'street_admin', 'org_dept'].includes(r.role))
  return global ? all.value : all.value.filter((c) => own.includes(c.id))
}

export function defaultCommunity(queryValue) {
  if (queryValue) return Number(queryValue)
  return ownCommunities()[0] || null
}

export const communityName = (id) => computed(() =>
  (all.value || []).find((c) => c.id === id)?.name || (id ? `社区 ${id}` : ''))

import { createRouter, createWebHistory } from 'vue-router'
import { me } from '../api/auth'
import { setUnauthorizedHandler } from '../api/client'
import { canUseConsole, clearSession, hasRole, session } from '../session'
import { routes } from './routes'

const router = createRouter({
  history: createWebHistory('/console/'),
  routes,
})

/** Load /me once per token; a user without a console role is sent back to the login page. */
export async function ensureUser() {
  if (!session.token) return null
  if (!session.user) session.user = await me()
  return session.user
}

router.beforeEach(async (to) => {
  document.title = to.meta?.title ? `${to.meta.title} - 邻里通管理后台` : '邻里通管理后台'
  if (to.meta?.public) return true
  if (!session.token) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  let user
  try {
    user = await ensureUser()
  } catch (e) {
    return e.status === 401 ? { name: 'login' } : true
  }
  if (!canUseConsole(user)) {
    clearSession()
    return { name: 'login', query: { denied: '1' } }
  }
  if (to.meta?.roles && !hasRole(user, to.meta.roles)) return { name: 'home' }
  return true
})

setUnauthorizedHandler(() => {
  const current = router.currentRoute.value
  if (current.name !== 'login') {
    router.replace({ name: 'login', query: { redirect: current.fullPath } })
  }
})

export default router

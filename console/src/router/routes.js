// Every screen of the console, in menu order. The side menu is built from this list: a route
// with `meta.title` and no `meta.hidden` is a menu entry, shown to users holding one of
// `meta.roles` (admin holds them all). Each screen lives in src/views/<screen>/ and is loaded
// lazily, so the first screen downloads only what it uses.
export const screens = [
  {
    path: 'dispatch',
    name: 'dispatch',
    component: () => import('../views/dispatch/DispatchBoard.vue'),
    meta: { title: '派单调度', icon: 'Van', roles: ['staff'] },
  },
  // Next screens (approvals, volunteering, governance, figures, catalog) are added here.
]

export const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/login/LoginView.vue'),
    meta: { public: true, title: '登录' },
  },
  {
    path: '/',
    component: () => import('../layout/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('../views/home/HomeView.vue'),
        meta: { hidden: true, title: '首页' } },
      ...screens,
      { path: ':rest(.*)*', name: 'not-found',
        component: () => import('../views/not-found/NotFound.vue'),
        meta: { hidden: true, title: '页面不存在' } },
    ],
  },
]

/** The menu entries the user may see. */
export function menuFor(user, hasRole) {
  return screens.filter((r) => r.meta?.title && !r.meta.hidden && hasRole(user, r.meta.roles))
}

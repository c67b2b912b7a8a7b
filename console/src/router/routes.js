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
  {
    path: 'approvals',
    name: 'approvals',
    component: () => import('../views/approvals/ApprovalsView.vue'),
    meta: { title: '审核中心', icon: 'Checked', roles: ['staff'] },
  },
  {
    path: 'volunteering',
    name: 'volunteering',
    component: () => import('../views/volunteering/VolunteeringView.vue'),
    meta: { title: '志愿服务', icon: 'Flag', roles: ['staff'] },
  },
  {
    path: 'volunteering/shifts/:id/qr',
    name: 'volunteering-qr',
    component: () => import('../views/volunteering/CheckinQr.vue'),
    meta: { title: '签到二维码', hidden: true, roles: ['staff'] },
  },
  {
    path: 'governance',
    name: 'governance',
    component: () => import('../views/governance/GovernanceView.vue'),
    meta: { title: '民意与治理', icon: 'ChatDotRound', roles: ['staff', 'street_admin', 'org_dept'] },
  },
  {
    path: 'figures',
    name: 'figures',
    component: () => import('../views/figures/FiguresView.vue'),
    meta: { title: '数据看板', icon: 'DataLine', roles: ['staff', 'street_admin', 'org_dept'] },
  },
  {
    path: 'catalog',
    name: 'catalog',
    component: () => import('../views/catalog/CatalogView.vue'),
    meta: { title: '目录与商城', icon: 'Goods', roles: ['staff'] },
  },
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

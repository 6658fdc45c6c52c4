import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { api, ok } from './api/client';
import { session, type Me } from './session';

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录', public: true } },
  { path: '/', component: () => import('./pages/DashboardPage.vue'), meta: { title: '工作台' } },
  { path: '/items', component: () => import('./pages/ItemsPage.vue'), meta: { title: '事项' } },
  { path: '/items/new', component: () => import('./pages/NewItemPage.vue'), meta: { title: '新建事项' } },
  {
    path: '/items/:id',
    component: () => import('./pages/ItemPage.vue'),
    props: true,
    meta: { title: '事项' },
  },
  { path: '/cases', component: () => import('./pages/CasesPage.vue'), meta: { title: '问责' } },
  {
    path: '/cases/:id',
    component: () => import('./pages/CasePage.vue'),
    props: true,
    meta: { title: '问责' },
  },
  { path: '/ledger', component: () => import('./pages/LedgerPage.vue'), meta: { title: '台帐与考核' } },
  { path: '/stats', component: () => import('./pages/StatsPage.vue'), meta: { title: '统计' } },
  { path: '/:rest(.*)*', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '未找到' } },
];

export const router = createRouter({ history: createWebHistory(), routes });

/** who the token is; learned once per sign-in */
export async function loadMe(): Promise<Me> {
  const me = await ok(api.GET('/v1/me'));
  session.me = me;
  return me;
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!session.token) return { path: '/login', query: { next: to.fullPath } };
  if (!session.me) {
    try {
      await loadMe();
    } catch {
      return { path: '/login', query: { next: to.fullPath } };
    }
  }
  return true;
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · 督办台`;
});

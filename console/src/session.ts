// Sign-in: a bearer token kept in sessionStorage (gone when the tab closes); the role comes from
// GET /v1/me, never from the token's text.
import { reactive } from 'vue';

export type Role = 'staff' | 'manager' | 'ops' | 'unit';
export interface Me {
  actor: string;
  role: Role;
  unit?: string;
}

const KEY = 'duban.token';

export const session = reactive<{ token: string | null; me: Me | null; notice: string | null }>({
  token: sessionStorage.getItem(KEY),
  me: null,
  notice: null,
});

export function setToken(token: string): void {
  session.token = token;
  sessionStorage.setItem(KEY, token);
}

export function signOut(notice?: string): void {
  session.token = null;
  session.me = null;
  session.notice = notice ?? null;
  sessionStorage.removeItem(KEY);
  if (!location.pathname.startsWith('/login')) {
    const back = location.pathname + location.search;
    location.assign(`/login?next=${encodeURIComponent(back)}`);
  }
}

export const can = {
  create: (me: Me | null) => me?.role === 'staff' || me?.role === 'manager',
  report: (me: Me | null) => me?.role === 'staff' || me?.role === 'unit',
  manage: (me: Me | null) => me?.role === 'manager',
  investigate: (me: Me | null) => me?.role === 'staff' || me?.role === 'manager',
  appeal: (me: Me | null) => me?.role === 'staff' || me?.role === 'manager' || me?.role === 'unit',
  /** 电话催办、督办函 by hand (the office's staff) */
  urge: (me: Me | null) => me?.role === 'staff',
  /** 领导批示 */
  instruct: (me: Me | null) => me?.role === 'manager',
  /** the ledger, the annual sheet, the statistics and the downloads: the office's roles */
  overview: (me: Me | null) => !!me && me.role !== 'unit',
};

// The one way the console talks to duban: openapi-fetch typed by the types that
// scripts/build-console.mjs generates from the API's own OpenAPI document. A path, a parameter or a
// body the document does not declare does not compile.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/schema';
import { session, signOut } from '../session';

export type Schemas = components['schemas'];
export type { paths };

/** RFC 9457 problem details, as the API answers every refusal */
export type Problem = Schemas['Problem'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }

  /** validation errors by field path ("leadUnit.id"), for messages next to the inputs */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem?.errors ?? []).map((e) => [e.path, e.message]));
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    if (session.token) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    // a token that stopped working (rotated, or the API restarted with new dev tokens)
    if (response.status === 401 && session.token) signOut('令牌已失效，请重新登录');
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** The data of a typed call, or an ApiError carrying the API's problem (its detail is the reason). */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, { title: '无法连接督办服务', detail: (err as Error).message });
  }
  if (result.error !== undefined || !result.response.ok) {
    const p = (typeof result.error === 'object' ? result.error : undefined) as Partial<Problem> | undefined;
    throw new ApiError(result.response.status, p);
  }
  return result.data as T;
}

/** A message for the page: the API's detail, with the status in words. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const what =
      {
        0: '无法连接',
        400: '输入有误',
        401: '未登录',
        403: '无权操作',
        404: '未找到',
        409: '操作被拒绝',
        503: '服务暂不可用',
      }[err.status] ?? `错误 ${err.status}`;
    return `${what}：${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

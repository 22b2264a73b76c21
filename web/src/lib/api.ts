// The JSON API client. Cookies are HttpOnly, so the session rides on them and JS never sees it;
// every state-changing request carries the CSRF token from the login/session answer. Errors
// come back as ApiError (the server's {"error":{code,message,field}}) or NetworkError (no answer:
// the caller keeps what was typed and says the connection was lost).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class NetworkError extends Error {
  constructor(message = 'network') {
    super(message);
    this.name = 'NetworkError';
  }
}

let csrfToken = '';
let onUnauthenticated: ((path: string) => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request other than sign-in answers 401 (the session ended). */
export function setUnauthenticatedHandler(fn: ((path: string) => void) | null): void {
  onUnauthenticated = fn;
}

const TIMEOUT_MS = 60_000; // slow 3G: be patient, but not forever

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  const ctl = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = ctl ? setTimeout(() => ctl.abort(), TIMEOUT_MS) : undefined;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctl?.signal,
    });
  } catch {
    throw new NetworkError();
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    if (res.ok) throw new NetworkError('bad response');
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; field?: string | null } })
      ?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? res.statusText,
      e?.field ?? null,
    );
    if (res.status === 401 && !path.startsWith('/api/v1/auth/')) onUnauthenticated?.(path);
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
};

/** Builds "path?a=1&b=2", leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// ---- Types of the API (see docs/openapi.json on the server side) ----

export interface Membership {
  unit_id: string;
  unit_name: string;
  sector: string;
  role: string;
  region_code?: number;
  province_code?: string;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  email?: string | null;
  phone?: string | null;
  active?: boolean;
  totp_enabled: boolean;
  memberships: Membership[];
}

export interface SessionInfo {
  user: User;
  csrf_token: string;
  must_enrol_totp: boolean;
  expires_at?: string;
}

export interface Unit {
  id: string;
  name: string;
  sector: string;
  region_code: number;
  province_code: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  active: boolean;
}

export interface Province {
  code: string;
  name_fr: string;
  name_ar: string;
  kind: string;
}

export interface Region {
  code: number;
  name_fr: string;
  name_ar: string;
  provinces: Province[];
}

export interface AuditEntry {
  seq: number;
  time: string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  unit_id: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  decision: string;
  reason: string | null;
  client_addr: string | null;
}

export interface AuditPage {
  items: AuditEntry[];
  next_before_seq: number | null;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  problems: { seq: number; kind: string; message: string }[];
}

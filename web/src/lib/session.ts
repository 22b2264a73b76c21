// The signed-in person, as the server last described them. The session itself is an HttpOnly
// cookie; here we only keep what the UI needs (name, memberships, CSRF token) in memory.
import { api, ApiError, setCsrfToken, type Membership, type SessionInfo } from './api';

let session: SessionInfo | null = null;
let actingIndex = 0;

export function currentSession(): SessionInfo | null {
  return session;
}

export function setSession(s: SessionInfo | null): void {
  session = s;
  actingIndex = 0;
  setCsrfToken(s?.csrf_token ?? '');
}

/** Asks the server who is signed in; null when nobody (401). Network failures propagate. */
export async function loadSession(): Promise<SessionInfo | null> {
  try {
    setSession(await api.get<SessionInfo>('/api/v1/auth/session'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) setSession(null);
    else throw e;
  }
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api.post('/api/v1/auth/logout');
  } finally {
    setSession(null);
  }
}

export function hasRole(role: string): boolean {
  return !!session?.user.memberships.some((m) => m.role === role);
}

export function isAdministrator(): boolean {
  return hasRole('administrator');
}

/** The membership the person is acting in now (the first one unless they chose another). */
export function actingMembership(): Membership | undefined {
  const ms = session?.user.memberships ?? [];
  return ms[actingIndex] ?? ms[0];
}

export function setActingIndex(i: number): void {
  actingIndex = i;
}

export function actingIndexValue(): number {
  return actingIndex;
}

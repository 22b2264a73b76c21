// A scripted fetch for component tests: each call takes the next answer and is recorded.
import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer = { status: number; body?: unknown } | 'offline';

export function scriptFetch(...answers: Answer[]): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      calls.push({
        method: init.method ?? 'GET',
        path,
        headers: (init.headers ?? {}) as Record<string, string>,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      const a = answers.shift();
      if (!a) throw new Error(`unexpected request ${init.method} ${path}`);
      if (a === 'offline') throw new TypeError('Failed to fetch');
      return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
        status: a.status,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return calls;
}

export const apiError = (status: number, code: string, message: string, field: string | null = null): Answer => ({
  status,
  body: { error: { code, message, field } },
});

/** Lets pending promises (fetch answers, renders) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}

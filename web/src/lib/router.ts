// History routing (the server answers index.html for any unknown path). Same-origin links are
// intercepted; a route handler receives the path parameters, the query and a `live()` check that
// turns false as soon as another navigation starts (so a slow answer never paints over a newer
// page).

export interface RouteContext {
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** False once another navigation has started. */
  live: () => boolean;
}

type Handler = (ctx: RouteContext) => void | Promise<void>;

interface Route {
  re: RegExp;
  keys: string[];
  handler: Handler;
}

const routes: Route[] = [];
let fallback: Handler = () => {};
let generation = 0;
let replaceByDefault: () => boolean = () => false;

/** Registers `pattern` ("/admin/units/:id"). */
export function route(pattern: string, handler: Handler): void {
  const keys: string[] = [];
  const re = new RegExp(
    `^${pattern.replace(/\/:(\w+)/g, (_, k: string) => {
      keys.push(k);
      return '/([^/]+)';
    })}/?$`,
  );
  routes.push({ re, keys, handler });
}

export function notFound(handler: Handler): void {
  fallback = handler;
}

/** When this returns true, link clicks replace the history entry instead of adding one. */
export function setReplaceByDefault(fn: () => boolean): void {
  replaceByDefault = fn;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): Promise<void> {
  const replace = opts.replace ?? replaceByDefault();
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  return dispatch();
}

export function dispatch(): Promise<void> {
  generation += 1;
  const mine = generation;
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  const live = () => mine === generation;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? '');
      });
      return Promise.resolve(r.handler({ path, params, query, live }));
    }
  }
  return Promise.resolve(fallback({ path, params: {}, query, live }));
}

function onClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//')) return;
  e.preventDefault();
  void navigate(href, { replace: a.dataset.replace !== undefined ? true : undefined });
}

export function startRouter(): Promise<void> {
  window.addEventListener('popstate', () => void dispatch());
  document.addEventListener('click', onClick);
  return dispatch();
}

/** The current path with its query, for "come back here after signing in". */
export function currentLocation(): string {
  return location.pathname + location.search;
}

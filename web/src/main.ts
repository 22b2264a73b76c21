// Entry point: chooses the language, registers the routes and starts the router.
import './styles.css';
import { h } from './lib/dom';
import { isLocale, setLocale, tr, DEFAULT_LOCALE, type Locale } from './i18n';
import { STAFF_LANGUAGE_KEY } from './config';
import { NetworkError, setUnauthenticatedHandler } from './lib/api';
import { currentSession, isAdministrator, loadSession, setSession } from './lib/session';
import { currentLocation, navigate, notFound, route, setReplaceByDefault, startRouter, type RouteContext } from './lib/router';
import { resetFrame, showBanner, showBare, showPublic, showStaff } from './frame';
import { loadError, pageHeading, withheld } from './views/common';
import { signInView } from './views/signin';
import { enrolView } from './views/enrol';
import { homeView } from './views/home';
import { helpView } from './views/public/help';
import { adminWithheld } from './views/admin/layout';
import { unitFormView, unitsListView } from './views/admin/units';
import { userFormView, usersListView } from './views/admin/users';
import { auditView } from './views/admin/audit';
import { statusView } from './views/public/status';
import { reportView } from './views/public/report';
import { CASE_SECTORS } from './views/cases/sectors';
import { whereToGoView } from './views/directory/public';

export function isPublicPath(path: string): boolean {
  return path === '/help' || path.startsWith('/help/') || path === '/status' || path === '/where-to-go' || path === '/report';
}

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin') ? next : '/';
}

function initialLocale(): Locale {
  const q = new URLSearchParams(location.search).get('lang');
  if (isLocale(q)) return q;
  if (isPublicPath(location.pathname)) return DEFAULT_LOCALE; // survivor pages read no storage
  try {
    const saved = sessionStorage.getItem(STAFF_LANGUAGE_KEY);
    if (isLocale(saved) && saved !== 'zgh') return saved;
  } catch {
    // storage disabled
  }
  return DEFAULT_LOCALE;
}

let sessionChecked = false;

async function ensureSessionLoaded(): Promise<void> {
  if (sessionChecked) return;
  await loadSession();
  sessionChecked = true;
}

/** Staff pages: signed in, and enrolled in the second factor when required. */
async function requireSession(ctx: RouteContext): Promise<boolean> {
  try {
    await ensureSessionLoaded();
  } catch (err) {
    await showBare(h('section', null, pageHeading('error.title'), loadError(err, () => void navigate(currentLocation(), { replace: true }))), tr('error.title'));
    return false;
  }
  const s = currentSession();
  if (!s) {
    await navigate(`/signin?next=${encodeURIComponent(currentLocation())}`, { replace: true });
    return false;
  }
  if (s.must_enrol_totp && ctx.path !== '/enrol-totp') {
    await navigate('/enrol-totp', { replace: true });
    return false;
  }
  return true;
}

function adminRoute(titleKey: string, view: (ctx: RouteContext) => HTMLElement) {
  return async (ctx: RouteContext) => {
    if (!(await requireSession(ctx))) return;
    if (!isAdministrator()) await showStaff(adminWithheld(), tr('nav.admin'), 'admin');
    else await showStaff(view(ctx), tr(titleKey), 'admin');
  };
}

/** Case screens: a separate chunk, loaded the first time one is opened. */
function caseRoute(titleKey: string, pick: (m: typeof import('./views/cases')) => (ctx: RouteContext) => HTMLElement, section: 'cases' | 'referrals' = 'cases') {
  return async (ctx: RouteContext) => {
    if (!(await requireSession(ctx))) return;
    if (!currentSession()?.user.memberships.some((m) => CASE_SECTORS.includes(m.sector))) {
      await showStaff(h('section', null, pageHeading(section === 'cases' ? 'case.list.title' : titleKey), withheld()), tr(titleKey), section);
      return;
    }
    try {
      const m = await import('./views/cases');
      if (ctx.live()) await showStaff(pick(m)(ctx), tr(titleKey), section);
    } catch (err) {
      if (ctx.live()) await showStaff(h('section', null, pageHeading('error.title'), loadError(err, () => void navigate(currentLocation(), { replace: true }))), tr('error.title'), section);
    }
  };
}

/** Directory screens: a separate chunk, for any signed-in staff member (the server decides). */
function directoryRoute(titleKey: string, pick: (m: typeof import('./views/directory/staff')) => (ctx: RouteContext) => HTMLElement) {
  return async (ctx: RouteContext) => {
    if (!(await requireSession(ctx))) return;
    try {
      const m = await import('./views/directory/staff');
      if (ctx.live()) await showStaff(pick(m)(ctx), tr(titleKey), 'directory');
    } catch (err) {
      if (ctx.live()) await showStaff(h('section', null, pageHeading('error.title'), loadError(err, () => void navigate(currentLocation(), { replace: true }))), tr('error.title'), 'directory');
    }
  };
}

function statsRoute() {
  return async (ctx: RouteContext) => {
    if (!(await requireSession(ctx))) return;
    try {
      const m = await import('./views/stats');
      if (ctx.live()) await showStaff(m.statsView(ctx), tr('stats.title'), 'stats');
    } catch (err) {
      if (ctx.live()) await showStaff(h('section', null, pageHeading('error.title'), loadError(err, () => void navigate(currentLocation(), { replace: true }))), tr('error.title'), 'stats');
    }
  };
}

function inboxRoute() {
  return async (ctx: RouteContext) => {
    if (!(await requireSession(ctx))) return;
    try {
      const m = await import('./views/coordination/inbox');
      if (ctx.live()) await showStaff(m.inboxView(ctx), tr('inbox.title'), 'inbox');
    } catch (err) {
      if (ctx.live()) await showStaff(h('section', null, pageHeading('error.title'), loadError(err, () => void navigate(currentLocation(), { replace: true }))), tr('error.title'), 'inbox');
    }
  };
}

function notFoundView(): HTMLElement {
  return h(
    'section',
    null,
    pageHeading('notFound.title'),
    h('p', null, tr('notFound.text')),
    h('p', null, h('a', { href: '/' }, tr('nav.home'))),
  );
}

function registerRoutes(): void {
  route('/help', () => showPublic(helpView(), tr('public.help.title')));
  route('/status', () => showPublic(statusView(), tr('public.status.title')));
  route('/report', () => showPublic(reportView(), tr('public.report.title')));
  route('/where-to-go', () => showPublic(whereToGoView(), tr('public.where.title')));

  route('/signin', async (ctx) => {
    try {
      await ensureSessionLoaded();
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
    }
    if (currentSession()) {
      await navigate(currentSession()?.must_enrol_totp ? '/enrol-totp' : safeNext(ctx.query.get('next')), { replace: true });
      return;
    }
    await showBare(
      signInView((s) => {
        resetFrame();
        void navigate(s.must_enrol_totp ? '/enrol-totp' : safeNext(ctx.query.get('next')), { replace: true });
      }),
      tr('signin.title'),
    );
  });

  route('/enrol-totp', async (ctx) => {
    if (!(await requireSession(ctx))) return;
    if (!currentSession()?.must_enrol_totp) {
      await navigate('/', { replace: true });
      return;
    }
    await showBare(
      enrolView(() => {
        resetFrame();
        void navigate('/', { replace: true });
      }),
      tr('enrol.title'),
    );
  });

  route('/', async (ctx) => {
    if (!(await requireSession(ctx))) return;
    await showStaff(homeView(), tr('nav.home'), 'home');
  });

  route('/admin', async (ctx) => {
    if (!(await requireSession(ctx))) return;
    if (!isAdministrator()) await showStaff(adminWithheld(), tr('nav.admin'), 'admin');
    else await navigate('/admin/units', { replace: true });
  });
  route('/admin/units', adminRoute('admin.units', unitsListView));
  route('/admin/units/new', adminRoute('admin.units.new', (ctx) => unitFormView(ctx, null)));
  route('/admin/units/:id', adminRoute('admin.units.edit', (ctx) => unitFormView(ctx, ctx.params.id ?? null)));
  route('/admin/users', adminRoute('admin.users', usersListView));
  route('/admin/users/new', adminRoute('admin.users.new', userFormView));
  route('/admin/audit', adminRoute('admin.audit', auditView));
  route('/admin/notifications', async (ctx) => {
    if (!(await requireSession(ctx))) return;
    if (!isAdministrator()) {
      await showStaff(adminWithheld(), tr('nav.admin'), 'admin');
      return;
    }
    const m = await import('./views/notify');
    if (ctx.live()) await showStaff(m.outboxView(ctx), tr('notify.title'), 'admin');
  });
  route('/me/notifications', async (ctx) => {
    if (!(await requireSession(ctx))) return;
    const m = await import('./views/notify');
    if (ctx.live()) await showStaff(m.preferencesView(ctx), tr('notify.pref.title'), 'home');
  });

  route('/cases', caseRoute('case.list.title', (m) => m.casesListView));
  route('/cases/new', caseRoute('intake.title', (m) => m.intakeView));
  route('/cases/break-glass', caseRoute('case.btg.title', (m) => m.breakGlassView));
  route('/cases/duplicates', caseRoute('review.title', (m) => m.reviewView));
  route('/cases/:id', caseRoute('case.title', (m) => m.caseView));
  route('/cases/:id/:tab', caseRoute('case.title', (m) => m.caseView));
  route('/referrals', caseRoute('ref.list.title', (m) => m.referralsListView, 'referrals'));

  route('/directory', directoryRoute('dir.services', (m) => m.directoryListView));
  route('/directory/new', directoryRoute('dir.newTitle', (m) => (ctx) => m.serviceFormView(ctx, null)));
  route('/directory/services/:id', directoryRoute('dir.editTitle', (m) => (ctx) => m.serviceFormView(ctx, ctx.params.id ?? null)));
  route('/directory/shelters', directoryRoute('dir.shelters', (m) => m.sheltersView));
  route('/directory/find-bed', directoryRoute('dir.findBed', (m) => m.findBedView));
  route('/stats', statsRoute());
  route('/inbox', inboxRoute());

  notFound(async () => {
    if (currentSession()) await showStaff(notFoundView(), tr('notFound.title'), null);
    else await showBare(notFoundView(), tr('notFound.title'));
  });
}

async function boot(): Promise<void> {
  await setLocale(initialLocale());
  // Survivor pages keep a single history entry, so quick exit leaves nothing to go back to.
  setReplaceByDefault(() => isPublicPath(location.pathname));
  setUnauthenticatedHandler(() => {
    setSession(null);
    showBanner(
      h('p', null, tr('error.signedOut'), ' ', h('a', { href: `/signin?next=${encodeURIComponent(currentLocation())}` }, tr('signin.title'))),
    );
  });
  registerRoutes();
  await startRouter();
}

void boot();

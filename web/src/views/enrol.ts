// Second-factor enrolment (unit heads and administrators): the server makes a secret; the person
// types it (or scans the QR code) into an authenticator app and confirms with a first code.
import { api, type SessionInfo } from '../lib/api';
import { h, live } from '../lib/dom';
import { Field, Form } from '../lib/forms';
import { currentSession, setSession } from '../lib/session';
import { checkTotp } from '../lib/validate';
import { tr } from '../i18n';
import { loadError, loading, pageHeading } from './common';

interface Enrolment {
  secret: string;
  otpauth_uri: string;
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP": easier to copy by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

async function drawQr(target: HTMLElement, uri: string): Promise<void> {
  try {
    // Loaded only here, so it costs nothing on other pages.
    const { default: qrcode } = await import('qrcode-generator');
    const qr = qrcode(0, 'M');
    qr.addData(uri);
    qr.make();
    const n = qr.getModuleCount();
    const quiet = 4;
    const size = n + quiet * 2;
    let d = '';
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    }
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
    svg.setAttribute('class', 'qr');
    svg.setAttribute('shape-rendering', 'crispEdges');
    svg.setAttribute('role', 'img');
    const title = document.createElementNS(ns, 'title');
    title.append(live(tr('enrol.qrAlt')));
    const bg = document.createElementNS(ns, 'rect');
    bg.setAttribute('width', String(size));
    bg.setAttribute('height', String(size));
    bg.setAttribute('fill', '#fff');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', '#000');
    svg.append(title, bg, path);
    target.replaceChildren(svg);
  } catch {
    target.replaceChildren(); // the text secret is enough
  }
}

export function enrolView(done: () => void): HTMLElement {
  const body = h('div', null, loading());
  const section = h(
    'section',
    { class: 'enrol' },
    pageHeading('enrol.title'),
    h('p', { class: 'lead' }, tr('enrol.intro')),
    body,
  );

  const start = async () => {
    body.replaceChildren(loading());
    let e: Enrolment;
    try {
      e = await api.post<Enrolment>('/api/v1/auth/totp/enrol');
    } catch (err) {
      body.replaceChildren(loadError(err, () => void start()));
      return;
    }
    const qr = h('div', { class: 'qr-box' });
    const code = new Field({
      name: 'code',
      label: 'enrol.code',
      hint: 'signin.totpHint',
      required: true,
      check: checkTotp,
      attrs: { autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, dir: 'ltr', class: 'code-input' },
    });
    const form = new Form({
      submit: 'enrol.confirm',
      onSubmit: async () => {
        await api.post('/api/v1/auth/totp/confirm', { code: code.value().replace(/\s/g, '') });
        const s = currentSession();
        if (s) {
          const next: SessionInfo = { ...s, must_enrol_totp: false, user: { ...s.user, totp_enabled: true } };
          setSession(next);
        }
        done();
      },
    });
    form.add(code);
    body.replaceChildren(
      h(
        'ol',
        { class: 'steps' },
        h('li', null, tr('enrol.step1')),
        h(
          'li',
          null,
          tr('enrol.step2'),
          h(
            'dl',
            { class: 'secret' },
            h('dt', null, tr('enrol.secret')),
            h('dd', null, h('code', { dir: 'ltr', 'data-testid': 'totp-secret' }, groupSecret(e.secret))),
            h('dt', null, tr('enrol.uri')),
            h('dd', null, h('code', { dir: 'ltr', class: 'uri', 'data-testid': 'totp-uri' }, e.otpauth_uri)),
          ),
          qr,
        ),
        h('li', null, tr('enrol.step3'), form.el),
      ),
    );
    void drawQr(qr, e.otpauth_uri);
  };
  void start();
  return section;
}

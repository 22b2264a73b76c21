// Sign-in: username and password, then — when the server answers totp_required — a 6-digit code
// from the authenticator app. Unit heads and administrators without a second factor yet are sent
// to enrolment.
import { api, ApiError, type SessionInfo } from '../lib/api';
import { h } from '../lib/dom';
import { Field, Form } from '../lib/forms';
import { setSession } from '../lib/session';
import { checkTotp } from '../lib/validate';
import { tr } from '../i18n';
import { pageHeading } from './common';

/** Builds the sign-in page; `done` is called once the server accepted the credentials. */
export function signInView(done: (s: SessionInfo) => void): HTMLElement {
  const username = new Field({
    name: 'username',
    label: 'signin.username',
    required: true,
    maxLength: 64,
    attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', dir: 'ltr' },
  });
  const password = new Field({
    name: 'password',
    label: 'signin.password',
    type: 'password',
    required: true,
    maxLength: 256,
    attrs: { autocomplete: 'current-password', dir: 'ltr' },
  });
  const totp = new Field({
    name: 'totp_code',
    label: 'signin.totp',
    hint: 'signin.totpHint',
    required: true,
    check: checkTotp,
    attrs: {
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      maxlength: 6,
      pattern: '[0-9]*',
      dir: 'ltr',
      class: 'code-input',
    },
  });
  let needCode = false;

  const form: Form = new Form({
    submit: 'signin.submit',
    attrs: { 'data-testid': 'signin-form' },
    onSubmit: async () => {
      const body: Record<string, string> = {
        username: username.value(),
        password: password.control.value,
      };
      if (needCode) body.totp_code = totp.value().replace(/\s/g, '');
      try {
        const s = await api.post<SessionInfo>('/api/v1/auth/login', body);
        setSession(s);
        done(s);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'totp_required') {
          if (!needCode) {
            // First step passed: ask for the code, without calling it an error.
            needCode = true;
            form.add(totp);
            form.say(tr('signin.totpNeeded'), 'ok');
            totp.control.focus();
            return;
          }
          totp.setError(e.message || tr('signin.totpWrong'));
          totp.control.value = '';
          totp.control.focus();
          form.say(tr('error.fixFields'));
          return;
        }
        if (e instanceof ApiError && e.status === 401) {
          form.say(tr('signin.badCredentials'));
          password.control.value = '';
          password.control.focus();
          return;
        }
        throw e;
      }
    },
  });
  form.add(username, password);

  return h(
    'section',
    { class: 'signin' },
    pageHeading('signin.title'),
    h('p', { class: 'lead' }, tr('signin.intro')),
    form.el,
  );
}

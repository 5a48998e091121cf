// The sign-in form: shown whenever there is no valid API key. No data here.
import { h } from '../ui/dom.js';

export interface LoginOptions {
  error?: string;
  /** Resolves to an error message to show, or null once signed in. */
  onSubmit(key: string): Promise<string | null>;
}

export function renderLogin(root: HTMLElement, opts: LoginOptions): void {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'current-password',
    required: '',
    spellcheck: 'false',
    placeholder: 'dw_…',
  });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'login-error' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login-card', 'data-testid': 'login', novalidate: '' },
    h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark' }), 'Dialwise'),
    h('p', { class: 'login-lead' }, 'Sign in with your API key to view call analytics.'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    error,
    button,
  );

  const showError = (message: string | undefined): void => {
    error.textContent = message ?? '';
    error.hidden = !message;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
  };
  showError(opts.error);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      showError('Enter an API key');
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    showError(undefined);
    void opts.onSubmit(key).then((message) => {
      if (message === null) return;
      button.disabled = false;
      button.textContent = 'Sign in';
      showError(message);
      input.select();
    });
  });

  root.replaceChildren(h('main', { class: 'login-page' }, form));
  input.focus();
}

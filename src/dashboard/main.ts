// Dialwise analyst dashboard: sign in with an API key, then live KPIs.
import type { ApolloClient } from '@apollo/client';
import { ME_QUERY, classifyError, createClient } from './api.js';
import { clearKey, readKey, storeKey, takeKeyFromFragment } from './auth-key.js';
import { h } from './dom.js';
import { renderLogin } from './login-view.js';
import { renderMain } from './main-view.js';

const root = document.getElementById('app')!;
let session: { client: ApolloClient; teardown: () => void } | null = null;

function endSession(): void {
  if (!session) return;
  session.teardown();
  session.client.stop();
  void session.client.clearStore();
  session = null;
}

function showLogin(error?: string): void {
  endSession();
  renderLogin(root, { error, onSubmit: signIn });
}

function signOut(message?: string): void {
  clearKey();
  showLogin(message);
}

/** Validates `key` with `{ me }`; resolves to an error message, or null once signed in. */
async function signIn(key: string): Promise<string | null> {
  const client = createClient(key);
  try {
    const { data } = await client.query({ query: ME_QUERY, fetchPolicy: 'network-only' });
    if (!data) throw new Error('empty response');
    storeKey(key);
    endSession();
    const teardown = renderMain(root, { client, principal: data.me, onSignOut: signOut });
    session = { client, teardown };
    return null;
  } catch (error) {
    client.stop();
    switch (classifyError(error)) {
      case 'unauthenticated':
        clearKey();
        return 'Invalid API key';
      case 'forbidden':
        clearKey();
        return 'This API key may not use the dashboard';
      default:
        return 'Cannot reach the server. Try again.';
    }
  }
}

async function boot(): Promise<void> {
  takeKeyFromFragment();
  const key = readKey();
  if (!key) {
    showLogin();
    return;
  }
  endSession();
  root.replaceChildren(h('p', { class: 'splash' }, 'Signing in…'));
  const error = await signIn(key);
  if (error !== null) showLogin(error);
}

// A `#key=...` link opened while the page is already up signs in with that key.
window.addEventListener('hashchange', () => {
  if (/^#(.*&)?key=/.test(window.location.hash)) void boot();
});

void boot();

// Where the analyst's API key lives in the browser: the URL fragment on first
// load (`#key=...`, never sent to the server), then sessionStorage only.

const STORAGE_KEY = 'dialwise.apiKey';

/** Moves a `#key=...` fragment into sessionStorage and strips it from the address bar. */
export function takeKeyFromFragment(): void {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return;
  const params = new URLSearchParams(hash);
  const key = params.get('key');
  if (key === null) return;
  params.delete('key');
  const rest = params.toString();
  const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
  window.history.replaceState(window.history.state, '', url);
  if (key.trim()) storeKey(key.trim());
}

export function readKey(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage disabled: the key then lives only as long as this page.
  }
}

export function clearKey(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

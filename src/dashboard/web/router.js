// Client-side navigation with the History API: links inside the app change the page without a
// reload; the server answers every page path with the same shell.

const listeners = new Set();

/** @param {() => void} listener */
export function onNavigate(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** @param {string} path */
export function navigate(path) {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => {
  for (const l of listeners) l();
});

// Same-origin links navigate in place (a modified click still opens a new tab).
document.addEventListener('click', (event) => {
  const target = /** @type {HTMLElement | null} */ (event.target);
  const link = target?.closest?.('a');
  if (!link || link.target || link.origin !== location.origin || link.hasAttribute('download')) return;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  event.preventDefault();
  navigate(link.pathname + link.search);
});

/** @returns {{ page: string, params: string[] }} */
export function currentRoute() {
  const parts = location.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [first, ...rest] = parts;
  if (first === undefined) return { page: 'fleet', params: [] };
  if (first === 'login') return { page: 'login', params: [] };
  if (first === 'apps' && rest.length === 2) return { page: 'app', params: rest };
  if (first === 'appsets' && rest.length === 2) return { page: 'appset', params: rest };
  if (first === 'clusters' && rest.length === 1) return { page: 'cluster', params: rest };
  return { page: 'notfound', params: [] };
}

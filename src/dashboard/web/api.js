// Talking to the dashboard's API: JSON in and out, the CSRF token on every action, and one place
// that notices a session has ended.

/** @type {{ csrf: string, user: { username: string, groups: string[] } | null }} */
export const session = { csrf: '', user: null };

/** Listeners told when the server says the session is gone (401). */
const onSignedOut = new Set();

/** @param {() => void} listener */
export function whenSignedOut(listener) {
  onSignedOut.add(listener);
}

export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, options = {}) {
  const method = options.method ?? 'GET';
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-spokes-csrf'] = session.csrf;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 && session.user !== null) {
    session.user = null;
    for (const listener of onSignedOut) listener();
  }
  if (!response.ok) throw new ApiError(response.status, body.error ?? response.statusText);
  return body;
}

/** @param {string} value */
export const enc = (value) => encodeURIComponent(value);

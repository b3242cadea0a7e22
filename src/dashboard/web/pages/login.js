// Sign-in: a Kubernetes bearer token, checked by the hub (TokenReview); or, from `spokes dashboard`,
// the one-time link it printed (the code travels in the URL fragment, never to a server log).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, session } from '../api.js';

/** @param {{ onSignedIn: () => void }} props */
export function LoginPage({ onSignedIn }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  /** @param {string} path @param {unknown} body */
  const signIn = async (path, body) => {
    setBusy(true);
    setError('');
    try {
      const answer = await api(path, { method: 'POST', body });
      session.user = answer.user;
      session.csrf = answer.csrf;
      onSignedIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const code = new URLSearchParams(location.hash.slice(1)).get('code');
    if (code) {
      history.replaceState(null, '', '/login');
      void signIn('/api/login/link', { code });
    }
  }, []);

  return html`<section class="login">
    <h1>Sign in to Spokes</h1>
    <p>
      Use a Kubernetes bearer token for the hub, for example
      <code>kubectl create token NAME -n NAMESPACE</code>. The hub decides who you are and what you may see.
    </p>
    <form
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        void signIn('/api/login', { token });
      }}
    >
      <label for="token">Bearer token</label>
      <input
        id="token"
        name="token"
        type="password"
        autocomplete="off"
        required
        value=${token}
        onInput=${(/** @type {Event} */ e) => setToken(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
      />
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </section>`;
}

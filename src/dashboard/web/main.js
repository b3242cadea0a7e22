// The dashboard's shell: checks the session, shows the sign-in page or the page the URL names,
// and keeps the fleet's live feed open while signed in.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, session, whenSignedOut } from './api.js';
import { fleet } from './fleet-model.js';
import { currentRoute, navigate, onNavigate } from './router.js';
import { FleetPage, useFleetVersion } from './pages/fleet.js';
import { LoginPage } from './pages/login.js';
import { AppPage } from './pages/app.js';
import { AppSetPage } from './pages/appset.js';
import { ClusterPage } from './pages/cluster.js';

function Page() {
  const { page, params } = currentRoute();
  const [a = '', b = ''] = params;
  switch (page) {
    case 'fleet':
      return html`<${FleetPage} />`;
    case 'app':
      return html`<${AppPage} namespace=${a} name=${b} key=${`${a}/${b}`} />`;
    case 'appset':
      return html`<${AppSetPage} namespace=${a} name=${b} key=${`${a}/${b}`} />`;
    case 'cluster':
      return html`<${ClusterPage} name=${a} key=${a} />`;
    default:
      return html`<section>
        <h1>Not found</h1>
        <p><a href="/">Back to the fleet</a></p>
      </section>`;
  }
}

/** Whether the live feed is up: re-rendered with the fleet. */
function LiveBadge() {
  useFleetVersion();
  return html`<span class="live" role="status" aria-live="polite"
    >${fleet.loaded && fleet.source ? 'live' : 'connecting…'}</span
  >`;
}

function App() {
  const [, setTick] = useState(0);
  const [state, setState] = useState(/** @type {'checking' | 'in' | 'out'} */ ('checking'));
  useEffect(() => onNavigate(() => setTick((t) => t + 1)), []);
  useEffect(() => {
    whenSignedOut(() => {
      fleet.close();
      setState('out');
    });
    api('/api/session').then(
      (answer) => {
        session.user = answer.user;
        session.csrf = answer.csrf;
        setState('in');
      },
      () => setState('out'),
    );
  }, []);
  useEffect(() => {
    if (state === 'in') {
      if (currentRoute().page === 'login') navigate('/');
      void fleet.load();
    }
    if (state === 'out' && currentRoute().page !== 'login') history.replaceState(null, '', '/login');
  }, [state]);

  if (state === 'checking') return html`<p class="loading">Loading…</p>`;
  if (state === 'out')
    return html`<main id="main"><${LoginPage} onSignedIn=${() => setState('in')} /></main>`;
  const signOut = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => undefined);
    session.user = null;
    fleet.close();
    setState('out');
  };
  return html`<a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="/">Spokes</a>
      <${LiveBadge} />
      <span class="spacer"></span>
      <span class="user">${session.user?.username}</span>
      <button type="button" class="link" onClick=${signOut}>Sign out</button>
    </header>
    <main id="main"><${Page} /></main>`;
}

// The fleet snapshot is the page's largest download: ask for it while the session is checked.
if (currentRoute().page !== 'login') fleet.prefetch();
render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('root')));

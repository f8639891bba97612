/**
 * The admin's server-rendered pages: sign-in, sign-out, refusals and the
 * panel's shell (its views are drawn by /admin/assets/panel.js). Every value
 * is escaped; no page ever holds a configured secret.
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const layout = (title: string, body: string, head = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Channelstream admin</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/assets/admin.css">${head}
</head>${body}</html>`;

/** A small centred card (sign-in, sign-out, refusals). */
const card = (title: string, content: string) =>
  layout(title, `<body class="card-page"><main class="card" id="main"><h1>Channelstream admin</h1>${content}</main></body>`);

export interface SignInPageOptions {
  error?: string;
  notice?: string;
  username?: string;
}

export function signInPage({ error, notice, username = '' }: SignInPageOptions = {}): string {
  return card(
    'Sign in',
    `<h2>Sign in</h2>
${error ? `<p class="message error" role="alert" id="sign-in-error">${escapeHtml(error)}</p>` : ''}${notice ? `<p class="message notice" role="status">${escapeHtml(notice)}</p>` : ''}
<form method="post" action="/admin/sign_in" class="stack">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required${username ? '' : ' autofocus'}${error ? ' aria-describedby="sign-in-error"' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** Shown instead of acting on a request that another site made the browser send. */
export function refusedPage(reason: string): string {
  return card(
    'Request refused',
    `<h2>Request refused</h2>
<p class="message error" role="alert">${escapeHtml(reason)}</p>
<p><a href="/admin/sign_in">Open the sign-in page of this server</a></p>`,
  );
}

/**
 * GET /admin/sign_out followed from another site: nothing is done (CSRF); the
 * user confirms with a link on this site, which signs out.
 */
export function signOutConfirmPage(): string {
  return card(
    'Sign out',
    `<h2>Sign out</h2>
<p>A page on another site sent you here. Nothing has changed.</p>
<p><a href="/admin/sign_out">Sign out of the Channelstream admin panel</a> · <a href="/admin">Back to the panel</a></p>`,
  );
}

const signOutForm = (csrfToken: string) => `<form method="post" action="/admin/sign_out" class="sign-out">
<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<button type="submit">Sign out</button>
</form>`;

export interface PanelPageOptions {
  version: string;
  engine: string;
  csrfToken: string;
}

/** The panel's shell: navigation and sign-out are plain HTML; panel.js fills <main> and keeps it live. */
export function panelPage({ version, engine, csrfToken }: PanelPageOptions): string {
  return layout(
    'Panel',
    `<body class="panel">
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
<p class="brand"><a href="#/">Channelstream admin</a></p>
<nav aria-label="Admin sections"><ul>
<li><a href="#/" data-route="overview">Overview</a></li>
<li><a href="#/channels" data-route="channels">Channels</a></li>
<li><a href="#/users" data-route="users">Users</a></li>
<li><a href="/api-explorer">API explorer</a></li>
</ul></nav>
${signOutForm(csrfToken)}
</header>
<main id="main" tabindex="-1">
<p id="connection-problem" class="message error" role="alert" hidden></p>
<div id="view"><p>Loading…</p></div>
<noscript><p class="message error">The panel needs JavaScript. The raw figures are at <a href="/admin/admin.json">admin.json</a>.</p></noscript>
</main>
<footer class="footer"><p>Channelstream server ${escapeHtml(version)} · ${escapeHtml(engine)} engine · <span id="updated">not updated yet</span></p></footer>
</body>`,
    `\n<script type="module" src="/admin/assets/panel.js"></script>`,
  );
}

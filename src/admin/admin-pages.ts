/** Minimal HTML for the admin pages (the full panel is a separate piece of work). No external assets. */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Channelstream</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.75rem 0 .25rem}input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.5rem 1.5rem}.error{color:#a00;font-weight:600}nav a{margin-right:1rem}</style>
</head><body>${body}</body></html>`;

export function signInPage(error?: string): string {
  return layout(
    'Sign in',
    `<h1>Channelstream admin</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/admin/sign_in">
<label for="username">User</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

export function adminHomePage(version: string): string {
  return layout(
    'Admin',
    `<h1>Channelstream admin</h1>
<p>Server version ${escapeHtml(version)}.</p>
<nav><a href="/admin/admin.json">Server figures (JSON)</a><a href="/api-explorer">API explorer</a><a href="/admin/sign_out">Sign out</a></nav>`,
  );
}

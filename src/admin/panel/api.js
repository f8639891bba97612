// The panel's only server calls: same-origin GETs with the session cookie.

/** The session ended (expired, signed out in another tab, or the server's cookie secret changed). */
export class SignedOutError extends Error {}

export async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) throw new SignedOutError(`${url}: ${response.status}`);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** The demo chat page: static HTML; /demo/app.js does the work with the client package. */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Channelstream demo</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #222; }
  header { background: #263238; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: center; }
  header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
  #connection { font-size: .85rem; opacity: .85; }
  main { max-width: 900px; margin: 1rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
  input, select, button { font: inherit; padding: .35rem .5rem; }
  #chat { display: none; grid-template-columns: 1fr 200px; gap: 1rem; }
  #chat.shown { display: grid; }
  #messages { list-style: none; margin: 0; padding: .5rem; background: #fff; border-radius: 6px; min-height: 300px; max-height: 60vh; overflow-y: auto; }
  #messages li { padding: .25rem 0; border-bottom: 1px solid #eee; }
  #messages li.note { color: #888; font-style: italic; }
  .who { font-weight: 600; margin-right: .4rem; }
  .when, .edited { color: #888; font-size: .8rem; margin-left: .4rem; }
  .actions button { font-size: .75rem; padding: 0 .3rem; margin-left: .3rem; }
  aside { background: #fff; border-radius: 6px; padding: .5rem; }
  aside ul { list-style: none; padding: 0; margin: 0; }
  .dot { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%; margin-right: .4rem; background: #4caf50; }
  .dot.away { background: #ffb300; } .dot.busy { background: #e53935; }
  #error { color: #c62828; min-height: 1.2rem; }
  #say { margin-top: .5rem; } #say input { flex: 1; }
</style>
</head>
<body>
<header><h1>Channelstream demo</h1><span id="connection">not connected</span></header>
<main>
  <form id="join">
    <label>Name <input id="username" required maxlength="32" pattern="[\\p{L}\\p{N}_.\\-]+" autocomplete="off"></label>
    <label>Channel <input id="channel" required maxlength="32" value="lobby" pattern="[\\p{L}\\p{N}_.\\-]+"></label>
    <button>Join</button>
  </form>
  <p id="error" role="alert"></p>
  <section id="chat">
    <div>
      <ul id="messages" aria-live="polite"></ul>
      <form id="say">
        <input id="text" required maxlength="500" placeholder="Say something" autocomplete="off">
        <button>Send</button>
      </form>
    </div>
    <aside>
      <label>My status
        <select id="status"><option>online</option><option>away</option><option>busy</option></select>
      </label>
      <h2 style="font-size:1rem">In this channel</h2>
      <ul id="users"></ul>
    </aside>
  </section>
  <p><small>Open this page in a second tab to see presence, edits and status changes arrive live.
  <code>?transports=long-poll</code> (or <code>sse</code>) forces a fallback transport.</small></p>
</main>
<script type="module" src="/demo/app.js"></script>
</body>
</html>
`;

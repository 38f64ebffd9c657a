/// The operator console's page: plain HTML, its script and style served beside it
/// (`ConsoleScript`, `ConsoleStyle`), no build step, nothing from another origin. The tables are
/// filled by the script from `/console/events`; each `<section>` is one kind of thing.
enum ConsolePage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>Gatehouse console</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/console/app.css">
        <script src="/console/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Gatehouse</h1>
          <span id="instance"></span>
          <span id="feed" class="badge warn">connecting…</span>
          <span id="bridge-state" class="badge">bridge ?</span>
        </header>
        <main>
        <section id="overview">
          <dl>
            <dt>Bridge MQTT</dt><dd id="bridge-link">?</dd>
            <dt>Console MQTT</dt><dd id="console-link">?</dd>
            <dt>Health</dt><dd id="health">?</dd>
            <dt>Outbox pending</dt><dd id="outbox-pending">?</dd>
            <dt>Failed pushes</dt><dd id="outbox-failed">?</dd>
          </dl>
        </section>
        <section><h2>Locks</h2>
          <table id="locks"><thead><tr><th>Room</th><th>Series</th><th>Online</th><th>Battery</th><th>Door</th><th>Last seen</th><th>Last event</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Encoders</h2>
          <table id="encoders"><thead><tr><th>Encoder</th><th>State</th><th>Operation</th><th>Workstation</th><th>Since</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Gates</h2>
          <table id="gates"><thead><tr><th>Lot</th><th>Gate</th><th>Last plate</th><th>Recognised</th><th>Decision</th><th>Mode</th><th>Loop</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Places</h2>
          <table id="places"><thead><tr><th>Lot</th><th>Place</th><th>Status</th><th>Plate</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Registers</h2>
          <table id="registers"><thead><tr><th>RNM</th><th>Model</th><th>Address</th><th>FN ends</th><th>Last document</th><th>Contract ends</th><th>Alerts</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Alerts</h2>
          <table id="alerts"><thead><tr><th>Source</th><th>Kind</th><th>Detail</th><th>Since</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Adapters</h2>
          <table id="adapters"><thead><tr><th>Adapter</th><th>State</th><th>Detail</th><th>Since</th></tr></thead><tbody></tbody></table>
        </section>
        <section><h2>Outbox</h2>
          <table id="streams"><thead><tr><th>Stream</th><th>Pending</th><th>Failed</th></tr></thead><tbody></tbody></table>
          <h3>Failed pushes</h3>
          <table id="failed"><thead><tr><th>Stream</th><th>Key</th><th>Attempts</th><th>Last error</th><th>Failed at</th></tr></thead><tbody></tbody></table>
        </section>
        <section id="request"><h2>Request</h2>
          <form id="request-form">
            <label>Topic <input id="request-topic" list="request-topics" autocomplete="off" spellcheck="false" required></label>
            <datalist id="request-topics"></datalist>
            <label>Payload <textarea id="request-payload" rows="5" spellcheck="false">{}</textarea></label>
            <button type="submit">Send</button> <span id="request-state"></span>
          </form>
          <pre id="request-response"></pre>
        </section>
        <section><h2>Log</h2>
          <table id="log"><thead><tr><th>At</th><th>Level</th><th>Adapter</th><th>Message</th></tr></thead><tbody></tbody></table>
        </section>
        </main>
        </body>
        </html>
        """#
}

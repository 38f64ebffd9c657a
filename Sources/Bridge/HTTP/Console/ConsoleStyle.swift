/// The console's style sheet (`/console/app.css`): readable on a front-desk screen, no web fonts.
enum ConsoleStyle {
    static let source = #"""
        :root { --bg: #f6f7f9; --fg: #1d232b; --line: #d9dde3; --ok: #1b7f3b; --bad: #b42318; --warn: #a15c00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
        header { display: flex; gap: 12px; align-items: center; padding: 8px 16px; background: #1d232b; color: #fff; }
        header h1 { font-size: 18px; margin: 0 8px 0 0; }
        main { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px; padding: 12px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; overflow-x: auto; }
        h2 { font-size: 15px; margin: 4px 0 8px; }
        h3 { font-size: 13px; margin: 12px 0 4px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; font-size: 12px; color: #59636e; }
        tbody:empty::after { content: "none"; color: #8a939d; display: block; padding: 3px 0; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
        dt { color: #59636e; }
        dd { margin: 0; }
        .badge { padding: 1px 8px; border-radius: 10px; background: #59636e; font-size: 12px; }
        .badge.ok { background: var(--ok); }
        .badge.bad { background: var(--bad); }
        .badge.warn { background: var(--warn); }
        td.ok, dd.ok { color: var(--ok); }
        td.bad, dd.bad { color: var(--bad); font-weight: 600; }
        td.warn, dd.warn { color: var(--warn); }
        #request form { display: grid; gap: 6px; }
        #request input, #request textarea { width: 100%; font: 13px ui-monospace, monospace; }
        #request button { justify-self: start; }
        #request-response { background: var(--bg); padding: 6px; min-height: 2em; white-space: pre-wrap; word-break: break-all; }
        """#
}

/// The console's one stylesheet: plain CSS, no framework, readable on a 1366×768 office PC and
/// on a tablet (the layout folds to one column below 900 px).
enum ConsoleStyle {
    static let css = #"""
        :root { --ink: #1d2733; --muted: #4f5d6b; --line: #d5dde6; --field: #6b7683; --bg: #f4f6f9; --accent: #b3261e; --ok: #1e6b3a; --card: #fff; --focus: #1a5fb4; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", system-ui, sans-serif; color: var(--ink); background: var(--bg); }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px; padding: 8px 20px; background: #8c1d18; color: #fff; }
        header.top a { color: #fff; }
        .brand { font-weight: 700; font-size: 17px; }
        nav a { margin-right: 14px; text-decoration: none; padding: 4px 2px; }
        nav a[aria-current="page"] { border-bottom: 2px solid #fff; }
        .who { margin-left: auto; font-size: 14px; }
        .lang { font-size: 13px; }
        form.inline { display: inline; }
        main { max-width: 1320px; margin: 0 auto; padding: 16px 20px 40px; }
        h1 { font-size: 22px; margin: 8px 0 14px; }
        h2 { font-size: 17px; margin: 0 0 8px; }
        h3 { font-size: 15px; margin: 4px 0; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 14px; }
        .narrow { max-width: 420px; margin: 40px auto; }
        label { display: block; margin: 8px 0; }
        input { font: inherit; padding: 7px 9px; border: 1px solid var(--field); border-radius: 4px; width: 100%; }
        select { font: inherit; padding: 7px 9px; border: 1px solid var(--field); border-radius: 4px; }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
          outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
        header.top a:focus-visible, header.top button:focus-visible { outline-color: #fff; box-shadow: 0 0 0 5px #1d2733; }
        .skip { position: absolute; left: -10000px; top: 8px; }
        .skip:focus { left: 8px; z-index: 10; background: #fff; color: var(--ink); padding: 8px 14px; border-radius: 4px; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 12px; padding: 8px 14px; background: var(--card); }
        legend { font-weight: 600; padding: 0 6px; }
        .survey label { display: inline-block; min-width: 220px; margin-right: 12px; }
        .survey input { width: 14em; }
        dl.answers { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0; }
        dl.answers dt { color: var(--muted); }
        dl.answers dd { margin: 0; }
        .warn-box { background: #fff4e5; border: 1px solid #b35c00; color: #6b3700; padding: 8px 12px; border-radius: 4px; }
        .needs { border-left: 4px solid #b35c00; padding-left: 10px; margin: 8px 0; }
        .filters select, .filters input[type=number] { min-width: 0; width: auto; }
        .actions input { width: auto; min-width: 260px; }
        .actions label { display: inline-block; margin-right: 8px; }
        button { font: inherit; padding: 8px 16px; min-height: 40px; border: 1px solid #8c1d18; background: #8c1d18; color: #fff; border-radius: 4px; cursor: pointer; margin: 4px 6px 4px 0; }
        header.top button { background: transparent; border-color: #fff; padding: 3px 10px; min-height: 30px; }
        button.keep, button.approve { background: var(--ok); border-color: var(--ok); }
        button.other, button.return { background: #fff; color: #8c1d18; }
        button.reject { background: var(--accent); }
        table { width: 100%; border-collapse: collapse; font-size: 14px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; }
        td.subject, code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
        td.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; margin-bottom: 14px; }
        .tile { display: block; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px; color: var(--ink); text-decoration: none; }
        .tile .big { display: block; font-size: 28px; font-weight: 700; }
        .tile:hover { border-color: var(--field); }
        .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
        .side { border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; }
        .side.kept { border-left: 4px solid var(--ok); }
        .side.other { border-left: 4px solid #c77700; }
        .value { font-size: 18px; margin: 2px 0; word-break: break-all; }
        .meta { color: var(--muted); font-size: 13px; margin: 2px 0; }
        .flash, .ok { background: #e6f4ea; border: 1px solid #9fd4ad; padding: 8px 12px; border-radius: 4px; }
        .error, .bad { background: #fdecea; border: 1px solid #f3aaa4; padding: 8px 12px; border-radius: 4px; }
        .warn { color: var(--accent); font-weight: 600; }
        .resolved { color: var(--ok); }
        .pager { display: flex; gap: 16px; align-items: center; margin: 12px 0; }
        .flags li { margin: 2px 0; }
        .thumbs { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0; }
        img.thumb { object-fit: cover; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); }
        .visit { border-top: 1px solid var(--line); padding: 6px 0; }
        td.amount, th.amount { text-align: right; font-variant-numeric: tabular-nums; }
        tfoot th { border-top: 2px solid var(--ink); color: var(--ink); }
        .big-inline { font-size: 22px; margin-left: 8px; }
        button.suspend { background: var(--accent); }
        button.resume { background: var(--ok); border-color: var(--ok); }
        @media (max-width: 900px) {
          .sides { grid-template-columns: 1fr; }
          .who { margin-left: 0; }
          table.members th:nth-child(2), table.members td:nth-child(2) { display: none; }
          .actions input { min-width: 0; width: 100%; }
        }
        """#
}

/// The console's swift-mustache templates, compiled into the server so a deployment is one
/// binary with nothing to install beside it. Text comes from ``ConsoleStrings`` (`{{t.key}}`);
/// every `{{value}}` is HTML-escaped, and only `{{{content}}}` (a page rendered here) is not.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "message": message, "dashboard": dashboard, "conflicts": conflicts, "review": review,
        "audit": audit, "pager": pager, "devices": devices,
    ]

    static let layout = #"""
        <!doctype html>
        <html lang="{{htmlLang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.app}}</title>
        <link rel="stylesheet" href="/console/style.css">
        </head>
        <body>
        <header class="top">
          <span class="brand">{{t.app}}</span>
          {{#staff}}
          <nav>
            <a href="/console/dashboard"{{#nav.dashboard}} aria-current="page"{{/nav.dashboard}}>{{t.nav_dashboard}}</a>
            <a href="/console/conflicts"{{#nav.conflicts}} aria-current="page"{{/nav.conflicts}}>{{t.nav_conflicts}}</a>
            <a href="/console/review"{{#nav.review}} aria-current="page"{{/nav.review}}>{{t.nav_review}}</a>
            <a href="/console/devices"{{#nav.devices}} aria-current="page"{{/nav.devices}}>{{t.nav_devices}}</a>
            <a href="/console/audit"{{#nav.audit}} aria-current="page"{{/nav.audit}}>{{t.nav_audit}}</a>
          </nav>
          <span class="who" id="who">{{name}} · {{roleLabel}} · {{scope}}</span>
          <form method="post" action="/console/logout" class="inline">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <button type="submit" id="logout">{{t.logout}}</button>
          </form>
          {{/staff}}
          <span class="lang">{{t.language}}: <a href="{{here}}?lang=zh" lang="zh-Hans" id="lang-zh">中文</a> | <a href="{{here}}?lang=en" lang="en" id="lang-en">English</a></span>
        </header>
        <main>
        {{#flash}}<p class="flash" role="status" id="flash">{{.}}</p>{{/flash}}
        {{{content}}}
        </main>
        </body>
        </html>
        """#

    static let login = #"""
        <section class="card narrow">
        <h1>{{t.login_title}}</h1>
        {{#error}}<p class="error" role="alert" id="login-error">{{.}}</p>{{/error}}
        <form method="post" action="/console/login" id="login-form">
          <input type="hidden" name="_csrf" value="{{loginToken}}">
          <label>{{t.login_name}} <input name="name" id="name" autocomplete="username" required maxlength="32" autofocus></label>
          <label>{{t.login_password}} <input name="password" id="password" type="password" autocomplete="current-password" required maxlength="200"></label>
          <button type="submit" id="login-submit">{{t.login_submit}}</button>
        </form>
        </section>
        """#

    static let message = #"""
        <section class="card narrow" id="message" data-kind="{{kind}}">
        <h1>{{heading}}</h1>
        <p>{{body}}</p>
        <p><a href="{{backLink}}">{{t.back}}</a></p>
        </section>
        """#

    static let pager = #"""
        {{#pager}}
        <nav class="pager">
          {{#prev}}<a href="{{.}}" rel="prev">{{t.page_prev}}</a>{{/prev}}
          <span>{{label}}</span>
          {{#next}}<a href="{{.}}" rel="next">{{t.page_next}}</a>{{/next}}
        </nav>
        {{/pager}}
        """#

    static let dashboard = #"""
        <h1>{{t.dash_title}}</h1>
        <div class="tiles">
          <a class="tile" href="/console/conflicts"><span class="big" id="conflicts-waiting">{{conflictsWaiting}}</span>{{t.dash_conflicts_waiting}}</a>
          {{#steps}}<a class="tile" href="/console/review"><span class="big">{{count}}</span>{{label}}</a>{{/steps}}
        </div>
        <section class="card">
        <h2>{{t.dash_late}}</h2>
        {{^late}}<p>{{t.dash_none_late}}</p>{{/late}}
        {{#hasLate}}
        <table>
          <thead><tr><th>{{t.review_step}}</th><th>{{t.region}}</th><th>{{t.review_since}}</th><th>{{t.review_due}}</th><th>{{t.review_late}}</th></tr></thead>
          <tbody>{{#late}}<tr><td>{{step}}</td><td>{{region}}</td><td>{{since}}</td><td>{{due}}</td><td class="warn">{{late}}</td></tr>{{/late}}</tbody>
        </table>
        {{/hasLate}}
        </section>
        <section class="card">
        <h2>{{t.dash_devices}}</h2>
        <table id="devices">
          <thead><tr><th>{{t.dash_device_name}}</th><th>{{t.dash_role}}</th><th>{{t.dash_scope}}</th><th>{{t.dash_status}}</th><th>{{t.dash_last_sync}}</th></tr></thead>
          <tbody>{{#devices}}<tr><td>{{name}}</td><td>{{role}}</td><td>{{scope}}</td><td>{{status}}</td><td>{{lastSeen}}</td></tr>{{/devices}}</tbody>
        </table>
        {{>pager}}
        </section>
        """#

    static let conflicts = #"""
        <h1>{{t.conflicts_title}}</h1>
        <p><a href="{{toggleLink}}" id="toggle-resolved">{{toggleLabel}}</a></p>
        {{^conflicts}}<p id="no-conflicts">{{t.conflicts_none}}</p>{{/conflicts}}
        {{#conflicts}}
        <article class="card conflict" id="conflict-{{id}}" data-state="{{state}}">
          <h2>{{entityLabel}} · {{recordLabel}} · <code>{{field}}</code></h2>
          <p class="meta">{{t.region}} {{region}} · {{detected}}</p>
          <div class="sides">
            <div class="side kept"><h3>{{t.conflict_kept}}</h3><p class="value">{{keptValue}}</p><p class="meta">{{keptBy}}</p></div>
            <div class="side other"><h3>{{t.conflict_other}}</h3><p class="value">{{otherValue}}</p><p class="meta">{{otherBy}}</p></div>
          </div>
          {{#resolvedLine}}<p class="resolved">{{.}}</p>{{/resolvedLine}}
          {{#canResolve}}
          <form method="post" action="/console/conflicts/{{id}}/resolve" class="actions">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <button type="submit" name="choice" value="kept" class="keep">{{t.conflict_keep}}</button>
            <button type="submit" name="choice" value="other" class="other">{{t.conflict_choose_other}}</button>
          </form>
          {{/canResolve}}
          {{#noRight}}<p class="meta">{{t.conflict_no_right}}</p>{{/noRight}}
        </article>
        {{/conflicts}}
        {{>pager}}
        """#

    static let review = #"""
        <h1>{{t.review_title}}</h1>
        {{^entries}}<p id="no-entries">{{t.review_none}}</p>{{/entries}}
        {{#entries}}
        <article class="card application" id="enrolment-{{id}}" data-step="{{stepCode}}">
          <h2>{{head}} · {{stepLabel}}</h2>
          <p class="meta">{{t.address}} {{address}} · {{t.region}} {{region}} · {{t.review_programme}} {{programme}} · {{t.review_amount}} {{amount}}</p>
          <p class="meta">{{t.review_since}} {{since}} · {{t.review_due}} {{due}}{{#late}} · <span class="warn">{{.}}</span>{{/late}}{{#noticeEnds}} · {{t.review_notice_ends}} {{.}}{{/noticeEnds}}</p>
          <table class="members">
            <thead><tr><th>{{t.name}}</th><th>{{t.relation}}</th><th>{{t.resident_id}}</th><th>{{t.phone}}</th></tr></thead>
            <tbody>{{#members}}<tr><td>{{name}}</td><td>{{relation}}</td><td class="id">{{residentID}}</td><td>{{phone}}</td></tr>{{/members}}</tbody>
          </table>
          {{#hasFlags}}
          <h3>{{t.review_flags}}</h3>
          <ul class="flags">{{#flags}}<li><code>{{rule}}</code> {{detail}}</li>{{/flags}}</ul>
          {{/hasFlags}}
          {{#canDecide}}
          <form method="post" action="/console/review/{{id}}/decide" class="actions">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="step" value="{{stepCode}}">
            <label>{{t.review_reason}} <input name="reason" maxlength="500"></label>
            <button type="submit" name="decision" value="approve" class="approve">{{t.review_approve}}</button>
            <button type="submit" name="decision" value="reject" class="reject">{{t.review_reject}}</button>
            <button type="submit" name="decision" value="return-for-survey" class="return">{{t.review_return}}</button>
          </form>
          {{/canDecide}}
          {{^canDecide}}<p class="meta">{{t.review_not_allowed}}</p>{{/canDecide}}
        </article>
        {{/entries}}
        {{>pager}}
        """#

    static let audit = #"""
        <h1>{{t.audit_title}}</h1>
        {{#verdict}}<p class="{{kind}}" id="verify-result" role="status">{{text}}</p>{{/verdict}}
        <form method="post" action="/console/audit/verify" class="actions">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <button type="submit" id="verify">{{t.audit_verify}}</button>
        </form>
        <table id="audit">
          <thead><tr><th>{{t.audit_seq}}</th><th>{{t.audit_at}}</th><th>{{t.audit_actor}}</th><th>{{t.audit_action}}</th><th>{{t.audit_subject}}</th><th>{{t.audit_detail}}</th></tr></thead>
          <tbody>{{#entries}}<tr><td>{{seq}}</td><td>{{at}}</td><td>{{actor}}</td><td><code>{{action}}</code></td><td class="subject">{{subject}}</td><td>{{detail}}</td></tr>{{/entries}}</tbody>
        </table>
        {{>pager}}
        """#

    static let devices = #"""
        <h1>{{t.devices_title}}</h1>
        {{#code}}
        <section class="card ok" id="enrolment-code">
          <h2>{{t.devices_code_title}}</h2>
          <p class="value" id="code-value">{{value}}</p>
          <p>{{once}}</p>
          <p class="meta">{{t.devices_id}} {{device}}</p>
        </section>
        {{/code}}
        {{#canEnrol}}
        <section class="card">
          <h2>{{t.devices_enrol}}</h2>
          <form method="post" action="/console/devices/enrol" class="actions" id="enrol-form">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label>{{t.dash_device_name}} <input name="name" id="device-name" required maxlength="80"></label>
            <label>{{t.dash_role}} <select name="role" id="device-role">{{#roles}}<option value="{{.}}">{{.}}</option>{{/roles}}</select></label>
            <label>{{t.dash_scope}} <input name="scope" id="device-scope" required maxlength="12" value="{{defaultScope}}"></label>
            <button type="submit" id="enrol">{{t.devices_enrol}}</button>
          </form>
        </section>
        {{/canEnrol}}
        {{^canEnrol}}<p class="meta">{{t.devices_only_admin}}</p>{{/canEnrol}}
        <table id="device-list">
          <thead><tr><th>{{t.dash_device_name}}</th><th>{{t.dash_role}}</th><th>{{t.dash_scope}}</th><th>{{t.dash_status}}</th><th>{{t.dash_last_sync}}</th><th></th></tr></thead>
          <tbody>{{#devices}}<tr id="device-{{id}}" data-status="{{statusCode}}"><td>{{name}}</td><td>{{role}}</td><td>{{scope}}</td><td>{{status}}</td><td>{{lastSeen}}</td>
          <td>{{#canRevoke}}<form method="post" action="/console/devices/{{id}}/revoke" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="reject">{{t.devices_revoke}}</button></form>{{/canRevoke}}</td></tr>{{/devices}}</tbody>
        </table>
        {{>pager}}
        """#
}

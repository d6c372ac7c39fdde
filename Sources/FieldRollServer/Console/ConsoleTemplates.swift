/// The console's swift-mustache templates, compiled into the server so a deployment is one
/// binary with nothing to install beside it. Text comes from ``ConsoleStrings`` (`{{t.key}}`);
/// every `{{value}}` is HTML-escaped, and only `{{{content}}}` (a page rendered here) is not.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "message": message, "dashboard": dashboard, "conflicts": conflicts, "review": review,
        "audit": audit, "pager": pager, "devices": devices, "household": household, "search": search, "roll": roll,
        "village-roll": villageRoll, "roll-review": rollReview, "import": importPage,
        "payments": payments, "standards": standards,
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
            <a href="/console/roll"{{#nav.roll}} aria-current="page"{{/nav.roll}}>{{t.nav_roll}}</a>
            <a href="/console/search"{{#nav.search}} aria-current="page"{{/nav.search}}>{{t.nav_search}}</a>
            <a href="/console/import"{{#nav.import}} aria-current="page"{{/nav.import}}>{{t.nav_import}}</a>
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
        <section class="card" id="overdue">
        <h2>{{t.dash_overdue}} <span class="big-inline" id="overdue-total">{{overdueTotal}}</span></h2>
        {{^hasOverdue}}<p>{{t.dash_none_overdue}}</p>{{/hasOverdue}}
        {{#hasOverdue}}
        <table>
          <thead><tr><th>{{t.region}}</th><th>{{t.dash_count}}</th></tr></thead>
          <tbody>{{#overdue}}<tr data-village="{{village}}"><td><a href="{{link}}">{{village}}</a></td><td class="warn">{{count}}</td>
            </tr>{{/overdue}}</tbody>
        </table>
        {{/hasOverdue}}
        </section>
        <section class="card" id="refusals">
        <h2>{{t.dash_refusals}}</h2>
        <p class="meta">{{t.dash_refusals_note}}</p>
        {{^hasRefusals}}<p>{{t.dash_none_refused}}</p>{{/hasRefusals}}
        {{#hasRefusals}}
        <table>
          <thead><tr><th>{{t.dash_device_name}}</th><th>{{t.dash_code}}</th><th>{{t.dash_count}}</th></tr></thead>
          <tbody>{{#refusals}}<tr><td>{{device}}</td><td><code>{{code}}</code></td><td>{{count}}</td></tr>{{/refusals}}</tbody>
        </table>
        {{/hasRefusals}}
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
          <p class="meta">{{t.region}} {{region}} · {{detected}}{{#householdLink}}
            · <a href="{{.}}" class="household-link">{{t.household_title}}</a>{{/householdLink}}</p>
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
        <p><a href="/console/review/roll" id="roll-review-link">{{t.roll_review_title}}</a></p>
        {{^entries}}<p id="no-entries">{{t.review_none}}</p>{{/entries}}
        {{#entries}}
        <article class="card application" id="enrolment-{{id}}" data-step="{{stepCode}}" data-region="{{region}}">
          <h2><a href="/console/households/{{household}}">{{head}}</a> · {{stepLabel}}</h2>
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

    static let household = #"""
        <h1 id="household-head">{{head}}</h1>
        <p class="meta">{{t.address}} {{address}} · {{t.region}} {{region}}{{#phone}} · {{t.phone}} {{.}}{{/phone}}
          · {{t.household_income}} {{income}}</p>
        {{#crossCheck}}<p class="warn">{{.}}</p>{{/crossCheck}}
        <section class="card">
        <h2>{{t.review_members}}</h2>
        <table class="members" id="members">
          <thead><tr><th>{{t.name}}</th><th>{{t.relation}}</th><th>{{t.resident_id}}</th><th>{{t.phone}}</th>
            <th>{{t.household_birth}}</th></tr></thead>
          <tbody>{{#members}}<tr><td>{{name}}</td><td>{{relation}}</td><td class="id">{{residentID}}</td><td>{{phone}}</td>
            <td>{{birth}}</td></tr>{{/members}}</tbody>
        </table>
        </section>
        <section class="card">
        <h2>{{t.household_enrolments}}</h2>
        <table id="enrolments">
          <thead><tr><th>{{t.review_programme}}</th><th>{{t.dash_status}}</th><th>{{t.review_amount}}</th>
            <th>{{t.household_applied}}</th><th>{{t.household_start}}</th><th></th></tr></thead>
          <tbody>{{#enrolments}}<tr id="enrolment-{{id}}"><td>{{programme}}</td><td><code>{{status}}</code></td><td>{{amount}}</td>
            <td>{{applied}}</td><td>{{start}}</td><td>
            <a href="/console/review?enrolment={{id}}" class="review-link">{{t.nav_review}}</a></td></tr>{{/enrolments}}</tbody>
        </table>
        </section>
        <section class="card" id="visits">
        <h2>{{t.household_visits}}</h2>
        {{^hasVisits}}<p>{{t.household_none}}</p>{{/hasVisits}}
        {{#visits}}
        <article class="visit" id="visit-{{id}}">
          <p><strong>{{at}}</strong> · {{author}} · {{t.household_answers}} {{answers}}{{#supersedes}}
            · {{t.household_supersedes}} {{.}}{{/supersedes}}</p>
          <div class="thumbs">{{#photos}}<a href="/console/photos/{{id}}">
            <img src="/console/photos/{{id}}" alt="{{kind}}" class="thumb" width="160" height="120"></a>{{/photos}}</div>
        </article>
        {{/visits}}
        {{#hasOtherPhotos}}<h3>{{t.household_other_photos}}</h3><div class="thumbs">{{#otherPhotos}}<a href="/console/photos/{{id}}">
          <img src="/console/photos/{{id}}" alt="{{kind}}" class="thumb" width="160" height="120">
          </a>{{/otherPhotos}}</div>{{/hasOtherPhotos}}
        </section>
        <section class="card" id="check-ins">
        <h2>{{t.household_checkins}}</h2>
        {{^hasCheckIns}}<p>{{t.household_none}}</p>{{/hasCheckIns}}
        {{#hasCheckIns}}
        <table>
          <thead><tr><th>{{t.audit_at}}</th><th>{{t.name}}</th><th>{{t.household_place}}</th><th>{{t.household_method}}</th>
            <th>{{t.household_score}}</th><th></th></tr></thead>
          <tbody>{{#checkIns}}<tr><td>{{at}}</td><td>{{member}}</td><td>{{place}}</td><td><code>{{method}}</code></td>
            <td>{{score}}</td>
            <td>{{#photos}}<img src="/console/photos/{{id}}" alt="{{kind}}" class="thumb small" width="64" height="48">{{/photos}}</td>
            </tr>{{/checkIns}}</tbody>
        </table>
        {{/hasCheckIns}}
        </section>
        <section class="card" id="review-actions">
        <h2>{{t.household_actions}}</h2>
        {{^hasActions}}<p>{{t.household_none}}</p>{{/hasActions}}
        {{#hasActions}}
        <table>
          <thead><tr><th>{{t.audit_at}}</th><th>{{t.review_step}}</th><th>{{t.household_decision}}</th><th>{{t.audit_actor}}</th>
            <th>{{t.household_reason}}</th></tr></thead>
          <tbody>{{#actions}}<tr><td>{{at}}</td><td>{{step}}</td><td><code>{{decision}}</code></td><td>{{reviewer}} ({{role}})</td>
            <td>{{reason}}</td></tr>{{/actions}}</tbody>
        </table>
        {{/hasActions}}
        </section>
        <section class="card" id="amount-changes">
        <h2>{{t.household_amounts}}</h2>
        {{^hasAmounts}}<p>{{t.household_none}}</p>{{/hasAmounts}}
        {{#hasAmounts}}
        <table>
          <thead><tr><th>{{t.household_effective}}</th><th>{{t.household_previous}}</th><th>{{t.review_amount}}</th>
            <th>{{t.household_cause}}</th><th>{{t.household_reason}}</th></tr></thead>
          <tbody>{{#amounts}}<tr data-cause="{{cause}}"{{#status}} class="status-entry"{{/status}}><td>{{from}}</td><td>{{previous}}</td><td>{{amount}}</td><td>{{causeLabel}}</td>
            <td>{{reason}}</td></tr>{{/amounts}}</tbody>
        </table>
        {{/hasAmounts}}
        </section>
        """#

    static let search = #"""
        <h1>{{t.search_title}}</h1>
        <form method="post" action="/console/search" class="actions" id="search-form">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label>{{t.search_by}}
            <select name="kind" id="search-kind">
              {{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
          <label>{{t.search_words}} <input name="q" id="search-q" value="{{q}}" required maxlength="100" autocomplete="off"></label>
          <button type="submit" id="search-submit">{{t.search_submit}}</button>
        </form>
        <p class="meta">{{t.search_note}}</p>
        {{#searched}}
        <p id="search-count">{{count}}</p>
        <table id="results">
          <thead><tr><th>{{t.head}}</th><th>{{t.address}}</th><th>{{t.region}}</th><th>{{t.search_matched}}</th></tr></thead>
          <tbody>{{#results}}<tr><td><a href="/console/households/{{id}}" class="household-link">{{head}}</a></td><td>{{address}}</td>
            <td>{{region}}</td><td>{{member}}</td></tr>{{/results}}</tbody>
        </table>
        {{#postPager}}
        <nav class="pager">
          {{#prev}}<form method="post" action="/console/search" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="kind" value="{{kind}}"><input type="hidden" name="q" value="{{q}}">
            <input type="hidden" name="page" value="{{.}}"><button type="submit" rel="prev">{{t.page_prev}}</button></form>{{/prev}}
          <span>{{label}}</span>
          {{#next}}<form method="post" action="/console/search" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="kind" value="{{kind}}"><input type="hidden" name="q" value="{{q}}">
            <input type="hidden" name="page" value="{{.}}"><button type="submit" rel="next">{{t.page_next}}</button></form>{{/next}}
        </nav>
        {{/postPager}}
        {{/searched}}
        """#

    static let roll = #"""
        <h1>{{t.roll_title}}</h1>
        <p><a href="/console/payments" id="payments-link">{{t.payments_title}}</a> ·
          <a href="/console/standards" id="standards-link">{{t.standards_title}}</a></p>
        <table id="roll">
          <thead><tr><th>{{t.region}}</th><th>{{t.roll_enrolled}}</th><th>{{t.roll_suspended}}</th><th>{{t.roll_total}}</th></tr></thead>
          <tbody>{{#villages}}<tr data-village="{{village}}"><td><a href="{{link}}">{{village}}</a></td><td>{{enrolled}}</td>
            <td>{{suspended}}</td><td class="amount">{{total}}</td></tr>{{/villages}}</tbody>
          <tfoot><tr><th>{{t.roll_all}}</th><th>{{grandEnrolled}}</th><th>{{grandSuspended}}</th>
            <th class="amount" id="grand-total">{{grandTotal}}</th></tr></tfoot>
        </table>
        {{>pager}}
        """#

    static let villageRoll = #"""
        <h1>{{t.roll_title}} · {{village}}</h1>
        <p><a href="/console/roll">{{t.roll_all_villages}}</a>
          {{#noticeLink}} · <a href="{{.}}" id="notice-link">{{t.roll_notice}}</a>{{/noticeLink}}</p>
        <section class="card">
        <h2>{{t.roll_totals}}</h2>
        <table id="totals">
          <thead><tr><th>{{t.review_programme}}</th><th>{{t.roll_enrolled}}</th><th>{{t.roll_total}}</th></tr></thead>
          <tbody>{{#totals}}<tr><td>{{programme}}</td><td>{{households}}</td><td class="amount">{{total}}</td></tr>{{/totals}}</tbody>
          <tfoot><tr><th>{{t.roll_all}}</th><th>{{households}}</th><th class="amount" id="village-total">{{total}}</th></tr></tfoot>
        </table>
        <p class="meta">{{t.roll_suspended_note}} {{suspended}}</p>
        </section>
        <table id="village-roll">
          <thead><tr><th>{{t.head}}</th><th>{{t.address}}</th><th>{{t.region}}</th><th>{{t.review_programme}}</th>
            <th>{{t.dash_status}}</th><th>{{t.review_amount}}</th><th>{{t.household_start}}</th></tr></thead>
          <tbody>{{#entries}}<tr data-status="{{statusCode}}"><td><a href="/console/households/{{household}}">{{head}}</a></td>
            <td>{{address}}</td><td>{{region}}</td><td>{{programme}}</td><td>{{status}}</td><td class="amount">{{amount}}</td>
            <td>{{start}}</td></tr>{{/entries}}</tbody>
        </table>
        {{>pager}}
        """#

    static let rollReview = #"""
        <h1>{{t.roll_review_title}}</h1>
        <p><a href="/console/review">{{t.review_title}}</a></p>
        <p class="meta">{{t.roll_review_note}}</p>
        {{^entries}}<p id="no-entries">{{t.roll_none}}</p>{{/entries}}
        {{#entries}}
        <article class="card application" id="enrolment-{{id}}" data-status="{{statusCode}}">
          <h2><a href="/console/households/{{household}}">{{head}}</a> · {{status}}</h2>
          <p class="meta">{{t.region}} {{region}} · {{t.review_programme}} {{programme}} · {{t.review_amount}} {{amount}}</p>
          {{#flags}}<p class="flag"><code>{{rule}}</code> {{detail}}</p>{{/flags}}
          {{#notEligible}}<p class="flag" id="not-eligible-{{id}}">{{t.roll_not_eligible}}</p>{{/notEligible}}
          {{#canDecide}}
          <form method="post" action="/console/review/{{id}}/decide" class="actions">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="step" value="roll-review">
            <label>{{t.roll_reason}} <input name="reason" required maxlength="500"></label>
            <button type="submit" name="decision" value="{{decision}}" class="{{decision}}">{{decisionLabel}}</button>
            <button type="submit" name="decision" value="terminate" class="terminate">{{t.roll_terminate}}</button>
            {{#hasConcerns}}<button type="submit" name="decision" value="confirm" class="confirm">{{t.roll_confirm}}</button>{{/hasConcerns}}
          </form>
          {{/canDecide}}
          {{^canDecide}}<p class="meta">{{t.review_not_allowed}}</p>{{/canDecide}}
        </article>
        {{/entries}}
        {{>pager}}
        """#

    static let importPage = #"""
        <h1>{{t.import_title}}</h1>
        {{^canImport}}<p class="meta" id="import-not-allowed">{{t.import_only_admin}}</p>{{/canImport}}
        {{#canImport}}
        <section class="card">
          <form method="post" action="/console/import/preview" enctype="multipart/form-data" class="actions" id="import-form">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label>{{t.import_kind}}
              <select name="kind" id="import-kind">
                {{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
            <label>{{t.import_file}} <input type="file" name="file" id="import-file" accept=".csv,text/csv" required></label>
            <button type="submit" id="import-preview">{{t.import_preview}}</button>
          </form>
          <p class="meta">{{t.import_note}}</p>
        </section>
        {{/canImport}}
        {{#preview}}
        <section class="card" id="preview">
          <h2>{{t.import_preview_title}}: {{kindLabel}} · {{file}}</h2>
          <p id="preview-summary">{{summary}}</p>
          {{#nothing}}<p id="preview-nothing">{{t.import_nothing}}</p>{{/nothing}}
          {{#hasProblems}}
          <p class="error" id="preview-errors-count">{{problemCount}}</p>
          <ul id="preview-errors">{{#problems}}<li>{{.}}</li>{{/problems}}</ul>
          {{/hasProblems}}
          {{#hasMatches}}
          <p id="preview-matches-title">{{t.import_matches}}</p>
          <ul id="preview-matches">{{#matches}}<li>{{.}}</li>{{/matches}}</ul>
          {{/hasMatches}}
          {{#hasFlags}}<h3>{{t.review_flags}}</h3>{{/hasFlags}}
          <ul class="flags">{{#flags}}<li>
            <code>{{rule}}</code> {{detail}} · <a href="/console/households/{{household}}">{{t.household_title}}</a></li>{{/flags}}</ul>
          {{#commit}}
          <form method="post" action="/console/import/commit" class="actions" id="commit-form">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="kind" value="{{kind}}">
            <input type="hidden" name="file" value="{{file}}">
            <textarea name="text" hidden>{{text}}</textarea>
            <button type="submit" id="import-commit" class="approve">{{t.import_commit}}</button>
          </form>
          {{/commit}}
          {{^commit}}<p class="meta" id="preview-blocked">{{t.import_blocked}}</p>{{/commit}}
        </section>
        {{/preview}}
        """#

    static let payments = #"""
        <h1>{{t.payments_title}} · {{month}} · {{region}}</h1>
        <p><a href="{{previous}}" id="month-previous">{{t.payments_previous}}</a> ·
          <a href="{{next}}" id="month-next">{{t.payments_next}}</a> ·
          <a href="/console/roll">{{t.roll_title}}</a></p>
        <form method="get" action="/console/payments" class="actions">
          <label>{{t.payments_month}} <input name="month" value="{{month}}" pattern="[0-9]{4}-[0-9]{2}" required></label>
          <label>{{t.region}} <input name="region" value="{{region}}" pattern="[0-9]{12}"></label>
          <button type="submit">{{t.payments_show}}</button>
        </form>
        <p class="meta">{{note}}</p>
        {{^payments}}<p id="no-payments">{{t.payments_none}}</p>{{/payments}}
        <table id="payments">
          <thead><tr><th>{{t.head}}</th><th>{{t.region}}</th><th>{{t.review_programme}}</th><th>{{t.payments_periods}}</th>
            <th>{{t.payments_due}}</th></tr></thead>
          <tbody>{{#payments}}<tr data-household="{{household}}"><td><a href="/console/households/{{household}}">{{head}}</a></td>
            <td>{{region}}</td><td>{{programme}}</td>
            <td><ul class="periods">{{#periods}}<li data-paid="{{paid}}">{{span}} ({{days}}) · {{status}} · {{amount}}
              {{#amountSince}}<span class="meta">{{.}}</span>{{/amountSince}} · {{paidLabel}}</li>{{/periods}}</ul></td>
            <td class="amount">{{amount}}</td></tr>{{/payments}}</tbody>
          <tfoot><tr><th colspan="4">{{t.roll_all}} ({{count}})</th><th class="amount" id="payments-total">{{total}}</th></tr></tfoot>
        </table>
        {{>pager}}
        """#

    static let standards = #"""
        <h1>{{t.standards_title}}</h1>
        <p><a href="/console/roll">{{t.roll_title}}</a></p>
        {{#preview}}
        <section class="card" id="standard-preview">
          <h2>{{t.standards_preview_title}}: {{region}} · {{programmeLabel}} · {{perCapita}} · {{from}}</h2>
          <p id="preview-summary">{{summary}}</p>
          {{#previous}}<p class="meta">{{.}}</p>{{/previous}}
          {{#needsConfirmation}}<ul class="error" id="standard-reasons" role="alert">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>{{/needsConfirmation}}
          <table id="standard-changes">
            <thead><tr><th>{{t.head}}</th><th>{{t.region}}</th><th>{{t.standards_from}}</th><th>{{t.standards_before}}</th>
              <th>{{t.standards_after}}</th><th>{{t.standards_cut}}</th></tr></thead>
            <tbody>{{#rows}}<tr data-household="{{household}}"{{#overLimit}} class="warn"{{/overLimit}}>
              <td><a href="/console/households/{{household}}">{{head}}</a></td><td>{{region}}</td><td>{{from}}</td>
              <td class="amount">{{before}}</td><td class="amount">{{after}}</td><td>{{cut}}</td></tr>{{/rows}}</tbody>
          </table>
          {{#skipped}}<p class="meta">{{t.standards_skipped}} {{.}}</p>{{/skipped}}
          <form method="post" action="/console/standards/add" class="actions" id="standard-add-form">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="region" value="{{region}}">
            <input type="hidden" name="programme" value="{{programme}}">
            <input type="hidden" name="perCapita" value="{{perCapita}}">
            <input type="hidden" name="from" value="{{from}}">
            {{#needsConfirmation}}
            <label><input type="checkbox" name="confirm" value="yes" id="standard-confirm" required> {{t.standards_confirm}}</label>
            {{/needsConfirmation}}
            <button type="submit" id="standard-add" class="approve">{{t.standards_add}}</button>
          </form>
        </section>
        {{/preview}}
        {{#canAdd}}
        <section class="card">
          <h2>{{t.standards_new}}</h2>
          <form method="post" action="/console/standards/preview" class="actions" id="standard-form">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label>{{t.region}} <input name="region" value="{{scope}}" pattern="[0-9]{12}" required></label>
            <label>{{t.review_programme}}
              <select name="programme">{{#programmes}}<option value="{{value}}">{{label}}</option>{{/programmes}}</select></label>
            <label>{{t.standards_per_capita}} <input name="perCapita" inputmode="decimal" required maxlength="12"></label>
            <label>{{t.standards_from}} <input name="from" type="date" required></label>
            <button type="submit" id="standard-preview-button">{{t.import_preview}}</button>
          </form>
          <p class="meta">{{t.standards_note}}</p>
        </section>
        {{/canAdd}}
        {{^canAdd}}<p class="meta" id="standards-not-allowed">{{t.standards_only_admin}}</p>{{/canAdd}}
        <table id="standards">
          <thead><tr><th>{{t.region}}</th><th>{{t.review_programme}}</th><th>{{t.standards_per_capita}}</th><th>{{t.standards_from}}</th>
            <th>{{t.standards_by}}</th></tr></thead>
          <tbody>{{#standards}}<tr><td>{{region}}</td><td>{{programme}}</td><td class="amount">{{perCapita}}</td><td>{{from}}</td>
            <td>{{by}}</td></tr>{{/standards}}</tbody>
        </table>
        """#
}

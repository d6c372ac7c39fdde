/// The console's languages: Chinese (Simplified) by default, English on request.
enum ConsoleLanguage: String, Sendable, CaseIterable {
    case zh, en

    /// The `lang` attribute of the page.
    var htmlLang: String { self == .zh ? "zh-Hans" : "en" }

    /// The cookie that remembers a choice made with `?lang=`.
    static let cookieName = "fieldroll_lang"

    /// Every string of the console in this language.
    var strings: [String: String] { self == .zh ? ConsoleStrings.zh : ConsoleStrings.en }

    /// One string, with `{name}` placeholders filled in.
    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        var out = strings[key] ?? key
        for (name, value) in values { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }
}

/// The console's strings, one table per language. Both tables have the same keys (a test
/// checks it); templates use them as `{{t.key}}`.
enum ConsoleStrings {
    static let zh: [String: String] = [
        "app": "FieldRoll 社会救助管理台",
        "nav_dashboard": "概览", "nav_conflicts": "冲突", "nav_review": "审核队列", "nav_audit": "审计日志", "nav_devices": "设备",
        "devices_title": "设备", "devices_enrol": "登记新设备", "devices_code_title": "一次性激活码",
        "devices_code_once": "激活码只显示这一次：请交给设备使用人在设备上输入（fieldroll enroll），{hours} 小时内有效。",
        "devices_revoke": "吊销", "done_revoked": "设备已吊销，其令牌立即失效。", "devices_only_admin": "只有管理员可以登记和吊销设备。",
        "devices_id": "设备编号",
        "logout": "退出", "language": "语言",
        "login_title": "工作人员登录", "login_name": "用户名", "login_password": "密码", "login_submit": "登录",
        "login_refused": "用户名或密码错误。", "login_locked": "连续登录失败次数过多，账号已锁定至 {until}。",
        "login_expired": "登录已过期，请重新登录。",
        "csrf_title": "请求被拒绝", "csrf_body": "表单已过期或并非从本系统提交（CSRF 校验失败），未作任何更改。请返回页面重新操作。",
        "forbidden_title": "无权操作", "forbidden_body": "您的角色（{role}）无权进行此操作。",
        "scope_body": "该记录不在您负责的区域（{scope}）内。",
        "error_title": "操作未完成", "not_found_title": "未找到", "back": "返回",
        "role_viewer": "查看员", "role_reviewer": "审核员", "role_approver": "审批员", "role_admin": "管理员",
        "dash_title": "概览", "dash_devices": "设备", "dash_device_name": "名称", "dash_role": "角色", "dash_scope": "区域",
        "dash_status": "状态", "dash_last_sync": "最近同步", "never": "从未",
        "dash_conflicts_waiting": "待处理冲突", "dash_review_by_step": "各环节待审", "dash_late": "超期环节",
        "dash_none_late": "没有超期的环节。", "dash_count": "数量", "days_late": "超期 {n} 个工作日",
        "step_village-survey": "村级调查", "step_township-review": "乡镇审核", "step_county-approval": "县级审批",
        "step_public-notice": "公示", "step_roll-review": "在册复核",
        "status_active": "正常", "status_pending": "待激活", "status_revoked": "已吊销", "status_expired": "已过期",
        "conflicts_title": "冲突", "conflict_record": "记录", "conflict_field": "字段", "conflict_kept": "当前值（合并后保留）",
        "conflict_other": "另一值", "conflict_written": "{device} 写于 {at}", "conflict_keep": "保留当前值",
        "conflict_choose_other": "改用另一值", "conflicts_none": "没有待处理的冲突。", "conflicts_show_resolved": "显示已处理的冲突",
        "conflicts_show_open": "只看待处理", "conflict_resolved_by": "已处理：{how}（{by}）",
        "conflict_no_right": "只有管理员可以改写家庭和成员信息。",
        "done_resolved": "冲突已处理。设备下次同步时会取得结果。",
        "kept-winner": "保留当前值", "chose-loser": "改用另一值",
        "entity_household": "家庭", "entity_member": "成员",
        "review_title": "审核队列", "review_household": "家庭", "review_members": "成员", "review_flags": "比对疑点",
        "review_step": "环节", "review_since": "进入日期", "review_due": "期限", "review_reason": "理由（不予通过或退回时必填）",
        "review_approve": "通过", "review_reject": "不予通过", "review_return": "退回重新调查", "review_none": "没有待审的申请。",
        "review_not_allowed": "您的角色不能在此环节作出决定。", "done_reviewed": "审核决定已记录。",
        "review_programme": "项目", "review_amount": "月额（元）", "review_late": "超期", "review_notice_ends": "公示截止",
        "name": "姓名", "resident_id": "身份证号", "phone": "电话", "relation": "与户主关系", "address": "地址",
        "region": "区划", "head": "户主",
        "audit_title": "审计日志", "audit_seq": "序号", "audit_at": "时间", "audit_actor": "操作者", "audit_action": "操作",
        "audit_subject": "对象", "audit_detail": "说明", "audit_verify": "校验哈希链",
        "audit_ok": "哈希链完整：全部 {n} 条记录校验通过。", "audit_bad": "哈希链断裂：第 {seq} 条记录校验失败（{reason}）。",
        "page_prev": "上一页", "page_next": "下一页", "page_of": "第 {page} 页，共 {pages} 页",
    ]

    static let en: [String: String] = [
        "app": "FieldRoll office console",
        "nav_dashboard": "Dashboard", "nav_conflicts": "Conflicts", "nav_review": "Review queue", "nav_audit": "Audit log",
        "nav_devices": "Devices",
        "devices_title": "Devices", "devices_enrol": "Enrol a device", "devices_code_title": "One-time enrolment code",
        "devices_code_once":
            "This code is shown only now: give it to the device's user to enter on the device (fieldroll enroll). It is valid for {hours} hours.",
        "devices_revoke": "Revoke", "done_revoked": "The device is revoked; its token stops working at once.",
        "devices_only_admin": "Only administrators enrol and revoke devices.", "devices_id": "Device id",
        "logout": "Sign out", "language": "Language",
        "login_title": "Staff sign-in", "login_name": "Name", "login_password": "Password", "login_submit": "Sign in",
        "login_refused": "Wrong name or password.", "login_locked": "Too many failed sign-ins: this account is locked until {until}.",
        "login_expired": "Your session has ended; please sign in again.",
        "csrf_title": "Request refused",
        "csrf_body":
            "The form had expired or did not come from this console (CSRF check failed); nothing was changed. Go back and try again.",
        "forbidden_title": "Not allowed", "forbidden_body": "Your role ({role}) may not do this.",
        "scope_body": "This record lies outside your region ({scope}).",
        "error_title": "Not done", "not_found_title": "Not found", "back": "Back",
        "role_viewer": "viewer", "role_reviewer": "reviewer", "role_approver": "approver", "role_admin": "administrator",
        "dash_title": "Dashboard", "dash_devices": "Devices", "dash_device_name": "Name", "dash_role": "Role", "dash_scope": "Region",
        "dash_status": "Status", "dash_last_sync": "Last sync", "never": "never",
        "dash_conflicts_waiting": "Conflicts waiting", "dash_review_by_step": "Waiting at each step", "dash_late": "Late review steps",
        "dash_none_late": "No step is late.", "dash_count": "Count", "days_late": "{n} working days late",
        "step_village-survey": "Village survey", "step_township-review": "Township review", "step_county-approval": "County approval",
        "step_public-notice": "Public notice", "step_roll-review": "Roll review",
        "status_active": "active", "status_pending": "pending", "status_revoked": "revoked", "status_expired": "expired",
        "conflicts_title": "Conflicts", "conflict_record": "Record", "conflict_field": "Field", "conflict_kept": "Kept value (merged)",
        "conflict_other": "Other value", "conflict_written": "written by {device} at {at}", "conflict_keep": "Keep this value",
        "conflict_choose_other": "Use the other value", "conflicts_none": "No conflicts waiting.",
        "conflicts_show_resolved": "Show resolved conflicts", "conflicts_show_open": "Open ones only",
        "conflict_resolved_by": "Resolved: {how} ({by})",
        "conflict_no_right": "Only administrators may rewrite household and member data.",
        "done_resolved": "Conflict resolved. Devices receive the result at their next sync.",
        "kept-winner": "kept the merged value", "chose-loser": "chose the other value",
        "entity_household": "Household", "entity_member": "Member",
        "review_title": "Review queue", "review_household": "Household", "review_members": "Members", "review_flags": "Cross-check flags",
        "review_step": "Step", "review_since": "Since", "review_due": "Due", "review_reason": "Reason (needed to refuse or return)",
        "review_approve": "Approve", "review_reject": "Refuse", "review_return": "Return for survey", "review_none": "Nothing waiting.",
        "review_not_allowed": "Your role cannot decide at this step.", "done_reviewed": "The decision is recorded.",
        "review_programme": "Programme", "review_amount": "Monthly amount (yuan)", "review_late": "Late",
        "review_notice_ends": "Notice ends",
        "name": "Name", "resident_id": "Resident ID", "phone": "Phone", "relation": "Relation to head", "address": "Address",
        "region": "Region", "head": "Head",
        "audit_title": "Audit log", "audit_seq": "No.", "audit_at": "Time", "audit_actor": "Actor", "audit_action": "Action",
        "audit_subject": "Subject", "audit_detail": "Detail", "audit_verify": "Verify the chain",
        "audit_ok": "The chain holds: all {n} entries verify.", "audit_bad": "The chain is broken at entry {seq} ({reason}).",
        "page_prev": "Previous", "page_next": "Next", "page_of": "Page {page} of {pages}",
    ]
}

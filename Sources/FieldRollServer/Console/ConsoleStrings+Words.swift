import FieldRollCore

/// The console's words for the rolls' vocabularies, record fields, refusal reasons, audit
/// actions and survey questions, in both languages; merged into ``ConsoleStrings``' tables.
/// Chinese words of Core's vocabularies come from their own `label`, so the console and the
/// devices say the same thing.
enum ConsoleWords {
    static let zh: [String: String] = {
        var out: [String: String] = [:]
        for v in Programme.allCases { out["programme_\(v.rawValue)"] = v.label }
        for v in Relation.allCases { out["relation_\(v.rawValue)"] = v.label }
        for v in Sex.allCases { out["sex_\(v.rawValue)"] = v.label }
        for (column, name) in OfficeCSV.chineseHeaders { out["field_\(column)"] = name }
        return out.merging(zhFixed) { _, fixed in fixed }
    }()

    static let zhFixed: [String: String] = [
        "step_village-survey": "村级调查", "step_township-review": "乡镇审核", "step_county-approval": "县级审批",
        "step_public-notice": "公示", "step_roll-review": "在册复核",
        "decision_approve": "通过", "decision_reject": "不予通过", "decision_return-for-survey": "退回重新调查", "decision_suspend": "暂停发放",
        "decision_resume": "恢复发放", "decision_terminate": "终止救助", "decision_confirm": "核实无误",
        "enrolment_applied": "已申请", "enrolment_surveyed": "已调查", "enrolment_township-reviewed": "乡镇已审核",
        "enrolment_county-approved": "县级已审批", "enrolment_public-notice": "公示中", "enrolment_enrolled": "在册",
        "enrolment_rejected": "不予通过", "enrolment_suspended": "暂停发放", "enrolment_terminated": "已终止",
        "device_role_caseworker": "调查员平板", "device_role_kiosk": "乡镇自助终端", "device_role_reviewer": "审核员",
        "device_role_approver": "审批员", "device_role_admin": "管理员",
        "role_viewer": "查看员", "role_reviewer": "审核员", "role_approver": "审批员", "role_admin": "管理员",
        "method_in-person": "当面核验", "method_kiosk": "自助终端", "method_remote-face-match": "远程人脸核验",
        "photo_house": "住房照片", "photo_id-document": "证件照片", "photo_survey-sheet": "调查表照片", "photo_face": "人脸照片", "photo_other": "其他照片",
        "history_approval": "审批核定", "history_standard": "标准调整", "history_visit": "入户调查后重算", "history_suspension": "暂停发放",
        "history_resumption": "恢复发放", "history_termination": "终止救助",
        "rule_vehicle-value": "车辆价值超限", "rule_property-count": "房产数量超限", "rule_deposits-per-capita": "人均存款超限",
        "rule_income-above-declared": "纳税收入高于申报收入", "rule_active-business": "有在营工商登记",
        "rule_resident-id-in-two-households": "身份证号同时在两户", "rule_resident-id-twice-in-household": "同一户内身份证号重复",
        "rule_two-heads": "一户有两名户主",
        "need_survey": "尚无入户调查：县级审批从最近一次调查取收入（设备录入或乡镇据纸质调查表录入）",
        "need_standard": "该救助类别在本地尚无生效的保障标准", "need_members": "该户尚无成员记录",
        "need_notice-running": "公示期未满",
        "status_active": "正常", "status_pending": "待激活", "status_revoked": "已吊销", "status_expired": "已过期",
        "import_kind_households": "家庭", "import_kind_members": "成员", "import_kind_enrolments": "救助对象名册",
        "import_kind_vehicles": "车辆（公安）", "import_kind_property": "不动产（自然资源）", "import_kind_deposits": "存款（银行）",
        "import_kind_tax": "纳税（税务）", "import_kind_business": "工商登记（市场监管）",
        "field_headName": "户主姓名", "field_address": "地址", "field_phone": "联系电话", "field_housing": "住房类型",
        "field_housingArea": "住房面积", "field_declaredMonthlyIncome": "申报家庭月收入", "field_assets": "家庭财产",
        "field_householdID": "家庭编号", "field_residentID": "身份证号", "field_birthDate": "出生日期", "field_monthlyIncome": "月收入",
        "field_appliedOn": "申请日期", "field_startDate": "开始日期", "field_endDate": "终止日期", "field_statusSince": "状态日期",
        "field_monthlyAmount": "月保障金额", "field_notes": "备注", "field_crossCheck": "比对结果",
        "reason_required": "必填", "reason_too-long": "过长", "reason_too-short": "过短", "reason_bad-format": "格式不对",
        "reason_out-of-range": "超出范围", "reason_bad-date": "日期不对", "reason_bad-check-digit": "身份证号校验位不对",
        "reason_not-a-choice": "不是可选的值", "reason_negative": "不能为负数", "reason_control-character": "含有控制字符",
        "reason_mismatch": "与其他信息不一致", "reason_before-start": "早于开始日期", "reason_unknown": "无法识别",
        "reason_duplicate": "重复", "reason_not-a-village": "不是村（居）一级的区划代码", "reason_wrong-type": "类型不对",
        "reason_unencodable": "含有无法保存的字符",
        "action_amount.changed": "保障金额变更", "action_amounts.recomputed": "重算保障金额", "action_audit.verified": "核验审计链",
        "action_conflict.resolved": "处理冲突", "action_crosscheck.flagged": "比对疑点", "action_crosscheck.import": "导入比对数据",
        "action_crosscheck.rolls": "名册内部比对", "action_device.enrolled": "设备激活", "action_device.enrolment-issued": "登记设备",
        "action_device.revoked": "吊销设备", "action_notice.printed": "打印公示", "action_office.import": "导入数据",
        "action_regions.imported": "导入行政区划", "action_server.initialized": "服务器初始化", "action_server.restored": "从备份恢复",
        "action_staff.added": "新增工作人员", "action_staff.address-locked": "登录地址被锁定", "action_staff.disabled": "停用工作人员",
        "action_staff.locked": "账号被锁定", "action_staff.password-changed": "修改密码", "action_staff.sign-in-failed": "登录失败",
        "action_staff.signed-in": "登录", "action_staff.signed-out": "退出", "action_standard.added": "新增保障标准",
        "question_income.wages": "工资性收入（元/月）", "question_income.farm": "农业经营收入（元/月）",
        "question_income.business": "其他经营性收入（元/月）", "question_income.property": "财产性收入（元/月）",
        "question_income.rent": "租金收入（元/月）", "question_income.pension": "养老金、退休金（元/月）",
        "question_income.transfer": "转移性收入（元/月）", "question_income.other": "其他收入（元/月）",
        "question_income.debt": "债务（元）", "question_income.notes": "收入说明", "question_housing.condition": "住房状况",
        "question_housing.area": "住房面积", "question_members.present": "在场成员", "question_work": "{member} 的就业状况",
        "question_survey.investigators": "调查人", "question_survey.source": "来源", "question_survey.enteredBy": "录入人",
        "work_employed": "受雇就业", "work_self-employed": "自主经营", "work_farming": "务农", "work_migrant-work": "外出务工",
        "work_unemployed": "失业", "work_student": "在校学生", "work_retired": "退休", "work_preschool": "学龄前",
        "work_unable-to-work": "无劳动能力",
        "housing_owned": "自有住房", "housing_self-built": "自建房", "housing_rented": "租房", "housing_public-rental": "公租房",
        "housing_borrowed": "借住", "housing_none": "无房",
        "health_healthy": "健康", "health_chronic-illness": "慢性病", "health_serious-illness": "重病", "health_bedridden": "卧床不起",
        "disability_none": "无残疾", "disability_grade-1": "一级残疾", "disability_grade-2": "二级残疾", "disability_grade-3": "三级残疾",
        "disability_grade-4": "四级残疾",
        "housing_safe": "安全", "housing_basic": "基本安全", "housing_dangerous": "危房", "source_paper": "纸质调查表（乡镇录入）",
        "yuan": "{amount} 元", "square_metres": "{n} 平方米", "value_none": "（空）",
    ]

    static let en: [String: String] = {
        var out: [String: String] = [:]
        for (column, _) in OfficeCSV.chineseHeaders { out["field_\(column)"] = column.replacingOccurrences(of: "_", with: " ") }
        for v in WorkStatus.allCases { out["work_\(v.rawValue)"] = v.rawValue.replacingOccurrences(of: "-", with: " ") }
        for v in Housing.allCases { out["housing_\(v.rawValue)"] = v.rawValue.replacingOccurrences(of: "-", with: " ") }
        for v in Sex.allCases { out["sex_\(v.rawValue)"] = v.rawValue }
        for v in Health.allCases { out["health_\(v.rawValue)"] = v.rawValue.replacingOccurrences(of: "-", with: " ") }
        for v in Disability.allCases { out["disability_\(v.rawValue)"] = v.rawValue.replacingOccurrences(of: "-", with: " ") }
        for v in Relation.allCases { out["relation_\(v.rawValue)"] = v.rawValue.replacingOccurrences(of: "-", with: " ") }
        return out.merging(enFixed) { _, fixed in fixed }
    }()

    static let enFixed: [String: String] = [
        "step_village-survey": "Village survey", "step_township-review": "Township review", "step_county-approval": "County approval",
        "step_public-notice": "Public notice", "step_roll-review": "Roll review",
        "decision_approve": "Approved", "decision_reject": "Rejected", "decision_return-for-survey": "Returned for a new survey",
        "decision_suspend": "Suspend", "decision_resume": "Resume", "decision_terminate": "Terminated", "decision_confirm": "Confirmed",
        "enrolment_applied": "Applied", "enrolment_surveyed": "Surveyed", "enrolment_township-reviewed": "Reviewed by the township",
        "enrolment_county-approved": "Approved by the county", "enrolment_public-notice": "On public notice",
        "enrolment_enrolled": "Enrolled",
        "enrolment_rejected": "Rejected", "enrolment_suspended": "Suspended", "enrolment_terminated": "Terminated",
        "programme_urban-dibao": "Urban minimum living allowance", "programme_rural-dibao": "Rural minimum living allowance",
        "programme_extreme-poverty": "Extreme-poverty support", "programme_temporary-assistance": "Temporary assistance",
        "device_role_caseworker": "Caseworker tablet", "device_role_kiosk": "Township kiosk", "device_role_reviewer": "Reviewer",
        "device_role_approver": "Approver", "device_role_admin": "Administrator",
        "role_viewer": "Viewer", "role_reviewer": "Reviewer", "role_approver": "Approver", "role_admin": "Administrator",
        "method_in-person": "In person", "method_kiosk": "At a kiosk", "method_remote-face-match": "Remote face match",
        "photo_house": "House", "photo_id-document": "Identity document", "photo_survey-sheet": "Survey sheet", "photo_face": "Face",
        "photo_other": "Other photo",
        "history_approval": "Approval", "history_standard": "New standard", "history_visit": "Recomputed after a survey",
        "history_suspension": "Suspended", "history_resumption": "Resumed", "history_termination": "Terminated",
        "rule_vehicle-value": "Vehicle above the limit", "rule_property-count": "Too many properties",
        "rule_deposits-per-capita": "Deposits per person above the limit", "rule_income-above-declared": "Taxed income above the declared",
        "rule_active-business": "Active business registration", "rule_resident-id-in-two-households": "One resident ID in two households",
        "rule_resident-id-twice-in-household": "One resident ID twice in a household", "rule_two-heads": "Two heads of household",
        "need_survey":
            "No survey yet: the county's approval takes the income from the latest survey (from a device, or entered at the township from the paper sheet)",
        "need_standard": "No benefit standard of this programme is in force here", "need_members": "The household has no members on record",
        "need_notice-running": "The public notice has not run its days",
        "status_active": "Active", "status_pending": "Waiting for enrolment", "status_revoked": "Revoked", "status_expired": "Expired",
        "import_kind_households": "Households", "import_kind_members": "Members", "import_kind_enrolments": "Roll (enrolments)",
        "import_kind_vehicles": "Vehicles (police)", "import_kind_property": "Property (land registry)",
        "import_kind_deposits": "Deposits (banks)",
        "import_kind_tax": "Tax", "import_kind_business": "Business registrations",
        "field_headName": "head's name", "field_address": "address", "field_phone": "phone", "field_housing": "housing",
        "field_housingArea": "floor area", "field_declaredMonthlyIncome": "declared monthly income", "field_assets": "assets",
        "field_householdID": "household", "field_residentID": "resident ID", "field_birthDate": "birth date",
        "field_monthlyIncome": "monthly income", "field_appliedOn": "applied on", "field_startDate": "start date",
        "field_endDate": "end date", "field_statusSince": "status since", "field_monthlyAmount": "monthly amount", "field_notes": "notes",
        "field_crossCheck": "cross-check", "field_name": "name", "field_relation": "relation", "field_region": "region",
        "field_sex": "sex", "field_health": "health", "field_disability": "disability", "field_work": "work",
        "field_programme": "programme", "field_status": "status",
        "reason_required": "is required", "reason_too-long": "is too long", "reason_too-short": "is too short",
        "reason_bad-format": "is not in the expected format", "reason_out-of-range": "is out of range", "reason_bad-date": "is not a date",
        "reason_bad-check-digit": "has a wrong check digit", "reason_not-a-choice": "is not one of the choices",
        "reason_negative": "is negative", "reason_control-character": "has a control character",
        "reason_mismatch": "does not agree with the rest",
        "reason_before-start": "is before the start", "reason_unknown": "is not known", "reason_duplicate": "is a duplicate",
        "reason_not-a-village": "is not a village's code", "reason_wrong-type": "has the wrong type",
        "reason_unencodable": "has characters that cannot be stored",
        "action_amount.changed": "Amount changed", "action_amounts.recomputed": "Amounts recomputed",
        "action_audit.verified": "Audit chain verified",
        "action_conflict.resolved": "Conflict resolved", "action_crosscheck.flagged": "Cross-check flag",
        "action_crosscheck.import": "Cross-check import",
        "action_crosscheck.rolls": "Rolls cross-checked", "action_device.enrolled": "Device enrolled",
        "action_device.enrolment-issued": "Device registered",
        "action_device.revoked": "Device revoked", "action_notice.printed": "Notice printed", "action_office.import": "Office import",
        "action_regions.imported": "Place names imported", "action_server.initialized": "Server initialised",
        "action_server.restored": "Restored from backup",
        "action_staff.added": "Staff added", "action_staff.address-locked": "Address locked", "action_staff.disabled": "Staff disabled",
        "action_staff.locked": "Account locked", "action_staff.password-changed": "Password changed",
        "action_staff.sign-in-failed": "Sign-in failed",
        "action_staff.signed-in": "Signed in", "action_staff.signed-out": "Signed out", "action_standard.added": "Standard added",
        "question_income.wages": "Wages (yuan a month)", "question_income.farm": "Farming income (yuan a month)",
        "question_income.business": "Other business income (yuan a month)", "question_income.property": "Property income (yuan a month)",
        "question_income.rent": "Rent received (yuan a month)", "question_income.pension": "Pensions (yuan a month)",
        "question_income.transfer": "Transfers received (yuan a month)", "question_income.other": "Other income (yuan a month)",
        "question_income.debt": "Debts (yuan)", "question_income.notes": "Notes on income",
        "question_housing.condition": "Condition of the home",
        "question_housing.area": "Floor area", "question_members.present": "Members present", "question_work": "Work of {member}",
        "question_survey.investigators": "Investigators", "question_survey.source": "Source", "question_survey.enteredBy": "Entered by",
        "housing_safe": "Safe", "housing_basic": "Basically safe", "housing_dangerous": "Dangerous",
        "source_paper": "Paper sheet (entered at the township)",
        "yuan": "{amount} yuan", "square_metres": "{n} m²", "value_none": "(empty)",
    ]
}

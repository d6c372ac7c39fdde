extension ErrorCode {
    /// Each code's title in Chinese (Simplified), the language of the offices FieldRoll serves:
    /// the second title of the code table (``ErrorCodeDefinition/chineseTitle``), shown by the
    /// console and listed in `docs/server.md`. A test checks every code of ``table`` has one.
    static let chineseTitles: [ErrorCode: String] = [
        .malformedJSON: "JSON 格式错误", .invalidHeader: "请求头无效", .invalidQuery: "查询参数无效", .invalidPath: "路径无效",
        .invalidCSV: "CSV 文件无法读取", .badRequest: "请求有误", .unsupportedVersion: "协议版本不受支持", .badCursor: "同步游标无效",
        .unsupportedEncoding: "文件编码不受支持", .invalidRecord: "记录不合规", .unknownField: "未知字段", .clockSkew: "设备时钟超前过多",
        .badSignature: "签名无效", .hashMismatch: "文件内容与哈希不符", .unauthorized: "未登录或凭据无效", .deviceRevoked: "设备已被吊销",
        .forbidden: "无权操作", .scopeViolation: "超出您负责的区域", .serverOwnedField: "该字段只能由中心办公室修改", .notFound: "未找到",
        .methodNotAllowed: "不支持该请求方法", .immutableConflict: "记录已存在且内容不同", .deviceIDTaken: "设备编号已被占用",
        .alreadyResolved: "冲突已处理过", .illegalTransition: "当前环节不能进行此操作", .noticeNotOver: "公示期未满",
        .noStandard: "没有适用的保障标准", .noSurvey: "尚无入户调查", .notEligible: "不符合保障条件", .payloadTooLarge: "内容过大",
        .batchTooLarge: "批量过大", .offsetMismatch: "续传位置不符", .uploadInProgress: "上传进行中", .rangeNotSatisfiable: "请求范围无效",
        .storageFailure: "数据库暂时不可用", .internalError: "服务器内部错误", .network: "网络故障", .untrustedServer: "服务器证书不受信任",
        .wrongKey: "密钥错误", .noServer: "数据库中没有服务器", .alreadyInitialized: "服务器已初始化", .invalidConfiguration: "配置无效",
        .auditBroken: "审计链已被破坏", .cannotListen: "无法监听端口", .notReady: "服务尚未就绪", .missingColumns: "缺少列",
        .notEnrolled: "未在保", .unknownReference: "引用的记录不存在", .csrfFailed: "表单校验失败", .noSession: "未登录",
        .tooManyAttempts: "尝试次数过多", .needsConfirmation: "需要确认", .duplicateMember: "成员已在另一户名册中",
    ]
}

extension ErrorCodeDefinition {
    /// The title in Chinese (the English ``title`` for a code without one).
    public var chineseTitle: String { ErrorCode.chineseTitles[code] ?? title }
}

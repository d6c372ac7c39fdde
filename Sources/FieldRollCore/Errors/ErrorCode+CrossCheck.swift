extension ErrorCode {
    /// A CSV file lacks columns its kind requires (a department's file for a cross-check); the
    /// message names them and the columns the file has.
    public static let missingColumns: ErrorCode = "missing-columns"

    /// The table rows of the cross-check codes above (part of ``ErrorCode/table``).
    static let crossCheckDefinitions: [ErrorCodeDefinition] = [
        .init(
            .missingColumns, 422, "Missing columns",
            "A CSV file lacks columns its kind requires (a department's cross-check file); the message names them.")
    ]
}

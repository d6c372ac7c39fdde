extension ErrorCode {
    /// A change that moves money the wrong way (a standard that cuts amounts by more than the set
    /// share, reaches no one, or is below the one before) was shown, not made: a person confirms it.
    public static let needsConfirmation: ErrorCode = "needs-confirmation"

    /// A member's resident ID is also a member of an earlier household on the roll: the later
    /// household's amount is not computed until the office decides at roll-review.
    public static let duplicateMember: ErrorCode = "duplicate-member"

    /// The table rows of the roll codes above (part of ``ErrorCode/table``).
    static let rollDefinitions: [ErrorCodeDefinition] = [
        .init(
            .needsConfirmation, 409, "Needs confirmation",
            "A standard that cuts a household's amount by more than the set share, reaches no one or is below the one before was not added; look at its preview and confirm it."
        ),
        .init(
            .duplicateMember, 409, "Counted in another household",
            "A member's resident ID is also a member of an earlier household on the roll; this household's amount waits for a decision at roll-review."
        ),
    ]
}

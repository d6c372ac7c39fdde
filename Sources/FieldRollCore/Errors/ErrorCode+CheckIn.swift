extension ErrorCode {
    /// A check-in for a member whose household is not on the roll as enrolled (or suspended):
    /// refused on the device, which names the household and what the roll it holds says.
    public static let notEnrolled: ErrorCode = "not-enrolled"

    /// The table rows of the check-in codes above (part of ``ErrorCode/table``).
    static let checkInDefinitions: [ErrorCodeDefinition] = [
        .init(
            .notEnrolled, 409, "Not enrolled",
            "A check-in for a member whose household is neither enrolled nor suspended on the roll the device holds; sync to pull the roll."
        )
    ]
}

extension ErrorCode {
    /// The server cannot listen on the address and port it was given (in use, not allowed).
    public static let cannotListen: ErrorCode = "cannot-listen"
    /// The server is up but its database does not answer (the readiness check).
    public static let notReady: ErrorCode = "not-ready"

    /// The table rows of the service codes above (part of ``ErrorCode/table``).
    static let serviceDefinitions: [ErrorCodeDefinition] = [
        .init(.cannotListen, 500, "Cannot listen", "The server cannot listen on the address and port it was given (in use, not allowed)."),
        .init(.notReady, 503, "Not ready", "The server is up but its database does not answer (`GET /readyz`)."),
    ]
}

/// The exit statuses of every FieldRoll command-line tool, documented in `docs/device.md` and
/// `docs/server.md`. Scripts can tell "it did not run" from "it ran and found a problem".
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Done.
    case done = 0
    /// Failed: the one line on stderr (`Error: <code>: <message>`) says why.
    case failed = 1
    /// The command line was wrong (unknown option, missing value); nothing ran.
    case usage = 2
    /// `fieldroll sync` ran, but the server refused some changes (kept on the device, listed).
    case refused = 3
    /// `fieldroll-server audit verify` ran and found the audit chain broken.
    case auditBroken = 4
}

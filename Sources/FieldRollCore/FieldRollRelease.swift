/// The release of FieldRoll these programs belong to, printed by every tool's `--version`.
public enum FieldRollRelease {
    /// The release number (semantic versioning).
    public static let number = "0.4.0"

    /// One line for `--version`: the release and the sync protocol it speaks.
    public static var versionLine: String { "\(number) (protocol \(WireProtocol.version))" }
}

import FieldRollCore

/// The field-device library: local store, photo store, outbox and sync engine (in progress).
public enum FieldRollClient {
    /// The wire protocol this client speaks.
    public static let protocolVersion = WireProtocol.version
}

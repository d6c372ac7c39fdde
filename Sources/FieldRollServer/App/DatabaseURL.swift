import Foundation

/// `postgres://` URLs as given on the command line or in the environment.
public enum DatabaseURL {
    /// The URL with its password replaced by `***`, safe for logs and messages.
    public static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? "postgres://***"
    }
}

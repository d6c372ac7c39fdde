import FieldRollCore
import Synchronization

/// What the steps inside a request learned that the access log reports after it: the
/// authenticated device. One per request, shared by every copy of its context.
final class RequestTrace: Sendable {
    private let state = Mutex<NodeID?>(nil)

    /// The device the request authenticated as, if it did.
    var device: NodeID? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

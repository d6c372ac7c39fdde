import FieldRollCore
import Foundation
import GRDB

extension DeviceStore {
    /// A household's detail now, then again after every change that touches it — an edit made
    /// on this device or a page a sync pulled (a colleague's edit, a new visit, the roll's move)
    /// — for a screen that shows it. Values that did not change are not repeated.
    ///
    /// ```swift
    /// for try await detail in store.householdUpdates(id) { render(detail) }
    /// ```
    ///
    /// The sequence ends when the task iterating it is cancelled; it throws ``ClientError``
    /// `not-found` if the household is not (or no longer) on the device.
    public func householdUpdates(_ id: HouseholdID) -> AsyncThrowingStream<HouseholdDetail, any Error> {
        observe { [self] db in try detail(db, id) }
    }

    /// The households inside `scope` (by address), now and after every change to them.
    public func householdsUpdates(in scope: RegionCode) -> AsyncThrowingStream<[Household], any Error> {
        observe { [self] db in try householdList(db, in: scope) }
    }

    /// What waits to be synced (``PendingSummary``), now and after every change: a badge that
    /// counts up with each edit and back to zero when a sync has sent it.
    public func pendingUpdates() -> AsyncThrowingStream<PendingSummary, any Error> {
        observe(Self.summary)
    }

    /// The open conflicts of the device's scope (``conflicts()``), now and after every sync that
    /// changes them: a badge, a list for the person who sorts them out with the office.
    public func conflictsUpdates() -> AsyncThrowingStream<[ConflictNotice], any Error> {
        observe { [self] db in try conflictList(db) }
    }

    /// Values of `fetch`, again whenever a table it read changes, without repeats; database
    /// errors as ``ClientError`` `storage-failure`.
    func observe<T: Sendable & Equatable>(_ fetch: @escaping @Sendable (Database) throws -> T) -> AsyncThrowingStream<T, any Error> {
        let pool = self.pool
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await value in ValueObservation.tracking(fetch).removeDuplicates().values(in: pool) {
                        continuation.yield(value)
                    }
                    continuation.finish()
                } catch let error as DatabaseError {
                    continuation.finish(throwing: ClientError(.storageFailure, "the store failed: \(error.message ?? "")"))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

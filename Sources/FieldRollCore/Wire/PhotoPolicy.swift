/// Which photos of other devices a device downloads, as the central office sets it per role and
/// the server tells each device in the `FieldRoll-Photo-Policy` header of every pull answer.
///
/// Thumbnails are not offered: the data model has no thumbnail blob (a photo record names one
/// SHA-256, of the full image), and the server has no image library to make one. A value this
/// build does not know (a later server's) reads as `nil`; the device then downloads nothing.
public enum PhotoPolicy: String, Sendable, Codable, CaseIterable, Hashable {
    /// Download no photo bytes; the device keeps only the photo records.
    case none
    /// Download the bytes of every photo that a record in the device's scope refers to.
    case full
}

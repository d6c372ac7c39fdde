/// A record that checks itself field by field.
public protocol Validatable {
    /// Every issue found; empty when the record is valid.
    func validate() -> [FieldIssue]
}

extension Validatable {
    /// The record itself, or ``ValidationError`` with every issue at once.
    @discardableResult
    public func validated() throws(ValidationError) -> Self {
        let issues = validate()
        if !issues.isEmpty { throw ValidationError(issues) }
        return self
    }
}

extension Visit: Validatable {}
extension CheckIn: Validatable {}
extension Photo: Validatable {}
extension ReviewAction: Validatable {}

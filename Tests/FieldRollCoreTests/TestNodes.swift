import FieldRollCore

/// A small fixed set of replicas for generated histories.
let nodes = (0..<5).map { try! NodeID("dev-\($0)") }

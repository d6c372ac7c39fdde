import ArgumentParser
import FieldRollCore

// The vocabularies a person types on the command line: `--help` lists each one's values, and a
// value outside it is a usage error (exit 2) before anything runs.
extension Housing: ExpressibleByArgument {}
extension PhotoKind: ExpressibleByArgument {}
extension CheckInMethod: ExpressibleByArgument {}
extension Relation: ExpressibleByArgument {}
extension Disability: ExpressibleByArgument {}
extension Health: ExpressibleByArgument {}
extension WorkStatus: ExpressibleByArgument {}

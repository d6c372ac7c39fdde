import ArgumentParser

extension FieldRollServerCommand {
    /// `fieldroll-server fixtures …`
    struct Fixtures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make synthetic county data: regions, households, members, standards, the roll.",
            subcommands: [FixturesGenerate.self]
        )
    }
}

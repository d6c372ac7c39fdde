import ArgumentParser

/// `fieldroll-server`: the central office's command.
struct FieldRollServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll-server",
        abstract: "FieldRoll's central server: the authoritative benefit rolls that field devices sync with.",
        discussion: """
            Today this command makes synthetic county data for tests, demos and benchmarks. \
            The sync server itself (serve, devices, conflicts, audit) is being built; see README.md.
            """,
        subcommands: [Fixtures.self]
    )
}

import ArgumentParser

/// `fieldroll-server`: the central office's command. Errors print as one line,
/// `Error: <code>: <message>`, and exit 1.
@main
struct FieldRollServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll-server",
        abstract: "FieldRoll's central server: the authoritative benefit rolls that field devices sync with.",
        discussion: """
            Everything lives in one data folder (default ./fieldroll-data): the SQLite database \
            fieldroll.sqlite and the photo store blobs/. Commands other than serve work on that \
            folder directly and may run while the server is running.

            A first look: fieldroll-server demo
            A first run:
              fieldroll-server import --households households.csv --members members.csv --enrolments enrolments.csv
              fieldroll-server device enroll --name "李敏的平板" --role caseworker --scope 139901002201
              fieldroll-server serve --port 8080
            """,
        subcommands: [Demo.self, Serve.self, Migrate.self, Device.self, Conflicts.self, Import.self, Export.self, Audit.self, Fixtures.self]
    )
}

/// The data folder, shared by every subcommand.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The server's data folder (created if missing).")
    var data: String = "fieldroll-data"
}

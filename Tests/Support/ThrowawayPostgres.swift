import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of the tests' own: made in a temporary folder on first use, listening on
/// a free loopback port, shared by every test of the process, stopped and removed at exit.
///
/// `initdb` refuses root, so as root the cluster belongs to the `postgres` user (`runuser`).
/// When it cannot start, ``shared()`` throws with what `initdb` or `pg_ctl` printed: PostgreSQL
/// tests fail loudly, they never skip.
public final class ThrowawayPostgres: @unchecked Sendable {
    public let port: Int
    public let folder: String
    let binaries: String
    let password = "fieldroll-test"
    private let lock = NSLock()
    private var databases = 0

    nonisolated(unsafe) private static var instance: Result<ThrowawayPostgres, any Error>?
    private static let instanceLock = NSLock()

    /// The cluster, started on first call.
    public static func shared() throws -> ThrowawayPostgres {
        instanceLock.lock()
        defer { instanceLock.unlock() }
        if instance == nil {
            instance = Result { try ThrowawayPostgres() }
            if case .success = instance { atexit { ThrowawayPostgres.stopShared() } }
        }
        return try instance!.get()
    }

    /// A new, empty database; returns its `postgres://` URL (plain TCP; append `?sslmode=…` for TLS).
    public func createDatabase() throws -> String {
        lock.lock()
        databases += 1
        let name = "fieldroll_\(getpid())_\(databases)"
        lock.unlock()
        try psql("CREATE DATABASE \(name) OWNER fieldroll")
        return "postgres://fieldroll:\(password)@127.0.0.1:\(port)/\(name)"
    }

    /// Runs one SQL statement as the superuser.
    public func psql(_ sql: String, database: String = "postgres") throws {
        try run(
            binaries + "/psql",
            ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
    }

    init() throws {
        guard let bin = Self.findBinaries() else {
            throw Failure(
                "PostgreSQL's server programs are not installed (apt-get install postgresql); looked in /usr/lib/postgresql/*/bin")
        }
        binaries = bin
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        port = try Self.freePort()
        if getuid() == 0 { try run("/bin/chown", ["-R", "postgres:postgres", folder], asPostgres: false) }
        let data = folder + "/data"
        try run(binaries + "/initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        try makeCertificates()
        try start()
        try psql("CREATE ROLE fieldroll LOGIN PASSWORD '\(password)'")
    }

    /// A cluster of the caller's own, for a test that stops and starts it (the shared one
    /// serves every other test at once); ``destroy()`` removes it.
    public static func dedicated() throws -> ThrowawayPostgres { try ThrowawayPostgres() }

    /// Starts the cluster (again) on its port, waiting until it accepts connections.
    public func start() throws {
        try run(
            binaries + "/pg_ctl",
            [
                "-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "60", "-o",
                "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(folder) -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c ssl=on -c ssl_cert_file=\(folder)/server.crt -c ssl_key_file=\(folder)/server.key",
                "start",
            ])
    }

    /// Stops the cluster as an operator would (`pg_ctl stop -m fast`): open connections are
    /// closed, committed data stays on disk for the next ``start()``.
    public func stop() throws {
        try run(binaries + "/pg_ctl", ["-D", folder + "/data", "-m", "fast", "-w", "-t", "60", "stop"])
    }

    /// Freezes the cluster (SIGSTOP to the postmaster and every process it started): its port
    /// still accepts connections, its open connections stay open, and nothing answers — a
    /// database host that hangs or a link that silently drops packets. ``thaw()`` resumes it.
    public func freeze() throws { try signal(SIGSTOP) }

    /// Resumes a cluster ``freeze()`` stopped.
    public func thaw() throws { try signal(SIGCONT) }

    private func signal(_ sig: Int32) throws {
        let pidFile = (try? String(contentsOfFile: folder + "/data/postmaster.pid", encoding: .utf8)) ?? ""
        guard let first = pidFile.split(separator: "\n").first, let postmaster = Int32(first) else {
            throw Failure("the cluster in \(folder) is not running (no postmaster.pid)")
        }
        // The postmaster's children, from /proc: field 4 of /proc/PID/stat is the parent's pid.
        var pids: [Int32] = [postmaster]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == postmaster { pids.append(pid) }
        }
        for pid in pids { _ = kill(pid, sig) }
    }

    /// Stops a dedicated cluster at once and removes its folder.
    public func destroy() {
        try? run(binaries + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The certificate authority that signed the cluster's TLS certificate (for `sslrootcert`).
    public var certificateAuthority: String { folder + "/ca.pem" }

    /// A test CA and a server certificate it signed for 127.0.0.1 and localhost, so the cluster
    /// accepts TLS connections (and plain ones) and the tests can check certificate verification.
    func makeCertificates() throws {
        let openssl = "/usr/bin/openssl"
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(openssl, ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "3", "-subj", "/CN=FieldRoll test CA"])
        try run(openssl, ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: folder + "/san.ext", atomically: true, encoding: .utf8)
        if getuid() == 0 { try run("/bin/chown", ["postgres:postgres", folder + "/san.ext"], asPostgres: false) }
        try run(
            openssl,
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days",
                "3", "-extfile", "san.ext",
            ])
        try run("/bin/chmod", ["0600", folder + "/server.key"])
    }

    /// Stops the shared cluster (at process exit).
    static func stopShared() {
        guard case .success(let pg)? = instance else { return }
        try? pg.run(pg.binaries + "/pg_ctl", ["-D", pg.folder + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: pg.folder)
    }

    static func findBinaries() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let dir = "/usr/lib/postgresql/\(v)/bin"
            if FileManager.default.isExecutableFile(atPath: dir + "/initdb") { return dir }
        }
        return nil
    }

    /// A loopback port that nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure("cannot bind a loopback port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a program (as `postgres` when we are root), failing with what it printed.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, not with Foundation's `Process`:
    /// `pg_ctl start` leaves a daemon behind, and `Process` on Linux waits until every
    /// descendant has closed an inherited socket, so it would wait for the server to stop.
    func run(_ program: String, _ arguments: [String], asPostgres: Bool = true) throws {
        let user: [String] = asPostgres && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        let argv = user + ["/usr/bin/env", "-C", folder.isEmpty ? "/" : folder, program] + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-pg-\(UUID().uuidString).log").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        defer { for a in cArguments { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw Failure("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let printed = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure("\(URL(fileURLWithPath: program).lastPathComponent) failed (status \(status)): \(printed.suffix(800))")
        }
    }

    /// Why the cluster could not be made or used.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

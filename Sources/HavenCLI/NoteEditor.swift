import CProcessControl
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Opens the worker's own editor on notes without the notes ever touching a disk: the file lives
/// in a private directory (0700, file 0600, random names) on a memory-backed filesystem, and is
/// overwritten and removed with everything the editor left beside it (swap, backup and lock
/// files) as soon as the editor exits. A disk-backed directory is used only when the worker
/// says so (`--allow-disk-temp`), with a warning. What an editor may still write elsewhere (its
/// own history or undo files) is in SECURITY.md, with settings that stop it.
enum NoteEditor {
  /// Directories an edit may happen in, made under a memory-backed root. The name carries the
  /// process id so that a later haven can tell a directory left by a killed process from one in use.
  static let directoryPrefix = "haven-edit-"

  /// Where to look for a memory-backed root: `HAVEN_EDIT_DIRS` (colon-separated, for a machine
  /// whose tmpfs is mounted elsewhere), else `$XDG_RUNTIME_DIR` then `/dev/shm`.
  static var candidateRoots: [String] {
    let environment = ProcessInfo.processInfo.environment
    if let configured = environment["HAVEN_EDIT_DIRS"], !configured.isEmpty {
      return configured.split(separator: ":").map(String.init)
    }
    return [environment["XDG_RUNTIME_DIR"], "/dev/shm"].compactMap { $0 }.filter { !$0.isEmpty }
  }

  /// Lets the worker edit `initial` and returns what they saved (trailing newlines trimmed).
  /// Nothing is returned for an editor that failed or a text left empty: the caller records nothing.
  static func edit(_ initial: String, what: String, allowDiskTemp: Bool) throws -> String {
    removeStale(under: [NSTemporaryDirectory()])
    let directory = try makePrivateDirectory(allowDiskTemp: allowDiskTemp)
    defer { wipe(directory: directory) }
    let file = directory + "/notes-\(randomName()).txt"
    try write(initial, to: file)
    let status = try runEditor(on: file)
    guard status == 0 else {
      throw CommandLineFailure(
        message: "the editor exited with status \(status); nothing was recorded",
        hint: "set VISUAL or EDITOR to an editor that exits with 0 on save", exitCode: HavenExitCode.dataError)
    }
    let text = try read(file)
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw CommandLineFailure(
        message: "the \(what) were left empty; nothing was recorded", hint: nil, exitCode: HavenExitCode.dataError)
    }
    return text.trimmingCharacters(in: .newlines)
  }

  // MARK: - The private directory

  static func isMemoryBacked(_ path: String) -> Bool { haven_is_memory_backed(path) == 1 }

  private static func makePrivateDirectory(allowDiskTemp: Bool) throws -> String {
    let memoryBacked = candidateRoots.filter { access($0, W_OK | X_OK) == 0 && isMemoryBacked($0) }
    let root: String
    if let first = memoryBacked.first {
      root = first
    } else if allowDiskTemp {
      root = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
      Console.note(
        "haven: warning: no memory-backed directory (\(candidateRoots.joined(separator: ", "))); the notes are edited in "
          + "\(root) on disk, where a deleted file's blocks can outlive it")
    } else {
      throw CommandLineFailure(
        message:
          "no memory-backed directory to edit notes in (tried \(candidateRoots.joined(separator: ", "))); nothing was recorded",
        hint: "use --notes - to type or pipe them in, or --allow-disk-temp to accept a file on disk",
        exitCode: HavenExitCode.ioError)
    }
    let directory = root + "/" + directoryPrefix + "\(getpid())-" + randomName()
    guard mkdir(directory, 0o700) == 0 else {
      throw CommandLineFailure(
        message: "cannot make a private directory in \(root): \(String(cString: strerror(errno)))", hint: nil,
        exitCode: HavenExitCode.cannotCreate)
    }
    return directory
  }

  private static func randomName() -> String {
    var generator = SystemRandomNumberGenerator()
    return String(generator.next() as UInt64, radix: 36)
  }

  private static func write(_ text: String, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw CommandLineFailure(message: "cannot create the notes file", hint: nil, exitCode: HavenExitCode.cannotCreate)
    }
    defer { close(descriptor) }
    let bytes = Array((text.isEmpty ? "" : text + "\n").utf8)
    guard bytes.withUnsafeBytes({ Glibc.write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
      throw CommandLineFailure(message: "cannot write the notes file", hint: nil, exitCode: HavenExitCode.ioError)
    }
  }

  private static func read(_ path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw CommandLineFailure(
        message: "the editor removed the notes file; nothing was recorded", hint: nil, exitCode: HavenExitCode.dataError)
    }
    defer { try? handle.close() }
    return try NotesInput.text(
      (try? handle.read(upToCount: NotesInput.byteLimit + 1)) ?? Data(), what: "notes", source: "in the editor")
  }

  // MARK: - The editor

  /// `$VISUAL`, else `$EDITOR` (either may carry options: `vim -n`), else `nano`, else `vi`.
  static func editorCommand() -> String? {
    let environment = ProcessInfo.processInfo.environment
    for name in ["VISUAL", "EDITOR"] {
      if let command = environment[name], !command.trimmingCharacters(in: .whitespaces).isEmpty { return command }
    }
    let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for editor in ["nano", "vi"] where path.contains(where: { access("\($0)/\(editor)", X_OK) == 0 }) { return editor }
    return nil
  }

  /// Runs the editor on the terminal haven was started from and waits for it. Ctrl-C belongs to
  /// the editor meanwhile: haven ignores it, so it is always here to wipe the file afterwards.
  private static func runEditor(on file: String) throws -> Int32 {
    guard let command = editorCommand() else {
      throw CommandLineFailure(
        message: "no editor found (VISUAL and EDITOR are unset, and neither nano nor vi is installed); nothing was recorded",
        hint: "set EDITOR, or use --notes - to type or pipe the notes in", exitCode: HavenExitCode.notFound)
    }
    let arguments = ["/bin/sh", "-c", command + " \"$1\"", "haven-editor", file]
    var argv = arguments.map { strdup($0) }
    argv.append(nil)
    defer { for pointer in argv { free(pointer) } }
    let previousInterrupt = signal(SIGINT, SIG_IGN)
    let previousQuit = signal(SIGQUIT, SIG_IGN)
    defer {
      signal(SIGINT, previousInterrupt)
      signal(SIGQUIT, previousQuit)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // The editor gets the default dispositions back, so Ctrl-C still reaches it.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGQUIT)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
    var child: pid_t = 0
    let spawned = posix_spawn(&child, "/bin/sh", nil, &attributes, argv, environ)
    guard spawned == 0 else {
      throw CommandLineFailure(
        message: "cannot start the editor: \(String(cString: strerror(spawned))); nothing was recorded", hint: nil,
        exitCode: HavenExitCode.ioError)
    }
    var status: Int32 = 0
    while waitpid(child, &status, 0) == -1 && errno == EINTR {}
    let exited = status & 0x7F == 0
    return exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  }

  // MARK: - Wiping

  /// Overwrites every file in `directory` with zeros, removes it, then removes the directory.
  static func wipe(directory: String) {
    if let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
      for name in names {
        let path = directory + "/" + name
        var info = stat()
        guard lstat(path, &info) == 0 else { continue }
        if info.st_mode & S_IFMT == S_IFDIR {
          wipe(directory: path)
          continue
        }
        if info.st_mode & S_IFMT == S_IFREG { overwrite(path, size: Int(info.st_size)) }
        unlink(path)
      }
    }
    rmdir(directory)
  }

  private static func overwrite(_ path: String, size: Int) {
    let descriptor = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    let zeros = [UInt8](repeating: 0, count: 64 * 1024)
    var left = size
    while left > 0 {
      let written = zeros.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, min(left, $0.count)) }
      guard written > 0 else { break }
      left -= written
    }
    fsync(descriptor)
  }

  /// Wipes edit directories of this user left by a haven that was killed mid-edit (its process
  /// is gone). The memory-backed roots are swept at every start, so the worst case is notes in
  /// memory until the next command; the disk temporary directory (large, and used only with
  /// `--allow-disk-temp`) only before the next edit.
  static func removeStale(under roots: [String] = candidateRoots) {
    for root in roots {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { continue }
      for name in names where name.hasPrefix(directoryPrefix) {
        let path = (root.hasSuffix("/") ? root : root + "/") + name
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
          let pid = Int32(name.dropFirst(directoryPrefix.count).prefix { $0 != "-" }),
          kill(pid, 0) == -1, errno == ESRCH
        else { continue }
        wipe(directory: path)
      }
    }
  }
}

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, item 2: notes without plaintext on disk. Every flow runs the real binary in a real
/// pseudo-terminal (tmux) with a scripted `$EDITOR` that behaves like vim: it writes the note,
/// leaves a swap file and a backup beside it, and can fail, empty the file or hang.
@Suite("Notes in an editor, kept in memory")
struct NoteEditorTests {
  /// A partnership with one survivor, a scripted editor and a private memory-backed edit root.
  final class Setup {
    let fixture: PartnershipFixture
    let reference: String
    let editRoot: String
    let editor: String
    var cli: CLIFixture { fixture.cli }

    init() throws {
      fixture = try PartnershipFixture()
      reference = try fixture.addSurvivor("Testperson Editor")
      editRoot = "/dev/shm/haven-test-\(UUID().uuidString.prefix(8))"
      try FileManager.default.createDirectory(atPath: editRoot, withIntermediateDirectories: false)
      editor = fixture.cli.root.appendingPathComponent("scripted-editor").path
      // Appends $NOTE_TEXT (or empties the file), leaves vim-like swap and backup files holding
      // the text, records only the file's directory (never its content), then exits $EDITOR_STATUS
      // after $EDITOR_SLEEP seconds.
      try """
      #!/bin/sh
      file="$1"
      dirname "$file" > "$EDITOR_LOG"
      wc -c < "$file" >> "$EDITOR_LOG"
      if [ "$NOTE_TEXT" = "EMPTY" ]; then : > "$file"; else printf '%s\\n' "$NOTE_TEXT" >> "$file"; fi
      cp "$file" "$(dirname "$file")/.$(basename "$file").swp"
      cp "$file" "$file~"
      sleep "${EDITOR_SLEEP:-0}"
      exit "${EDITOR_STATUS:-0}"
      """.write(toFile: editor, atomically: true, encoding: .utf8)
      chmod(editor, 0o700)
    }

    deinit { try? FileManager.default.removeItem(atPath: editRoot) }

    var editorLog: String { cli.root.appendingPathComponent("editor.log").path }

    /// Runs haven as wendy in a terminal with the scripted editor.
    func terminal(_ arguments: [String], note: String, environment: [String: String] = [:]) throws -> TmuxTerminal {
      try TmuxTerminal(
        [HavenProcess.binary.path] + arguments + ["--user", "wendy", "--passphrase-file", cli.workerFile],
        environment: [
          "PATH": "/usr/bin:/bin", "HOME": cli.root.path, "TERM": "xterm-256color", "HAVEN_VAULT": cli.vault,
          "EDITOR": editor, "NOTE_TEXT": note, "EDITOR_LOG": editorLog, "HAVEN_EDIT_DIRS": editRoot,
          "SWIFT_BACKTRACE": "enable=no",
        ].merging(environment) { $1 }, directory: cli.root.path)
    }

    func sessions() throws -> [[String: Any]] {
      let listed = try cli.asUser("wendy", ["session", "list", reference, "--json"])
      return try #require(try cli.json(listed) as? [[String: Any]])
    }

    /// Every file under `paths` (recursively) that contains `text`.
    static func filesContaining(_ text: String, under paths: [String]) -> [String] {
      var found: [String] = []
      for root in paths {
        guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
        while let relative = walker.nextObject() as? String {
          let path = root + "/" + relative
          if let data = FileManager.default.contents(atPath: path), data.range(of: Data(text.utf8)) != nil {
            found.append(path)
          }
        }
      }
      return found
    }

    /// The test's own files (vault, WAL, home) and every memory-backed file of the machine.
    var scanned: [String] { [editRoot, cli.root.path, "/dev/shm"] }
  }

  static let record = [
    "session", "record", "--date", "2026-11-30", "--minutes", "50", "--kind", "one-to-one",
    "--attendance", "attended",
  ]

  @Test("session record --edit: the note is written in the editor in memory, stored, and nothing of it is left on any disk")
  func recordWithEditor() throws {
    let setup = try Setup()
    let note = "Canary-Editor-Note-\(UUID().uuidString.prefix(6)) talked about school"
    let terminal = try setup.terminal(Self.record + [setup.reference, "--edit"], note: note)
    let (status, screen) = try terminal.waitForExit()
    #expect(status == 0, "\(screen)")
    let log = try String(contentsOfFile: setup.editorLog, encoding: .utf8).split(separator: "\n")
    let directory = String(log.first ?? "")
    #expect(directory.hasPrefix(setup.editRoot + "/haven-edit-"), "edited in the memory-backed root")
    #expect(!FileManager.default.fileExists(atPath: directory), "the directory, swap and backup files are gone")
    #expect(try setup.sessions().first?["notes"] as? String == note)
    #expect(Setup.filesContaining(note, under: setup.scanned).isEmpty, "no file on disk or in /dev/shm holds the note")
  }

  @Test("session edit ID and survivor notes REF open the current text and save the change; each is audited")
  func editExisting() throws {
    let setup = try Setup()
    let first = "Canary-First-\(UUID().uuidString.prefix(6))"
    var terminal = try setup.terminal(Self.record + [setup.reference, "--edit"], note: first)
    #expect(try terminal.waitForExit().status == 0)
    let id = try #require(try setup.sessions().first?["id"] as? Int)

    let second = "Canary-Second-\(UUID().uuidString.prefix(6))"
    terminal = try setup.terminal(["session", "edit", String(id)], note: second)
    let edited = try terminal.waitForExit()
    #expect(edited.status == 0, "\(edited.screen)")
    #expect(edited.screen.contains("Updated the notes of session \(id)."))
    let log = try String(contentsOfFile: setup.editorLog, encoding: .utf8).split(separator: "\n")
    #expect(Int(log.last?.trimmingCharacters(in: .whitespaces) ?? "") == first.utf8.count + 1, "opened on the current notes")
    #expect(try setup.sessions().first?["notes"] as? String == first + "\n" + second)

    let survivorNote = "Canary-Survivor-\(UUID().uuidString.prefix(6))"
    terminal = try setup.terminal(["survivor", "notes", setup.reference], note: survivorNote)
    #expect(try terminal.waitForExit().status == 0)
    let file = try setup.cli.json(try setup.cli.asUser("wendy", ["survivor", "show", setup.reference, "--json"]))
    #expect((file as? [String: Any])?["notes"] as? String == survivorNote)

    let audit = try setup.cli.asAdmin(["audit", "log", "--action", "session.update", "--json"])
    #expect(audit.stdout.contains("support_session:\(id)"))
    #expect(Setup.filesContaining(second, under: setup.scanned).isEmpty)
    #expect(Setup.filesContaining(survivorNote, under: setup.scanned).isEmpty)
  }

  @Test("an editor that fails or leaves the notes empty records nothing, and says so (65)")
  func failedOrEmpty() throws {
    let setup = try Setup()
    var terminal = try setup.terminal(
      Self.record + [setup.reference, "--edit"], note: "Canary-Failed", environment: ["EDITOR_STATUS": "3"])
    var ended = try terminal.waitForExit()
    #expect(ended.status == 65)
    #expect(ended.screen.contains("the editor exited with status 3; nothing was recorded"))
    terminal = try setup.terminal(Self.record + [setup.reference, "--edit"], note: "EMPTY")
    ended = try terminal.waitForExit()
    #expect(ended.status == 65)
    #expect(ended.screen.contains("were left empty; nothing was recorded"))
    #expect(try setup.sessions().isEmpty)
    #expect(Setup.filesContaining("Canary-Failed", under: setup.scanned).isEmpty, "wiped after a failed editor too")
  }

  @Test("no memory-backed directory: refused (74) unless --allow-disk-temp, which warns and still wipes the file")
  func noMemoryBackedDirectory() throws {
    let setup = try Setup()
    let disk = setup.cli.root.appendingPathComponent("disk-temp").path
    try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
    var terminal = try setup.terminal(
      Self.record + [setup.reference, "--edit"], note: "Canary-Disk", environment: ["HAVEN_EDIT_DIRS": disk, "TMPDIR": disk])
    var ended = try terminal.waitForExit()
    #expect(ended.status == 74)
    #expect(ended.screen.contains("no memory-backed directory"))
    #expect(!FileManager.default.fileExists(atPath: setup.editorLog), "the editor never started")

    terminal = try setup.terminal(
      Self.record + [setup.reference, "--edit", "--allow-disk-temp"], note: "Canary-Disk",
      environment: ["HAVEN_EDIT_DIRS": disk, "TMPDIR": disk])
    ended = try terminal.waitForExit()
    #expect(ended.status == 0, "\(ended.screen)")
    #expect(ended.screen.contains("warning: no memory-backed directory"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: disk).isEmpty)
  }

  @Test("haven killed mid-edit: its directory stays in memory until the next haven command, which wipes it")
  func killedMidEdit() throws {
    let setup = try Setup()
    let note = "Canary-Killed-\(UUID().uuidString.prefix(6))"
    let terminal = try setup.terminal(
      Self.record + [setup.reference, "--edit"], note: note, environment: ["EDITOR_SLEEP": "30"])
    var left: [String] = []
    for _ in 0..<200 where left.isEmpty {
      Thread.sleep(forTimeInterval: 0.05)
      if (try? String(contentsOfFile: setup.editorLog, encoding: .utf8))?.contains("\n") == true {
        left = Setup.filesContaining(note, under: [setup.editRoot])
      }
    }
    let directory = try #require(try FileManager.default.contentsOfDirectory(atPath: setup.editRoot).first)
    let pid = try #require(Int32(directory.dropFirst("haven-edit-".count).prefix { $0 != "-" }))
    #expect(kill(pid, SIGKILL) == 0)
    Thread.sleep(forTimeInterval: 0.3)
    #expect(!left.isEmpty, "what a SIGKILL leaves: the note, its swap and backup, in memory only")
    _ = terminal
    let next = try setup.cli.run(
      ["status", "--user", "wendy", "--passphrase-file", setup.cli.workerFile], environment: ["HAVEN_EDIT_DIRS": setup.editRoot])
    #expect(next.status == 0)
    #expect(Setup.filesContaining(note, under: setup.scanned).isEmpty, "the next command wiped it")
    #expect(try setup.sessions().isEmpty)
  }

  @Test("--notes - reads standard input; notes on the command line are refused (64)")
  func standardInput() throws {
    let setup = try Setup()
    let cli = setup.cli
    let note = "Canary-Stdin-\(UUID().uuidString.prefix(6))"
    let piped = try cli.run(
      Self.record + [setup.reference, "--notes", "-", "--user", "wendy", "--passphrase-file", cli.workerFile],
      standardInput: note + "\n")
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(try setup.sessions().first?["notes"] as? String == note)
    let argv = try cli.asUser("wendy", Self.record + [setup.reference, "--notes", "typed on the command line"])
    #expect(argv.status == 64)
    #expect(argv.stderr.contains("notes never come from the command line"))
    let empty = try cli.run(
      Self.record + [setup.reference, "--notes", "-", "--user", "wendy", "--passphrase-file", cli.workerFile],
      standardInput: "\n")
    #expect(empty.status == 65)
    #expect(try setup.sessions().count == 1)
  }
}

import Foundation
import HavenCrypto
import HavenExport
import HavenImport
@_spi(Fuzzing) import HavenVault

/// libFuzzer entry points for the parsers that read untrusted bytes: the CSV import, the export
/// opener, the key-file reader, the recovery-key / identity text reader, the field envelope and
/// the signed directory's entries and rules.
/// One binary, the target chosen by `HAVEN_FUZZ_TARGET` (scripts/fuzz.sh builds and runs it).
/// Every input must end in a value or a clear error: a crash or a hang is a bug.
enum FuzzTarget: String {
  case csv, export, keyfile, identity, envelope, directory

  static let current = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["HAVEN_FUZZ_TARGET"] ?? "") ?? .envelope
}

/// Keys made once per run; none of them protects anything.
enum FuzzKeys {
  nonisolated(unsafe) static let identity = made { try RecipientIdentity.generate() }
  nonisolated(unsafe) static let fieldKey = made { try SecretKey<RecordKeyPurpose>.random() }

  /// A fuzz run without its keys cannot start: stop with a plain message.
  static func made<T: ~Copyable>(_ make: () throws -> T) -> T {
    do { return try make() } catch { fatalError("the fuzz target's keys could not be made: \(error)") }
  }
  static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-fuzz-\(getpid()).csv").path
}

@_cdecl("LLVMFuzzerTestOneInput")
public func havenFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  switch FuzzTarget.current {
  case .csv:
    FileManager.default.createFile(atPath: FuzzKeys.scratch, contents: Data(bytes))
    for kind in ImportKind.allCases { _ = try? ImportFileParser.parse(path: FuzzKeys.scratch, kind: kind) }
  case .export:
    _ = try? ExportOpener.open(bytes, identity: FuzzKeys.identity, trustedSigners: nil)
    if bytes.count > 64 {
      _ = try? ExportOpener.verifySignature(manifestJSON: Array(bytes.dropFirst(64)), signature: Array(bytes.prefix(64)))
    }
    _ = try? BackupFile.header(bytes)
  case .keyfile:
    _ = try? KeyFileInspection.check(bytes, user: "fuzz")
  case .identity:
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { return 0 }
    _ = bytes.prefix(4096).withUnsafeBytes { write(pipe[1], $0.baseAddress, $0.count) }
    close(pipe[1])
    _ = try? RecipientIdentity.read(fromFileDescriptor: pipe[0])
    close(pipe[0])
  case .envelope:
    _ = try? FieldEnvelope.open(bytes, key: FuzzKeys.fieldKey, context: [1, 2, 3])
  case .directory:
    DirectoryInspection.replay(bytes)
    _ = AssociatedData.decode(bytes)
  }
  return 0
}

import HavenVault

/// What a benchmark's setup hands its measured closure (both run in the benchmark's own process,
/// one after the other, never at once).
final class SetupState<Value>: @unchecked Sendable {
  var value: Value?

  func get() throws -> Value {
    guard let value else { throw BenchmarkSetupError("setup did not run") }
    return value
  }
}

/// A benchmark's private copy of a prepared vault and one user's session on it, made in setup
/// and removed in teardown (every audited read writes to the vault it reads).
final class WorkingSession: @unchecked Sendable {
  private(set) var path: String?
  private var session: VaultSession?

  func open(copyOf prepared: String, as user: String) throws {
    let copy = try PreparedVaults.workingCopy(of: prepared)
    path = copy
    session = try BenchmarkVault.unlock(copy, user)
  }

  func get() throws -> VaultSession {
    guard let session else { throw BenchmarkSetupError("setup did not run") }
    return session
  }

  func close() {
    session = nil
    if let path { PreparedVaults.remove(path) }
  }
}

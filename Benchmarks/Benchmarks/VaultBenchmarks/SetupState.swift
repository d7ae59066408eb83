/// What a benchmark's setup hands its measured closure (both run in the benchmark's own process,
/// one after the other, never at once).
final class SetupState<Value>: @unchecked Sendable {
  var value: Value?

  func get() throws -> Value {
    guard let value else { throw BenchmarkSetupError("setup did not run") }
    return value
  }
}

/// Carries a non-copyable value (a key) out of a closure that can only return copyable values,
/// such as a GRDB transaction. The value is handed over only if the transaction committed.
final class Handoff<Value: ~Copyable> {
  var value: Value?

  func take() throws(VaultError) -> Value {
    guard let value = value.take() else { throw .storageFailure("a key was not produced by its transaction") }
    return value
  }
}

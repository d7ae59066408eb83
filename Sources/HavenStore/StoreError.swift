/// A storage failure in terms the vault can act on, whichever store raised it. Messages carry the
/// store's own explanation but never a bound value.
public enum StoreError: Error, Equatable, Sendable {
  /// Another writer holds the store past the bounded wait.
  case busy
  /// The file or database is damaged, or is not a vault's.
  case corrupt(String)
  case diskFull(String)
  case ioFailure(String)
  /// The store refused the operation (read-only file, read-only replica, missing grant).
  case notPermitted(String)
  /// A constraint, trigger or SQL error: the vault's own statement was refused.
  case refused(String)
  /// Connection settings that are refused before connecting (not a postgres:// URI, a password
  /// in it, a weaker sslmode without being asked for).
  case invalidSettings(String)
  /// The server could not be reached, refused the credentials, or failed TLS verification.
  case connection(String)
  /// The connection dropped mid-transaction: nothing of the transaction was committed.
  case connectionLost(String)
}

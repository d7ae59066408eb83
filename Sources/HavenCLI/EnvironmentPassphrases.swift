import HavenCrypto

/// `HAVEN_PASSPHRASE` and `HAVEN_NEW_PASSPHRASE`, taken out of the environment at start-up
/// (before anything else reads the environment), held in guarded memory until a command asks
/// for them once. A variable that held an unusable passphrase is remembered as that error.
enum EnvironmentPassphrases {
  nonisolated(unsafe) private static var held: [String: Result<HeldPassphrase, CryptoError>] = [:]

  static let names = ["HAVEN_PASSPHRASE", "HAVEN_NEW_PASSPHRASE"]

  static func capture() {
    for name in names {
      do {
        if let passphrase = try Passphrase.takeFromEnvironment(name) { held[name] = .success(HeldPassphrase(passphrase)) }
      } catch {
        held[name] = .failure(error)
      }
    }
  }

  /// The passphrase the variable held, once; nil if it was not set.
  static func take(_ name: String) throws(CryptoError) -> Passphrase? {
    guard let entry = held.removeValue(forKey: name) else { return nil }
    switch entry {
    case .success(let box): return box.take()
    case .failure(let error): throw error
    }
  }
}

/// A passphrase parked in a reference so it can sit in a dictionary until taken.
final class HeldPassphrase {
  private var passphrase: Passphrase?
  init(_ passphrase: consuming Passphrase) { self.passphrase = .some(passphrase) }
  func take() -> Passphrase? { passphrase.take() }
}

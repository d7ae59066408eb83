import CSodium

/// libsodium must be initialised exactly once before any other call; `sodium_malloc` before
/// `sodium_init` aborts the process. Every entry point of this module calls `ensureInitialized()`.
public enum SodiumRuntime {
  private static let initialization: Bool = sodium_init() >= 0

  /// Initialises libsodium on first use (Swift runs a static `let` initialiser once, thread-safely).
  /// A library that cannot initialise its random source must not hand out keys, so this traps.
  public static func ensureInitialized() {
    precondition(initialization, "libsodium could not be initialised (no usable random source)")
  }
}

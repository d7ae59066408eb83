import CSodium

/// Public random values (salts, identifiers). Secrets come from `SecretKey.random()` instead,
/// which never passes through an array.
public enum Random {
  public static func bytes(_ count: Int) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    var output = [UInt8](repeating: 0, count: count)
    randombytes_buf(&output, count)
    return output
  }
}

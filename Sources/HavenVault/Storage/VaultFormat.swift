/// The vault's on-disk format version. Raised whenever a migration changes what an older haven
/// would misread; a vault whose version is higher than this is refused, never guessed at.
public enum VaultFormat {
  public static let currentVersion = 14
}

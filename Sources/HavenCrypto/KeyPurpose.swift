/// Marks what a secret key is for. Each purpose is its own type, so `SecretKey<RecordKeyPurpose>`
/// and `SecretKey<AuditKeyPurpose>` are different types and the compiler refuses to pass one where
/// the other is expected.
public protocol KeyPurpose {
  /// How many bytes a key of this purpose holds.
  static var byteCount: Int { get }
  /// A short name used in error messages (never the key itself).
  static var displayName: String { get }
}

/// Purposes whose keys may be used directly with XChaCha20-Poly1305.
public protocol AEADKeyPurpose: KeyPurpose {}
/// Purposes whose keys may key BLAKE2b (blind indexes, pseudonyms).
public protocol KeyedHashPurpose: KeyPurpose {}
/// Purposes whose keys may be derived from a passphrase with Argon2id.
public protocol PassphraseDerivedPurpose: AEADKeyPurpose {}
/// Purposes whose keys may be the root of `crypto_kdf` subkey derivation.
public protocol KeyDerivationRootPurpose: KeyPurpose {}

/// A team's secret for one key version: the root from which its wrapping and blind-index keys come.
public enum TeamKeyPurpose: KeyDerivationRootPurpose {
  public static let byteCount = 32
  public static let displayName = "team key"
}
/// Wraps (encrypts) per-record data keys; derived from a team key.
public enum RecordWrappingKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "record-wrapping key"
}
/// A per-record data key: every sensitive field of one record is encrypted under it.
public enum RecordKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "record key"
}
/// Root of a team's blind-index keys; derived from the team's first key version.
public enum BlindIndexRootPurpose: KeyDerivationRootPurpose {
  public static let byteCount = 32
  public static let displayName = "blind-index root key"
}
/// Keys one blind index (one field of one team).
public enum BlindIndexKeyPurpose: KeyedHashPurpose {
  public static let byteCount = 32
  public static let displayName = "blind-index key"
}
/// Seals a team's caseload index (what is due for each of its cases); derived from a team key
/// version, so only members read it and a rotation leaves a removed member's copy behind.
public enum CaseloadKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "caseload key"
}
/// Per-record key for statistical fields, agreed with the statistics public key (see FORMAT.md).
public enum StatisticsFieldKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "statistics field key"
}
/// Wraps each survivor's statistics key a second time, for the `reporting` role: derived from
/// the statistics secret, so only its holders (reporting users, the recovery key) can make or
/// open such a wrap, and a report opens a stored key instead of an X25519 agreement per survivor.
public enum StatisticsKeyWrapPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "statistics key-wrap key"
}
/// Keys pseudonymous references in audit entries and exports.
public enum PseudonymKeyPurpose: KeyedHashPurpose {
  public static let byteCount = 32
  public static let displayName = "pseudonym key"
}
/// Gives each statistical record its cell-key record key (the Cell Key Method's per-record
/// random number), so a report's noise is the same every time the same people are counted.
public enum CellKeyPurpose: KeyedHashPurpose {
  public static let byteCount = 32
  public static let displayName = "cell key"
}
/// Derived from a user's passphrase with Argon2id; opens that user's key file only.
public enum KeyFileKeyPurpose: PassphraseDerivedPurpose {
  public static let byteCount = 32
  public static let displayName = "key-file key"
}
/// The secret half of an X25519 key pair (users, the recovery key, the statistics and audit keys).
public enum BoxSecretKeyPurpose: KeyPurpose {
  public static let byteCount = 32
  public static let displayName = "X25519 secret key"
}
/// The 32-byte seed of an Ed25519 signing key.
public enum SigningSeedPurpose: KeyPurpose {
  public static let byteCount = 32
  public static let displayName = "Ed25519 seed"
}
/// The expanded 64-byte Ed25519 secret key libsodium signs with.
public enum SigningSecretKeyPurpose: KeyPurpose {
  public static let byteCount = 64
  public static let displayName = "Ed25519 secret key"
}
/// Test-vector keys: lets known-answer tests drive the primitives with published keys.
public enum TestVectorKeyPurpose: AEADKeyPurpose, KeyedHashPurpose, KeyDerivationRootPurpose {
  public static let byteCount = 32
  public static let displayName = "test-vector key"
}
/// 64-byte test-vector keys (the BLAKE2 reference keyed vectors use a 64-byte key).
public enum LongTestVectorKeyPurpose: KeyedHashPurpose {
  public static let byteCount = 64
  public static let displayName = "test-vector key"
}
/// The audit log's key: keys pseudonymous references in audit entries, so an auditor holding it
/// can ask "who opened this record" while the raw file shows only opaque values.
public enum AuditKeyPurpose: KeyDerivationRootPurpose {
  public static let byteCount = 32
  public static let displayName = "audit key"
}

public typealias TeamKey = SecretKey<TeamKeyPurpose>
public typealias RecordKey = SecretKey<RecordKeyPurpose>
public typealias RecordWrappingKey = SecretKey<RecordWrappingKeyPurpose>
public typealias AuditKey = SecretKey<AuditKeyPurpose>
public typealias BlindIndexKey = SecretKey<BlindIndexKeyPurpose>
/// Encrypts the reasons users give for an access, for auditors; derived from the audit key.
public enum AuditReasonKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "audit reason key"
}
/// Encrypts one export file to its recipient; agreed per file with the recipient's public key.
public enum ExportFileKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "export file key"
}
/// Encrypts every backup of one generation; kept only in the backup keyring, so destroying it
/// makes those backups unreadable wherever they were copied.
public enum BackupGenerationKeyPurpose: AEADKeyPurpose {
  public static let byteCount = 32
  public static let displayName = "backup generation key"
}

import Foundation
import Testing

/// Keys/ is committed to the repository and must hold public keys and custody notes only.
@Suite("Keys/ holds no secret key material")
struct KeysDirectoryTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Markers of every secret format Haven writes, plus the common PEM/OpenSSH/age ones.
  static let secretMarkers = [
    "HAVENKEY", "HAVEN-RECOVERY-", "HAVEN-IDENTITY-", "PRIVATE KEY", "AGE-SECRET-KEY-", "OPENSSH PRIVATE", "secret_key",
    "secretKey",
  ]

  @Test("no file under Keys/ contains a secret-key marker or a bare 64-byte hex secret")
  func noSecrets() throws {
    let keys = Self.repositoryRoot.appendingPathComponent("Keys")
    let files = try #require(FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
    #expect(!files.isEmpty, "Keys/ should at least hold its README")
    for file in files where !file.hasDirectoryPath {
      let data = try Data(contentsOf: file)
      let text = String(decoding: data, as: UTF8.self)
      let isReadme = file.lastPathComponent.lowercased().hasPrefix("readme")
      for marker in Self.secretMarkers where !isReadme {
        #expect(!text.contains(marker), "\(file.lastPathComponent) contains \(marker)")
      }
      // An Ed25519 secret key is 64 bytes: 128 hex digits in a row never belong in Keys/.
      #expect(
        text.range(of: "[0-9a-fA-F]{128}", options: .regularExpression) == nil,
        "\(file.lastPathComponent) holds a 64-byte hex value")
      #expect(!data.starts(with: Array("HAVENKEY".utf8)), "\(file.lastPathComponent) is a Haven key file")
    }
  }
}

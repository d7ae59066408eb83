import Foundation

/// C2SP signed notes (`signed-note`), as used by `tlog-checkpoint`: a text, a blank line, and one
/// line per signature: "— NAME base64(key id (4) || Ed25519 signature (64))". The key id of an
/// Ed25519 key is the first 4 bytes of SHA-256(NAME || "\n" || 0x01 || public key). The signature
/// covers the text exactly, up to and including its final newline.
public struct SignedNote: Sendable, Equatable {
  public struct Signature: Sendable, Equatable {
    public let name: String
    public let keyID: [UInt8]
    public let signature: [UInt8]
  }

  public static let dash = "\u{2014}"
  public static let ed25519Type: UInt8 = 0x01

  /// The signed text, ending in "\n".
  public let text: String
  public let signatures: [Signature]

  public static func keyID(name: String, publicKey: SigningPublicKey) -> [UInt8] {
    Array(SHA256.hash(Array(name.utf8) + [0x0a, ed25519Type] + publicKey.bytes).prefix(4))
  }

  /// Signs `text` (which must end in a newline and contain no blank line) as `name`.
  public static func sign(text: String, name: String, with key: borrowing SigningKeyPair) throws(CryptoError) -> SignedNote {
    guard text.hasSuffix("\n"), !text.contains("\n\n"), isValidName(name) else {
      throw .malformedInput("a note text must end in a newline and have no blank line; a name has no spaces or '+'")
    }
    let signature = key.sign(Array(text.utf8))
    return SignedNote(
      text: text, signatures: [Signature(name: name, keyID: keyID(name: name, publicKey: key.publicKey), signature: signature)])
  }

  public var encoded: String {
    text + "\n"
      + signatures.map { "\(SignedNote.dash) \($0.name) \(Data($0.keyID + $0.signature).base64EncodedString())\n" }.joined()
  }

  /// Parses a note, refusing anything malformed (no blank line, bad signature lines, not UTF-8).
  public init(parsing encoded: String) throws(CryptoError) {
    guard let split = encoded.range(of: "\n\n") else {
      throw .malformedInput("a signed note needs a blank line before its signatures")
    }
    let text = String(encoded[..<split.lowerBound]) + "\n"
    let lines = encoded[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.last == "" else { throw .malformedInput("a signed note ends with a newline") }
    var signatures: [Signature] = []
    for line in lines.dropLast() {
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[0] == SignedNote.dash, SignedNote.isValidName(String(parts[1])),
        let blob = Data(base64Encoded: String(parts[2])), blob.count == 4 + SigningPublicKey.signatureByteCount
      else { throw .malformedInput("a signature line is malformed") }
      signatures.append(Signature(name: String(parts[1]), keyID: Array(blob.prefix(4)), signature: Array(blob.dropFirst(4))))
    }
    guard !signatures.isEmpty else { throw .malformedInput("a signed note has no signature") }
    self.init(text: text, signatures: signatures)
  }

  private init(text: String, signatures: [Signature]) {
    self.text = text
    self.signatures = signatures
  }

  /// Whether a signature by `name` with `publicKey` is present and valid.
  public func isSigned(by name: String, publicKey: SigningPublicKey) -> Bool {
    let id = SignedNote.keyID(name: name, publicKey: publicKey)
    return signatures.contains {
      $0.name == name && $0.keyID == id && publicKey.isValidSignature($0.signature, for: Array(text.utf8))
    }
  }

  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && !name.contains("+") && !name.unicodeScalars.contains { $0.properties.isWhitespace }
  }
}

/// A C2SP `tlog-checkpoint`: origin, tree size, base64 root hash, then extension lines.
public struct Checkpoint: Sendable, Equatable {
  public let origin: String
  public let size: Int
  public let root: MerkleTree.Hash
  public let extensions: [String]

  public init(origin: String, size: Int, root: MerkleTree.Hash, extensions: [String] = []) {
    self.origin = origin
    self.size = size
    self.root = root
    self.extensions = extensions
  }

  public var text: String {
    ([origin, String(size), Data(root).base64EncodedString()] + extensions).map { $0 + "\n" }.joined()
  }

  public init(parsing text: String) throws(CryptoError) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    guard lines.count >= 3, text.hasSuffix("\n"), !lines[0].isEmpty, let size = Int(lines[1]), size >= 0,
      String(size) == lines[1],
      let root = Data(base64Encoded: lines[2]), root.count == 32
    else { throw .malformedInput("not a tlog checkpoint (origin, size, base64 SHA-256 root)") }
    self.init(origin: lines[0], size: size, root: Array(root), extensions: Array(lines.dropFirst(3)))
  }
}

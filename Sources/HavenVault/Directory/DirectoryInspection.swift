/// The directory's decoder and rules, for the fuzzer (`Sources/HavenFuzz`): the input is a run
/// of entries, each `u32_be(length) || body || signature (64)`, replayed for the vault id
/// 000102...0f with signatures taken as checked, so that the rules themselves are exercised.
@_spi(Fuzzing) public enum DirectoryInspection {
  public static func replay(_ bytes: [UInt8]) {
    let vaultID = (0..<16).map { UInt8($0) }
    var state = DirectoryState(vaultID: vaultID)
    var index = 0
    while bytes.count - index >= 4 {
      let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      index += 4
      guard length <= bytes.count - index, bytes.count - index - length >= 64 else { return }
      let body = Array(bytes[index..<index + length])
      let signature = Array(bytes[index + length..<index + length + 64])
      index += length + 64
      guard let entry = DirectoryEntry.decode(body: body, signature: signature, vaultID: vaultID) else { continue }
      do { try state.apply(entry, signatureChecked: true) } catch { continue }
      _ = state.breakGlassHolderIDs
      _ = state.heldTeam(1, user: entry.author, at: state.length)
    }
  }
}

import HavenCrypto
import Testing

/// Keys of up to 64 bytes are slots of shared guarded regions (`SecureArena`): a bulk job can
/// hold more of them than `sodium_malloc` alone allows, and a slot is wiped before it is reused.
@Suite("Guarded memory: the arena of small keys")
struct SecureArenaTests {
  @Test("30,000 keys live at once (past the ~16,000 guarded allocations one process can map)")
  func manyLiveKeys() throws {
    var keys: [KeyBox] = []
    for _ in 0..<30_000 { keys.append(KeyBox(try SecretKey<TestVectorKeyPurpose>.random())) }
    // Every key kept its own bytes: no two slots overlap.
    var seen = Set<[UInt8]>()
    for box in keys { seen.insert(box.key.withUnsafeBytes { Array($0) }) }
    #expect(seen.count == keys.count)
  }

  @Test("a released slot is wiped: new buffers start zeroed, whatever they reuse")
  func releasedSlotsAreWiped() throws {
    for _ in 0..<2_000 {
      let secret = try SecureBytes.random(count: 32)
      #expect(secret.withUnsafeBytes { $0.contains { $0 != 0 } })
    }
    for size in [1, 16, 32, 64, 65, 200] {
      let fresh = try SecureBytes(count: size)
      #expect(fresh.count == size)
      #expect(fresh.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
    }
  }
}

/// Holds a noncopyable key in an array.
private final class KeyBox {
  let key: SecretKey<TestVectorKeyPurpose>
  init(_ key: consuming SecretKey<TestVectorKeyPurpose>) { self.key = key }
}

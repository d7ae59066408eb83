import CSodium

#if canImport(Glibc)
  import Glibc
#endif

/// Slots for small secrets (keys of up to 64 bytes) inside a few large guarded regions.
///
/// Every `sodium_malloc` maps its own pages with guard pages around them, locks them and unmaps
/// them on release: four system calls or more per key, which profiles showed to be a third of a
/// bulk import's time (a survivor needs four short-lived keys). Here one `sodium_malloc` region
/// holds 1,024 slots: the region has the guard pages, the canary and the memory lock, and every
/// slot is wiped with `sodium_memzero` when its key is released. What is given up is a guard page
/// between two keys of this process; nothing that is not a secret shares the region.
final class SecureArena: @unchecked Sendable {
  static let slotByteCount = 64
  static let slotsPerRegion = 1024
  static let shared = SecureArena()

  private var regions: [UnsafeMutableRawPointer] = []
  private var free: [UnsafeMutableRawPointer] = []
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  private init() {
    pthread_mutex_init(lock, nil)
  }

  /// A zeroed slot, or nil if no guarded region could be had (the caller falls back to its own
  /// `sodium_malloc`, which reports the failure).
  func allocate() -> UnsafeMutableRawPointer? {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    if free.isEmpty {
      let size = Self.slotByteCount * Self.slotsPerRegion
      guard let region = sodium_malloc(size) else { return nil }
      sodium_memzero(region, size)
      regions.append(region)
      free.reserveCapacity(free.count + Self.slotsPerRegion)
      for index in stride(from: Self.slotsPerRegion - 1, through: 0, by: -1) {
        free.append(region + index * Self.slotByteCount)
      }
    }
    return free.removeLast()
  }

  /// Wipes a slot and makes it available again.
  func release(_ slot: UnsafeMutableRawPointer) {
    sodium_memzero(slot, Self.slotByteCount)
    pthread_mutex_lock(lock)
    free.append(slot)
    pthread_mutex_unlock(lock)
  }
}

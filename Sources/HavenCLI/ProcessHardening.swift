#if canImport(Glibc)
  import Glibc
#endif

/// Keeps secrets in this process's memory from reaching the disk through a core dump: a crash
/// would otherwise write unwrapped keys and passphrases into a file anyone with the disk can read.
/// (Guarded pages from `sodium_malloc` are also excluded from dumps where the kernel allows.)
enum ProcessHardening {
  static func apply() {
    var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
    _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
  }
}

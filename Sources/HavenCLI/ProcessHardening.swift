import CProcessControl

#if canImport(Glibc)
  import Glibc
#endif

/// Keeps secrets in this process's memory out of reach: no core dump (a crash would otherwise
/// write unwrapped keys and passphrases into a file anyone with the disk can read), not
/// dumpable (so another process of the same user can neither ptrace it nor read its memory or
/// environment through /proc), and a passphrase given in the environment taken out of it at once.
/// (Guarded pages from `sodium_malloc` are also excluded from dumps where the kernel allows.)
enum ProcessHardening {
  static func apply() {
    var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
    _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
    _ = haven_set_not_dumpable()
    EnvironmentPassphrases.capture()
  }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Opens a file named on the command line for reading, with the documented "no such file" exit.
enum InputFile {
  static func withDescriptor<T: ~Copyable>(_ path: String, purpose: String, _ body: (Int32) throws -> T) throws -> T {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw CommandLineFailure(
        message: "cannot read \(purpose) \(path): \(String(cString: strerror(errno)))", hint: nil,
        exitCode: HavenExitCode.notFound)
    }
    defer { close(descriptor) }
    return try body(descriptor)
  }
}

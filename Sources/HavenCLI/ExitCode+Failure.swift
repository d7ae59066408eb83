import ArgumentParser
import HavenVault

/// The documented exit codes (docs/cli.md), in the sysexits style scripts already know.
enum HavenExitCode {
  static let ok: Int32 = 0
  static let usage: Int32 = 64
  static let dataError: Int32 = 65
  static let notFound: Int32 = 66
  static let unavailable: Int32 = 69
  static let internalError: Int32 = 70
  static let cannotCreate: Int32 = 73
  static let ioError: Int32 = 74
  static let temporaryFailure: Int32 = 75
  static let permissionDenied: Int32 = 77

  static func code(for category: FailureCategory) -> Int32 {
    switch category {
    case .usage: usage
    case .dataError: dataError
    case .notFound: notFound
    case .cannotCreate: cannotCreate
    case .temporary: temporaryFailure
    case .permissionDenied: permissionDenied
    case .internalError: internalError
    case .ioError: ioError
    case .unavailable: unavailable
    }
  }
}

/// Failures that belong to the command line itself (a missing option, an unreadable file).
struct CommandLineFailure: Error {
  let message: String
  let hint: String?
  let exitCode: Int32

  static func missing(_ what: String, hint: String) -> CommandLineFailure {
    CommandLineFailure(message: "no \(what) given", hint: hint, exitCode: HavenExitCode.usage)
  }
}

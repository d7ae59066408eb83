import CLibPQ
import Foundation

/// How a workstation reaches the server: a libpq connection URI (`postgres://user@host:port/db?...`),
/// parsed by libpq itself. The settings never hold a password: libpq reads it from a password
/// file (`passfile=` or `PGPASSFILE`, which libpq refuses to use unless it is 0600) or a client
/// certificate. TLS with the server's certificate checked against a named CA and host name
/// (`sslmode=verify-full`) is the default; anything weaker must be asked for by name.
public struct PostgresSettings: Sendable, Equatable {
  /// The URI as given (without a password), with `sslmode` made explicit.
  public let uri: String
  public let sslMode: String
  public let host: String
  public let database: String
  public let user: String

  /// Whether a plain (unencrypted or unverified) connection was allowed explicitly.
  public var isVerified: Bool { sslMode == "verify-full" }

  /// Parses and checks `uri`. `allowUnverified` permits an `sslmode` other than verify-full.
  public init(uri: String, allowUnverified: Bool = false) throws(StoreError) {
    guard uri.hasPrefix("postgres://") || uri.hasPrefix("postgresql://") else {
      throw .invalidSettings("a server store is named by a postgres:// URI")
    }
    var options = try Self.parse(uri)
    if let password = options["password"], !password.isEmpty {
      throw .invalidSettings(
        "the store URI holds a password: remove it and put it in a 0600 password file (passfile= in the URI, or PGPASSFILE)")
    }
    var text = uri
    if options["sslmode"] == nil || options["sslmode"] == "" {
      text += (uri.contains("?") ? "&" : "?") + "sslmode=verify-full"
      options["sslmode"] = "verify-full"
    }
    let mode = options["sslmode"] ?? "verify-full"
    if mode != "verify-full" && !allowUnverified {
      throw .invalidSettings(
        "sslmode=\(mode) does not verify the server: use sslmode=verify-full with sslrootcert=<the server's CA>, "
          + "or pass --insecure-plaintext to accept an unverified connection")
    }
    self.uri = text
    sslMode = mode
    host = options["host"] ?? ""
    database = options["dbname"] ?? ""
    user = options["user"] ?? ""
  }

  /// libpq's own reading of the URI, as keyword -> value.
  static func parse(_ uri: String) throws(StoreError) -> [String: String] {
    var error: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(uri, &error) else {
      let message = error.map { String(cString: $0) } ?? "not a connection URI"
      if let error { PQfreemem(error) }
      throw .invalidSettings("the store URI is not valid: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    defer { PQconninfoFree(options) }
    var parsed: [String: String] = [:]
    var option = options
    while let keyword = option.pointee.keyword {
      if let value = option.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
      option += 1
    }
    return parsed
  }
}

import CLibPQ
import Foundation

/// PostgreSQL's SQLSTATE codes in the store's terms. Only the server's primary message is kept:
/// its DETAIL line can quote a row's values.
enum PostgresErrors {
  static func storeError(sqlState: String, message: String) -> StoreError {
    switch sqlState {
    case "40001", "40P01", "55P03", "57014": return .busy
    case "25006":
      return .notPermitted("the server is a read-only replica (or the session is read-only): connect to the primary to write")
    case "42501": return .notPermitted("the server refused: \(message)")
    case "53100": return .diskFull("the server's disk is full")
    case "53200", "53300": return .busy
    case "58030": return .ioFailure("the server: \(message)")
    case "XX001", "XX002": return .corrupt("the server reports damaged data: \(message)")
    case "57P01", "57P02", "57P03": return .connectionLost("the server is shutting down or restarting: \(message)")
    default:
      if sqlState.hasPrefix("08") { return .connectionLost(message) }
      return .refused("PostgreSQL \(sqlState): \(message)")
    }
  }

  /// The error of a failed result, or of the connection when there is no result.
  static func error(of result: OpaquePointer?, connection: OpaquePointer) -> StoreError {
    if PQstatus(connection) == CONNECTION_BAD {
      return .connectionLost(
        "the connection to the server dropped: nothing of the unfinished transaction was committed"
          + " (\(connectionMessage(connection)))")
    }
    guard let result else { return .connectionLost(connectionMessage(connection)) }
    let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
    let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? "unknown error"
    return storeError(sqlState: state, message: message)
  }

  static func connectionMessage(_ connection: OpaquePointer) -> String {
    String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

import ArgumentParser
import Foundation
import HavenVault

// Closed lists become choices that `--help` prints.
extension Cohort: ExpressibleByArgument {}
extension Gender: ExpressibleByArgument {}
extension ReferrerType: ExpressibleByArgument {}
extension Pathway: ExpressibleByArgument {}
extension ReferralStatus: ExpressibleByArgument {}
extension SessionKind: ExpressibleByArgument {}
extension Attendance: ExpressibleByArgument {}
extension OutcomeStage: ExpressibleByArgument {}
extension Relationship: ExpressibleByArgument {}

extension ExpressibleByArgument where Self: CaseTerm {
  /// Any case, spaces or underscores for hyphens, and the list's built-in aliases ("self" for
  /// self-referral), as in import files.
  public init?(argument: String) {
    guard let term = try? Self.parse(argument, field: "value") else { return nil }
    self = term
  }
}

/// Yes or no, for safe-contact methods.
enum YesNo: String, ExpressibleByArgument, CaseIterable {
  case yes, no
  var bool: Bool { self == .yes }
}

/// Parsing helpers shared by the case commands: errors become the vault's usage errors (exit 64).
enum CaseInput {
  static func reference(_ text: String) throws -> SurvivorReference {
    try SurvivorReference(parsing: text)
  }

  static func date(_ text: String, field: String = "date") throws -> CalendarDate {
    try CalendarDate(parsing: text, field: field)
  }

  static func optionalDate(_ text: String?, field: String) throws -> CalendarDate? {
    try text.map { try CalendarDate(parsing: $0, field: field) }
  }

  /// Reads a notes file as UTF-8 text (notes are case content, so they never come from argv,
  /// where other users of the machine could see them).
  /// Reads a notes file, refusing one over the 1 MiB limit for notes before reading it.
  static func text(fromFile path: String?) throws -> String? {
    guard let path else { return nil }
    let limit = FieldText.Kind.longText.byteLimit
    if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
      throw CommandLineFailure(
        message: "\(path) is \(size) bytes, over the limit of \(limit) bytes for notes; nothing was written", hint: nil,
        exitCode: HavenExitCode.dataError)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CommandLineFailure(message: "cannot read \(path)", hint: nil, exitCode: HavenExitCode.notFound)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CommandLineFailure(message: "\(path) is not UTF-8 text", hint: nil, exitCode: HavenExitCode.usage)
    }
    return text.trimmingCharacters(in: .newlines)
  }
}

/// The survivor fields a worker can give on the command line (shared by add and update).
struct SurvivorOptions: ParsableArguments {
  @Option(name: .long, help: "Full name.") var name: String?
  @Option(name: .long, help: "Another name the person is known by (repeatable).") var alias: [String] = []
  @Option(name: .long, help: "Date of birth, YYYY-MM-DD.") var dob: String?
  @Option(name: .long, help: "Gender.") var gender: Gender?
  @Option(name: .long, help: "Postal address.") var address: String?
  @Option(name: .long, help: "Postcode.") var postcode: String?
  @Option(name: .long, help: "Local-authority district (for reports).") var district: String?
  @Option(name: .long, help: "Phone number.") var phone: String?
  @Option(name: .long, help: "Email address.") var email: String?
  @Option(name: .customLong("nhs-number"), help: "NHS number (10 digits, checked).") var nhsNumber: String?
  @Option(name: .long, help: "Cohort.") var cohort: Cohort?
  @Option(name: .customLong("external-id"), help: "The service's previous identifier.") var externalID: String?
  @Option(name: .customLong("health-notes-file"), help: "Health notes, from a file.") var healthNotesFile: String?
  @Option(name: .customLong("notes-file"), help: "Free-text notes, from a file.") var notesFile: String?

  /// Does every fallible step (parsing dates, reading files) first, and returns the change to
  /// apply, so an error never leaves a half-applied update.
  func patch() throws -> @Sendable (inout SurvivorDetails) -> Void {
    let birth = try CaseInput.optionalDate(dob, field: "--dob")
    let healthNotes = try CaseInput.text(fromFile: healthNotesFile)
    let notes = try CaseInput.text(fromFile: notesFile)
    let options = self
    return { details in
      if let name = options.name { details.name = name }
      if !options.alias.isEmpty { details.aliases = options.alias }
      if let birth { details.dateOfBirth = birth }
      if let gender = options.gender { details.gender = gender }
      if let address = options.address { details.address = address }
      if let postcode = options.postcode { details.postcode = postcode }
      if let district = options.district { details.district = district }
      if let phone = options.phone { details.phone = phone }
      if let email = options.email { details.email = email }
      if let nhsNumber = options.nhsNumber { details.nhsNumber = nhsNumber }
      if let cohort = options.cohort { details.cohort = cohort }
      if let externalID = options.externalID { details.externalID = externalID }
      if let healthNotes { details.healthNotes = healthNotes }
      if let notes { details.notes = notes }
    }
  }
}

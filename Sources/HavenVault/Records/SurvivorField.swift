/// The encrypted columns of `survivors`: the column name is also the field name bound into each
/// envelope's associated data.
enum SurvivorField: String, CaseIterable {
  case reference, name, aliases
  case dateOfBirth = "date_of_birth"
  case address, postcode, phone, email
  case nhsNumber = "nhs_number"
  case healthNotes = "health_notes"
  case notes
  case externalID = "external_id"
  case safeContact = "safe_contact"
  case gender, district, cohort

  var protection: FieldProtection {
    switch self {
    case .gender, .district, .cohort: .statistics
    default: .team
    }
  }

  func location(_ survivorID: Int64) -> FieldLocation {
    FieldLocation(table: "survivor", recordID: survivorID, field: rawValue, protection: protection)
  }
}

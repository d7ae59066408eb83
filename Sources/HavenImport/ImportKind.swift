/// What an import file holds, and the columns each kind accepts (docs/import.md). Column names
/// are lowercase; order does not matter; unknown columns are refused rather than ignored, so a
/// misspelt column is never silently dropped.
public enum ImportKind: String, CaseIterable, Sendable {
  case survivors, referrals, sessions, outcomes, consents

  public var requiredColumns: [String] {
    switch self {
    case .survivors: ["team", "name"]
    case .referrals: ["survivor", "referral_date", "referrer_type", "pathway", "service"]
    case .sessions: ["survivor", "date", "minutes", "kind", "attendance"]
    case .outcomes: ["survivor", "stage", "date", "wellbeing", "self", "trauma", "relationships"]
    case .consents: ["survivor", "purpose", "decision", "date", "method"]
    }
  }

  public var optionalColumns: [String] {
    switch self {
    case .survivors:
      [
        "aliases", "dob", "gender", "address", "postcode", "district", "phone", "email", "nhs_number", "cohort", "external_id",
        "health_notes", "notes",
      ]
    case .referrals:
      [
        "referrer_role", "triaged_on", "allocated_on", "allocated_service", "allocation_reason", "engaged_on", "closed_on",
        "closure_reason", "external_id",
      ]
    // `referral`: the referral (episode of support) the row belongs to, by its number or its
    // external id; without it, reports pair sessions and ratings with referrals by date.
    case .sessions: ["worker", "notes", "referral"]
    case .outcomes: ["referral"]
    case .consents: ["expires"]
    }
  }
}

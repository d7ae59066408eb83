import HavenVault

/// JSON views of case records. Field names are part of the CLI's documented interface (docs/cli.md).
struct SafeContactView: Encodable {
  let methods: [String: Bool]
  let times: String?
  let note: String?
  init(_ contact: SafeContact) {
    methods = Dictionary(uniqueKeysWithValues: contact.methods.map { ($0.key.rawValue, $0.value) })
    times = contact.times
    note = contact.note
  }
}

struct RelatedPersonView: Encodable {
  let id: Int64
  let relationship: String
  let name: String
  let phone: String?
  let email: String?
  let address: String?
  let notes: String?
  init(_ person: RelatedPerson) {
    id = person.id
    relationship = person.relationship.rawValue
    name = person.name
    phone = person.phone
    email = person.email
    address = person.address
    notes = person.notes
  }
}

struct ReferralView: Encodable {
  struct Event: Encodable {
    let status: String
    let date: String
    let service: String?
    let reason: String?
    let recordedBy: String
  }
  let id: Int64
  let date: String
  let referrerType: String
  let referrerRole: String?
  let pathway: String
  let service: String
  let ageBand: String
  let status: String
  let externalID: String?
  let history: [Event]
  init(_ referral: Referral) {
    id = referral.id
    externalID = referral.externalID
    date = referral.date.description
    referrerType = referral.referrerType.rawValue
    referrerRole = referral.referrerRole
    pathway = referral.pathway.rawValue
    service = referral.service
    ageBand = referral.ageBand.rawValue
    status = referral.status.rawValue
    history = referral.events.map {
      Event(
        status: $0.status.rawValue, date: $0.date.description, service: $0.service, reason: $0.reason, recordedBy: $0.recordedBy)
    }
  }
}

struct SessionView: Encodable {
  let id: Int64
  let date: String
  let minutes: Int
  let kind: String
  let attendance: String
  let worker: String
  let notes: String?
  let referral: Int64?
  init(_ session: SupportSession) {
    id = session.id
    referral = session.referralID
    date = session.date.description
    minutes = session.minutes
    kind = session.kind.rawValue
    attendance = session.attendance.rawValue
    worker = session.worker
    notes = session.notes
  }
}

struct OutcomeView: Encodable {
  let id: Int64
  let stage: String
  let date: String
  let ratings: [String: Int]
  let recordedBy: String
  let referral: Int64?
  init(_ outcome: OutcomeAssessment) {
    id = outcome.id
    referral = outcome.referralID
    stage = outcome.stage.rawValue
    date = outcome.date.description
    ratings = Dictionary(uniqueKeysWithValues: outcome.ratings.map { ($0.key.rawValue, $0.value) })
    recordedBy = outcome.recordedBy
  }
}

struct SurvivorSummaryView: Encodable {
  let ref: String
  let name: String
  let team: String
  let dateOfBirth: String?
  init(_ summary: SurvivorSummary) {
    ref = summary.reference.description
    name = summary.name
    team = summary.team
    dateOfBirth = summary.dateOfBirth?.description
  }
}

struct SurvivorFileView: Encodable {
  let ref: String
  let team: String
  let name: String
  let aliases: [String]
  let dateOfBirth: String?
  let gender: String?
  let address: String?
  let postcode: String?
  let district: String?
  let phone: String?
  let email: String?
  let nhsNumber: String?
  let cohort: String?
  let healthNotes: String?
  let notes: String?
  let externalID: String?
  let safeContact: SafeContactView?
  let relatedPeople: [RelatedPersonView]
  let referrals: [ReferralView]
  let sessions: [SessionView]
  let outcomes: [OutcomeView]
  let createdAt: String
  let updatedAt: String
  init(_ file: SurvivorFile) {
    let details = file.details
    ref = file.reference.description
    team = file.team
    name = details.name
    aliases = details.aliases
    dateOfBirth = details.dateOfBirth?.description
    gender = details.gender?.rawValue
    address = details.address
    postcode = details.postcode
    district = details.district
    phone = details.phone
    email = details.email
    nhsNumber = details.nhsNumber
    cohort = details.cohort?.rawValue
    healthNotes = details.healthNotes
    notes = details.notes
    externalID = details.externalID
    safeContact = file.safeContact.map(SafeContactView.init)
    relatedPeople = file.relatedPeople.map(RelatedPersonView.init)
    referrals = file.referrals.map(ReferralView.init)
    sessions = file.sessions.map(SessionView.init)
    outcomes = file.outcomes.map(OutcomeView.init)
    createdAt = file.createdAt
    updatedAt = file.updatedAt
  }
}

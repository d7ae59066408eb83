import Foundation
import HavenCrypto
import HavenVault

/// One survivor's case file as it leaves the vault: for the survivor themself (subject access:
/// third parties redacted, staff reduced to roles, with their access history and its proofs),
/// or for a partner agency they consented to share with.
public struct CaseDocument: Sendable, Codable, Equatable {
  public struct Person: Sendable, Codable, Equatable {
    public let reference: String
    public let name: String
    public let aliases: [String]
    public let dateOfBirth: String?
    public let gender: String?
    public let address: String?
    public let postcode: String?
    public let district: String?
    public let phone: String?
    public let email: String?
    public let nhsNumber: String?
    public let cohort: String?
    public let healthNotes: String?
    public let notes: String?
  }
  public struct Related: Sendable, Codable, Equatable {
    public let relationship: String
    /// The name and details, or a statement that they are withheld as third-party information.
    public let details: String
  }
  public struct Step: Sendable, Codable, Equatable {
    public let status: String
    public let date: String
    public let service: String?
    public let reason: String?
    public let recordedBy: String
  }
  public struct ReferralItem: Sendable, Codable, Equatable {
    public let date: String
    public let referrerType: String
    public let referrerRole: String?
    public let pathway: String
    public let service: String
    public let ageBand: String
    public let history: [Step]
  }
  public struct SessionItem: Sendable, Codable, Equatable {
    public let date: String
    public let minutes: Int
    public let kind: String
    public let attendance: String
    public let worker: String
    public let notes: String?
  }
  public struct OutcomeItem: Sendable, Codable, Equatable {
    public let stage: String
    public let date: String
    public let ratings: [String: Int]
    public let recordedBy: String
  }
  public struct ConsentItem: Sendable, Codable, Equatable {
    public let purpose: String
    public let decision: String
    public let date: String
    public let method: String
    public let expires: String?
    public let recordedBy: String
  }
  /// One access to the record, with what is needed to check it is in the signed log.
  public struct AccessItem: Sendable, Codable, Equatable {
    public let seq: Int64
    public let time: String
    public let by: String
    public let action: String
    public let outcome: String
    public let breakGlass: Bool
    public let leafIndex: Int
    public let treeSize: Int
    public let leafData: String
    public let leafHash: String
    public let path: [String]
  }

  public let purpose: String
  public let survivor: Person
  public let safeContact: String?
  public let relatedPeople: [Related]
  public let referrals: [ReferralItem]
  public let sessions: [SessionItem]
  public let outcomes: [OutcomeItem]
  public let consent: [ConsentItem]
  /// The signed checkpoint every access proof is against (subject access only).
  public let checkpoint: String?
  public let accessHistory: [AccessItem]
  /// How many of each kind of thing were withheld.
  public let redactions: [String: Int]

  public init(_ read: CaseExportRead, purpose: CaseExportPurpose) {
    let file = read.file
    let details = file.details
    let isSubjectAccess = purpose == .subjectAccess
    let redactor = Redactor(
      own: .init(
        phone: details.phone, email: details.email, postcode: details.postcode, nhsNumber: details.nhsNumber,
        names: [details.name] + details.aliases),
      thirdParties: file.relatedPeople.map(\.name), staff: read.staff)
    var counts: [String: Int] = [:]
    func clean(_ text: String?) -> String? {
      guard let text else { return nil }
      guard isSubjectAccess else { return text }
      let result = redactor.redact(text)
      for redaction in result.redactions { counts[redaction.kind, default: 0] += 1 }
      return result.text
    }
    func staff(_ name: String) -> String {
      guard isSubjectAccess else { return name }
      if !name.isEmpty { counts["staff-name", default: 0] += 1 }
      return Redactor.roleLabel(read.staff[name])
    }
    self.purpose = isSubjectAccess ? "subject access" : "share"
    survivor = Person(
      reference: file.reference.description, name: details.name, aliases: details.aliases,
      dateOfBirth: details.dateOfBirth?.description, gender: details.gender?.rawValue, address: details.address,
      postcode: details.postcode, district: details.district, phone: details.phone, email: details.email,
      nhsNumber: details.nhsNumber, cohort: details.cohort?.rawValue, healthNotes: clean(details.healthNotes),
      notes: clean(details.notes))
    safeContact = file.safeContact.map { contact in
      let methods = contact.methods.sorted { $0.key.rawValue < $1.key.rawValue }
        .map { "\($0.key.rawValue): \($0.value ? "safe" : "never")" }.joined(separator: ", ")
      return [methods, clean(contact.times), clean(contact.note)].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
    relatedPeople = file.relatedPeople.map { person in
      guard !isSubjectAccess else {
        counts["third-party-record", default: 0] += 1
        return Related(relationship: person.relationship.rawValue, details: "withheld: information about another person")
      }
      return Related(
        relationship: person.relationship.rawValue,
        details: [person.name, person.phone, person.email, person.address, person.notes].compactMap { $0 }.joined(separator: "; ")
      )
    }
    referrals = file.referrals.map { referral in
      ReferralItem(
        date: referral.date.description, referrerType: referral.referrerType.rawValue, referrerRole: clean(referral.referrerRole),
        pathway: referral.pathway.rawValue, service: referral.service, ageBand: referral.ageBand.rawValue,
        history: referral.events.map {
          Step(
            status: $0.status.rawValue, date: $0.date.description, service: $0.service, reason: $0.reason,
            recordedBy: staff($0.recordedBy))
        })
    }
    sessions = file.sessions.map {
      SessionItem(
        date: $0.date.description, minutes: $0.minutes, kind: $0.kind.rawValue, attendance: $0.attendance.rawValue,
        worker: staff($0.worker), notes: clean($0.notes))
    }
    outcomes = file.outcomes.map { outcome in
      OutcomeItem(
        stage: outcome.stage.rawValue, date: outcome.date.description,
        ratings: Dictionary(uniqueKeysWithValues: outcome.ratings.map { ($0.key.rawValue, $0.value) }),
        recordedBy: staff(outcome.recordedBy))
    }
    consent = read.consent.map {
      ConsentItem(
        purpose: $0.purpose.description, decision: $0.decision.rawValue, date: $0.date.description, method: $0.method.rawValue,
        expires: $0.expires?.description, recordedBy: staff($0.recordedBy))
    }
    checkpoint = isSubjectAccess ? read.checkpoint : nil
    accessHistory = read.accessHistory.map { access in
      AccessItem(
        seq: access.entry.seq, time: access.entry.recordedAt, by: Redactor.roleLabel(access.actorRole),
        action: access.entry.action, outcome: access.entry.outcome, breakGlass: access.entry.breakGlass,
        leafIndex: access.proof.leafIndex, treeSize: access.proof.treeSize,
        leafData: access.leafDataShown ? Hex.encode(access.proof.leafData) : "",
        leafHash: Hex.encode(access.proof.leafHash), path: access.proof.path.map { Hex.encode($0) })
    }
    redactions = counts
  }
}

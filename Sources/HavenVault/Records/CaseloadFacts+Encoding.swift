import HavenCrypto

/// The plaintext of a caseload entry: Haven's length-prefixed encoding (the one associated data
/// uses), domain `haven.caseload-facts.v1`, then the parts listed in docs/FORMAT.md ("Caseload
/// index"). Dates are days since 1970-01-01; an absent date is an empty part.
extension CaseloadFacts {
  static let domain = "haven.caseload-facts.v1"

  func encoded() -> [UInt8] {
    var parts: [ContextPart] = [
      .text(reference),
      .text(String(SafeContact.Method.allCases.map { safeContact.methods[$0].map { $0 ? "y" : "n" } ?? "-" })),
      .integer(safeContact.hasTimesOrNote ? 1 : 0),
      lastContact.map { .integer(Int64($0.dayNumber)) } ?? .bytes([]),
      .integer(Int64(referrals.count)),
    ]
    for referral in referrals {
      parts += [
        .integer(referral.id), .text(referral.service), .text(referral.status.rawValue),
        .integer(Int64(referral.referredOn.dayNumber)), .integer(Int64(referral.statusOn.dayNumber)),
        .integer(referral.endedAfterSupport ? 1 : 0), .integer(referral.endOutcomeRecorded ? 1 : 0),
      ]
    }
    parts.append(.integer(Int64(closedReferralsOmitted)))
    parts.append(.integer(Int64(consents.count)))
    for consent in consents { parts += [.text(consent.purpose), .integer(Int64(consent.expires.dayNumber))] }
    parts.append(.integer(Int64(unnotedSessions.count)))
    for session in unnotedSessions { parts += [.integer(session.id), .integer(Int64(session.date.dayNumber))] }
    return AssociatedData.encode(domain: Self.domain, parts)
  }

  /// Reads an entry back; nil when it is not a well-formed version-1 entry (the caller reports
  /// damage: an authenticated entry that does not parse was written by something else). Read in
  /// place: a caseload opens one entry per case of the user's teams.
  init?(decoding bytes: [UInt8], in range: Range<Int>? = nil) {
    var reader = AssociatedData.Reader(bytes, range: range)
    guard reader.matches(Self.domain), let reference = reader.text(), let flags = reader.bytesOfNext(),
      flags.count == SafeContact.Method.allCases.count, let hasTimes = reader.integer(),
      let lastContact = reader.optionalInteger(), let referralCount = reader.count()
    else { return nil }
    var safe: UInt8 = 0
    var never: UInt8 = 0
    for (offset, flag) in flags.enumerated() {
      switch flag {
      case UInt8(ascii: "y"): safe |= 1 << offset
      case UInt8(ascii: "n"): never |= 1 << offset
      case UInt8(ascii: "-"): break
      default: return nil
      }
    }
    var referrals: [ReferralFacts] = []
    referrals.reserveCapacity(referralCount)
    for _ in 0..<referralCount {
      guard let id = reader.integer(), let service = reader.text(), let status = reader.status(),
        let referredOn = reader.date(), let statusOn = reader.date(), let ended = reader.integer(),
        let recorded = reader.integer()
      else { return nil }
      referrals.append(
        ReferralFacts(
          id: id, service: service, status: status, referredOn: referredOn, statusOn: statusOn, endedAfterSupport: ended == 1,
          endOutcomeRecorded: recorded == 1))
    }
    guard let omitted = reader.count(), let consentCount = reader.count() else { return nil }
    var consents: [ExpiringConsent] = []
    for _ in 0..<consentCount {
      guard let purpose = reader.text(), let expires = reader.date() else { return nil }
      consents.append(ExpiringConsent(purpose: purpose, expires: expires))
    }
    guard let sessionCount = reader.count() else { return nil }
    var sessions: [UnnotedSession] = []
    for _ in 0..<sessionCount {
      guard let id = reader.integer(), let date = reader.date() else { return nil }
      sessions.append(UnnotedSession(id: id, date: date))
    }
    guard reader.isAtEnd else { return nil }
    self.init(
      reference: reference, safeContact: SafeContact.Flags(safeBits: safe, neverBits: never, hasTimesOrNote: hasTimes == 1),
      lastContact: lastContact.map { CalendarDate(dayNumber: Int($0)) }, referrals: referrals,
      closedReferralsOmitted: omitted, consents: consents,
      unnotedSessions: sessions)
  }
}

/// A caseload bucket's plaintext (docs/FORMAT.md section 18): the entries of up to 64 survivors
/// whose ids share `id / 64`, each as its survivor's id and its entry's plaintext, so that a
/// caseload opens one envelope per 64 cases.
enum CaseloadBucket {
  static let domain = "haven.caseload-bucket.v1"
  static let size: Int64 = 64

  static func encoded(_ entries: [(survivorID: Int64, plaintext: [UInt8])]) -> [UInt8] {
    var parts: [ContextPart] = [.integer(Int64(entries.count))]
    for entry in entries { parts += [.integer(entry.survivorID), .bytes(entry.plaintext)] }
    return AssociatedData.encode(domain: domain, parts)
  }

  /// Visits each entry of a bucket in order; false when the bucket is not well formed.
  static func visit(_ bytes: [UInt8], bucket: Int64, _ body: (Int64, CaseloadFacts) -> Void) -> Bool {
    var reader = AssociatedData.Reader(bytes)
    guard reader.matches(domain), let count = reader.count(), count <= size else { return false }
    for _ in 0..<count {
      guard let survivorID = reader.integer(), survivorID / size == bucket, let range = reader.next(),
        let facts = CaseloadFacts(decoding: bytes, in: range)
      else { return false }
      body(survivorID, facts)
    }
    return reader.isAtEnd
  }
}

extension AssociatedData.Reader {
  mutating func date() -> CalendarDate? { integer().map { CalendarDate(dayNumber: Int($0)) } }

  /// A count of repeated groups: never negative, and bounded (an entry is small).
  mutating func count() -> Int? {
    guard let value = integer(), (0...100_000).contains(value) else { return nil }
    return Int(value)
  }

  /// A referral status, compared as bytes (no string is made for the commonest part).
  mutating func status() -> ReferralStatus? {
    guard let bytes = bytesOfNext() else { return nil }
    return ReferralStatus.allCases.first { bytes.elementsEqual($0.rawValue.utf8) }
  }
}

import HavenVault

/// Readable text for case records. Safe-contact guidance always comes first and stands out:
/// a worker must see it before they phone, text or write to anyone.
enum CaseText {
  /// The first line of the guidance: which methods are safe, never, or to ask about.
  static func safeContactMethods(_ contact: SafeContact) -> String {
    let methods = SafeContact.Method.allCases.map { method -> String in
      switch contact.methods[method] {
      case .some(true): "\(method.rawValue): yes"
      case .some(false): "\(method.rawValue): NO"
      case .none: "\(method.rawValue): ask first"
      }
    }
    return "!! SAFE CONTACT  " + methods.joined(separator: " | ")
  }

  static func safeContact(_ contact: SafeContact?) -> String {
    guard let contact else {
      return "!! SAFE CONTACT NOT RECORDED: do not contact until you have checked how it is safe to (haven contact set)."
    }
    var lines = [safeContactMethods(contact)]
    if let times = contact.times { lines.append("!! Safe times: \(times)") }
    if let note = contact.note { lines.append("!! Note: \(note)") }
    return lines.joined(separator: "\n")
  }

  static func file(_ file: SurvivorFile) -> String {
    let details = file.details
    var lines = [safeContact(file.safeContact), "", "\(file.reference)  \(details.name)   (team \(file.team))"]
    var facts: [String] = []
    if let birth = details.dateOfBirth { facts.append("born \(birth)") }
    if let gender = details.gender { facts.append(gender.rawValue) }
    if let cohort = details.cohort { facts.append("cohort \(cohort.rawValue)") }
    if let district = details.district { facts.append("district \(district)") }
    if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
    let optional: [(String, String?)] = [
      ("Aliases", details.aliases.isEmpty ? nil : details.aliases.joined(separator: ", ")), ("Address", details.address),
      ("Postcode", details.postcode), ("Phone", details.phone), ("Email", details.email), ("NHS number", details.nhsNumber),
      ("External id", details.externalID), ("Health notes", details.healthNotes), ("Notes", details.notes),
    ]
    for (label, value) in optional { if let value { lines.append("\(label): \(value)") } }
    lines.append("")
    lines.append("Related people:")
    lines += file.relatedPeople.isEmpty ? ["  none recorded"] : file.relatedPeople.map { "  " + related($0) }
    lines.append("Referrals:")
    lines +=
      file.referrals.isEmpty
      ? ["  none"] : file.referrals.map { "  " + referral($0).replacingOccurrences(of: "\n", with: "\n  ") }
    lines.append("Sessions:")
    lines += file.sessions.isEmpty ? ["  none"] : file.sessions.map { "  " + session($0) }
    lines.append("Outcomes:")
    lines.append(outcomes(file.outcomes).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    return lines.joined(separator: "\n")
  }

  static func related(_ person: RelatedPerson) -> String {
    let contact = [person.phone, person.email, person.address].compactMap { $0 }.joined(separator: ", ")
    return "#\(person.id) \(person.relationship.rawValue): \(person.name)" + (contact.isEmpty ? "" : "  (\(contact))")
      + (person.notes.map { "  notes: \($0)" } ?? "")
  }

  static func referral(_ referral: Referral) -> String {
    let role = referral.referrerRole.map { " (\($0))" } ?? ""
    var lines = [
      "Referral \(referral.id): \(referral.date) from \(referral.referrerType.rawValue)\(role), pathway \(referral.pathway.rawValue), "
        + "to \(referral.service), age band \(referral.ageBand.rawValue): \(referral.status.rawValue.uppercased())"
        + (referral.externalID.map { " [external id \($0)]" } ?? "")
    ]
    for event in referral.events {
      var text = "  \(event.date) \(event.status.rawValue)"
      if let service = event.service { text += " to \(service)" }
      if let reason = event.reason { text += " (\(reason))" }
      lines.append(text + " by \(event.recordedBy)")
    }
    return lines.joined(separator: "\n")
  }

  static func session(_ session: SupportSession) -> String {
    "#\(session.id) \(session.date) \(session.kind.rawValue), \(session.minutes) min, \(session.attendance.rawValue), with \(session.worker)"
      + (session.referralID.map { ", referral \($0)" } ?? "")
      + (session.notes.map { "\n      notes: \($0)" } ?? "")
  }

  /// Each assessment, then for the latest start/end pair whether each domain was maintained or
  /// improved (end >= start), as commissioners count it.
  static func outcomes(_ outcomes: [OutcomeAssessment]) -> String {
    guard !outcomes.isEmpty else { return "none recorded" }
    var lines = outcomes.map { outcome in
      "\(outcome.date) \(outcome.stage.rawValue): "
        + OutcomeDomain.allCases.map { "\($0.rawValue) \(outcome.ratings[$0] ?? 0)" }.joined(separator: ", ")
        + " (\(outcome.recordedBy)"
        + (outcome.referralID.map { ", referral \($0)" } ?? "") + ")"
    }
    if let end = outcomes.last(where: { $0.stage == .end }),
      let start = outcomes.last(where: { $0.stage == .start && $0.date <= end.date })
    {
      for domain in OutcomeDomain.allCases {
        let before = start.ratings[domain] ?? 0
        let after = end.ratings[domain] ?? 0
        lines.append("\(domain.title): \(before) -> \(after), \(after >= before ? "maintained or improved" : "worsened")")
      }
    }
    return lines.joined(separator: "\n")
  }

  static func printSummaries(_ summaries: [SurvivorSummary], json: Bool) {
    if json { return Console.json(summaries.map(SurvivorSummaryView.init)) }
    guard !summaries.isEmpty else { return Console.out("No survivors found.") }
    Console.out(
      Presenter.table(
        [["REF", "NAME", "BORN", "TEAM"]]
          + summaries.map { [$0.reference.description, $0.name, $0.dateOfBirth?.description ?? "-", $0.team] }))
  }
}

import CSV
import Foundation
import HavenVault

/// A year of a fictional partnership's work, as the four import files. Every person is obviously
/// invented ("Rowan Example"); phone numbers are in Ofcom's drama range; emails end in
/// `.invalid`; NHS numbers have valid check digits but are random.
struct SyntheticPartnership {
  let survivors: Int
  let year: Int
  let teams: [String]
  let services: [String]
  var random: SeededGenerator

  static let firstNames = [
    "Ash", "Bailey", "Cam", "Dale", "Eden", "Frankie", "Gale", "Harper", "Indy", "Jo", "Kit", "Lee", "Morgan", "Nico", "Oak",
    "Pat",
    "Quinn", "Rowan", "Sam", "Tay", "Umi", "Val", "Wren", "Yael", "Zen",
  ]
  static let lastNames = [
    "Example", "Sample", "Placeholder", "Fictional", "Madeup", "Testperson", "Dummy", "Invented", "Pretend", "Notreal",
  ]
  static let districts = [("Rotherham", 70), ("Sheffield", 12), ("Doncaster", 8), ("Barnsley", 6), ("Leeds", 4)]

  /// Writes survivors.csv, referrals.csv, sessions.csv, outcomes.csv and consents.csv into `directory`.
  mutating func write(to directory: URL) throws -> (survivors: Int, referrals: Int, sessions: Int, outcomes: Int, consents: Int) {
    let survivorFile = try Sheet(
      directory.appendingPathComponent("survivors.csv"),
      header: [
        "team", "name", "aliases", "dob", "gender", "postcode", "district", "phone", "email", "nhs_number", "cohort",
        "external_id", "notes",
      ])
    let referralFile = try Sheet(
      directory.appendingPathComponent("referrals.csv"),
      header: [
        "survivor", "referral_date", "referrer_type", "referrer_role", "pathway", "service", "triaged_on", "allocated_on",
        "allocated_service",
        "allocation_reason", "engaged_on", "closed_on", "closure_reason",
      ])
    let sessionFile = try Sheet(
      directory.appendingPathComponent("sessions.csv"), header: ["survivor", "date", "minutes", "kind", "attendance", "notes"])
    let outcomeFile = try Sheet(
      directory.appendingPathComponent("outcomes.csv"),
      header: [
        "survivor", "stage", "date", "wellbeing", "self", "trauma", "relationships",
      ])
    let consentFile = try Sheet(
      directory.appendingPathComponent("consents.csv"), header: ["survivor", "purpose", "decision", "date", "method", "expires"])
    var consents = 0
    let start = try CalendarDate(parsing: String(format: "%04d-04-01", year))
    let end = try CalendarDate(parsing: String(format: "%04d-03-31", year + 1))
    let days = start.days(until: end)
    var counts = (survivors: 0, referrals: 0, sessions: 0, outcomes: 0)
    for index in 1...survivors {
      let id = String(format: "SYN-%06d", index)
      let pathway: Pathway = random.pick([(.postCSE, 60), (.stovewood, 30), (.trsConsultation, 10)])
      let team = pathway == .stovewood && teams.count > 1 ? teams[1] : teams[0]
      let age = random.pick([
        (Int.random(in: 8...15, using: &random), 25), (Int.random(in: 16...24, using: &random), 35),
        (Int.random(in: 25...60, using: &random), 40),
      ])
      let birth = date(start, plus: -age * 365 - Int.random(in: 0...364, using: &random))
      let first = Self.firstNames.randomElement(using: &random)!
      let last = Self.lastNames.randomElement(using: &random)!
      try survivorFile.row([
        team, "\(first) \(last)", random.chance(0.1) ? "\(first) \(Self.lastNames.randomElement(using: &random)!)" : "",
        birth.description,
        random.pick([
          (Gender.female.rawValue, 78), (Gender.male.rawValue, 18), (Gender.nonBinary.rawValue, 2),
          (Gender.notStated.rawValue, 2),
        ]),
        postcode(), random.pick(Self.districts), String(format: "07700 900%03d", Int.random(in: 0...999, using: &random)),
        "\(first.lowercased()).\(index)@example.invalid", nhsNumber(),
        random.pick([
          (Cohort.victimSurvivor.rawValue, 70), (Cohort.familyOfVictim.rawValue, 20), (Cohort.familyOfSuspect.rawValue, 10),
        ]), id,
        random.chance(0.3) ? "Synthetic note \(index): prefers contact in the afternoon" : "",
      ])
      counts.survivors += 1
      consents += try writeConsents(consentFile, survivor: id, index: index, on: start)
      let referralCount = random.chance(0.12) ? 2 : 1
      var referralDays: Set<CalendarDate> = []
      var sessionDays: Set<CalendarDate> = []
      var outcomeDays: Set<String> = []
      for _ in 0..<referralCount {
        var referred = date(start, plus: Int.random(in: 0..<(days - 30), using: &random))
        // Two referrals of one person on one day to one service would read as a repeated row.
        while !referralDays.insert(referred).inserted { referred = date(referred, plus: 1) }
        counts.referrals += 1
        var steps: [String: String] = [:]
        var current = referred
        func advance(_ range: ClosedRange<Int>) -> CalendarDate? {
          let next = date(current, plus: Int.random(in: range, using: &random))
          guard next <= end else { return nil }
          current = next
          return next
        }
        var engagedOn: CalendarDate?
        if random.chance(0.92), let triaged = advance(1...7) {
          steps["triaged_on"] = triaged.description
          if random.chance(0.85), let allocated = advance(3...21) {
            steps["allocated_on"] = allocated.description
            steps["allocated_service"] = services.randomElement(using: &random)!
            steps["allocation_reason"] = random.pick([
              (AllocationReason.need.rawValue, 60), (AllocationReason.specialism.rawValue, 25),
              (AllocationReason.capacity.rawValue, 15),
            ])
            if random.chance(0.85), let engaged = advance(2...14) {
              steps["engaged_on"] = engaged.description
              engagedOn = engaged
            }
          }
        }
        var closedPlanned = false
        if engagedOn != nil, random.chance(0.55), let closed = advance(60...250) {
          steps["closed_on"] = closed.description
          let reason: ClosureReason = random.pick([(.plannedEnding, 70), (.disengaged, 18), (.movedAway, 6), (.transferred, 6)])
          steps["closure_reason"] = reason.rawValue
          closedPlanned = reason == .plannedEnding
        } else if engagedOn == nil, random.chance(0.5), let closed = advance(1...20) {
          steps["closed_on"] = closed.description
          steps["closure_reason"] = ClosureReason.declined.rawValue
        }
        let referrer: ReferrerType = random.pick([
          (.police, 30), (.selfReferral, 20), (.childrensSocialCare, 15), (.gp, 10), (.school, 10), (.health, 5), (.nca, 4),
          (.voluntarySector, 4), (.other, 2),
        ])
        try referralFile.row([
          id, referred.description, referrer.rawValue, referrer == .police ? "DC, CSE team" : "", pathway.rawValue, services[0],
          steps["triaged_on"] ?? "", steps["allocated_on"] ?? "", steps["allocated_service"] ?? "",
          steps["allocation_reason"] ?? "",
          steps["engaged_on"] ?? "", steps["closed_on"] ?? "", steps["closure_reason"] ?? "",
        ])
        guard let engagedOn else { continue }
        let lastDay = (try? CalendarDate(parsing: steps["closed_on"] ?? "")) ?? end
        var sessionDay = engagedOn
        while sessionDay <= lastDay {
          let row = [
            id, sessionDay.description, String(random.pick([(50, 60), (60, 20), (90, 10), (30, 10)])),
            random.pick([
              (SessionKind.oneToOne.rawValue, 70), (SessionKind.phone.rawValue, 12), (SessionKind.group.rawValue, 8),
              (SessionKind.advocacy.rawValue, 6), (SessionKind.courtISVA.rawValue, 4),
            ]),
            random.pick([
              (Attendance.attended.rawValue, 80), (Attendance.didNotAttend.rawValue, 12), (Attendance.cancelled.rawValue, 8),
            ]),
            random.chance(0.2) ? "Synthetic session note" : "",
          ]
          // One session a day per person: two episodes' sessions on one day would read as a
          // repeated row to an import (docs/import.md). The draws above are made either way.
          if sessionDays.insert(sessionDay).inserted {
            counts.sessions += 1
            try sessionFile.row(row)
          }
          sessionDay = date(sessionDay, plus: Int.random(in: 7...14, using: &random))
        }
        let startRatings = (0..<4).map { _ in Int.random(in: 2...6, using: &random) }
        if outcomeDays.insert("start \(engagedOn)").inserted {
          try outcomeFile.row([id, "start", engagedOn.description] + startRatings.map(String.init))
          counts.outcomes += 1
        }
        if closedPlanned, let closedOn = steps["closed_on"] {
          let endRatings = startRatings.map {
            min(10, max(1, $0 + random.pick([(-1, 10), (0, 20), (1, 25), (2, 25), (3, 15), (4, 5)])))
          }
          if outcomeDays.insert("end \(closedOn)").inserted {
            try outcomeFile.row([id, "end", closedOn] + endRatings.map(String.init))
            counts.outcomes += 1
          }
        }
      }
    }
    for sheet in [survivorFile, referralFile, sessionFile, outcomeFile, consentFile] { sheet.close() }
    return (counts.survivors, counts.referrals, counts.sessions, counts.outcomes, consents)
  }

  /// Statistics: most grant, some refuse, some withdraw later, some are never asked; evaluation:
  /// fewer grant. Drawn from a generator of its own, so the other files do not change with it.
  private func writeConsents(_ sheet: Sheet, survivor id: String, index: Int, on day: CalendarDate) throws -> Int {
    var draw = SeededGenerator(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
    var rows = 0
    let method = draw.pick([
      (ConsentMethod.written.rawValue, 60), (ConsentMethod.verbal.rawValue, 30),
      (ConsentMethod.competentYoungPerson.rawValue, 10),
    ])
    switch draw.pick([("grant", 82), ("refuse", 6), ("withdraw", 6), ("none", 6)]) {
    case "grant": try sheet.row([id, "statistics", "granted", day.description, method, ""]); rows += 1
    case "refuse": try sheet.row([id, "statistics", "refused", day.description, method, ""]); rows += 1
    case "withdraw":
      try sheet.row([id, "statistics", "granted", day.description, method, ""])
      try sheet.row([id, "statistics", "withdrawn", date(day, plus: 100).description, method, ""])
      rows += 2
    default: break
    }
    if draw.chance(0.6) {
      try sheet.row([id, "evaluation", "granted", day.description, method, ""])
      rows += 1
    }
    return rows
  }

  private func date(_ from: CalendarDate, plus days: Int) -> CalendarDate {
    from.adding(days: days)
  }

  private mutating func postcode() -> String {
    let letters = Array("ABDEFGHJLNPQRSTUWXYZ")
    return "S\(Int.random(in: 60...66, using: &random)) \(Int.random(in: 1...9, using: &random))"
      + "\(letters.randomElement(using: &random)!)\(letters.randomElement(using: &random)!)"
  }

  /// Nine random digits and their modulus-11 check digit (retrying the 1 in 11 that has none).
  private mutating func nhsNumber() -> String {
    while true {
      let digits = (0..<9).map { _ in Int.random(in: 0...9, using: &random) }
      let check = 11 - (0..<9).reduce(0) { $0 + digits[$1] * (10 - $1) } % 11
      guard check != 10 else { continue }
      let all = digits + [check == 11 ? 0 : check]
      let text = all.map(String.init).joined()
      return "\(text.prefix(3)) \(text.dropFirst(3).prefix(3)) \(text.suffix(4))"
    }
  }
}

/// One output CSV file, written with CSV.swift's writer (which quotes as RFC 4180 requires).
final class Sheet {
  private let writer: CSVWriter

  init(_ url: URL, header: [String]) throws {
    guard let stream = OutputStream(url: url, append: false) else { throw CocoaError(.fileWriteUnknown) }
    writer = try CSVWriter(stream: stream)
    try writer.write(row: header)
  }

  func row(_ values: [String]) throws { try writer.write(row: values) }

  func close() { writer.stream.close() }
}

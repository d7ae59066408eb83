import Foundation
import HavenCrypto

/// What one survivor's statistical rows came to: left out for consent, or a case to visit.
enum StatisticalResult: Sendable {
  case excluded(ConsentState.Status)
  case included(StatisticalCase)
}

/// Opens survivors' statistical rows with the statistics secret, on every core: recovering each
/// survivor's statistics key and the field decryptions are most of a report's cost, and each
/// survivor is independent of the others. A key is opened from its stored wrap when an earlier
/// report left one (one small envelope), else agreed by X25519 and wrapped for the next report.
/// Each worker keeps one guarded key slot for the whole read (guarded allocations cost several
/// system calls each). Keys are only read concurrently.
final class StatisticalDecryptor: @unchecked Sendable {
  private let statistics: BoxKeyPair
  private let wraps: StatisticsKeyWraps
  private let slots: [ReusableAgreedKey<StatisticsFieldKeyPurpose>]
  private let cellKeys: CellKeys
  /// Ignore stored wraps: agree every key again and wrap it afresh.
  private let rewrap: Bool
  let vaultID: [UInt8]
  let purpose: ConsentPurpose
  let day: CalendarDate

  init(
    statistics: consuming BoxKeyPair, vaultID: [UInt8], purpose: ConsentPurpose, day: CalendarDate, rewrap: Bool = false
  ) throws {
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    self.slots = try (0..<workers).map { _ in try ReusableAgreedKey<StatisticsFieldKeyPurpose>() }
    self.cellKeys = try CellKeys(statistics: statistics, vaultID: vaultID)
    self.wraps = try StatisticsKeyWraps(statistics: statistics, vaultID: vaultID)
    self.statistics = statistics
    self.rewrap = rewrap
    self.vaultID = vaultID
    self.purpose = purpose
    self.day = day
  }

  /// Opens a batch; results come in the batch's order, each survivor's failure on its own, with
  /// the wraps made for keys that had to be agreed.
  func open(_ batch: [StoredStatisticalSurvivor]) -> OpenedStatisticalBatch {
    var results = [Result<StatisticalResult, VaultError>](repeating: .failure(.storageFailure("not read")), count: batch.count)
    var made = [StatisticsKeyWrap?](repeating: nil, count: batch.count)
    let workers = slots.count
    results.withUnsafeMutableBufferPointer { buffer in
      made.withUnsafeMutableBufferPointer { madeBuffer in
        nonisolated(unsafe) let output = buffer
        nonisolated(unsafe) let madeOutput = madeBuffer
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          // Worker w takes survivors w, w + workers, ...: each index is written by exactly one worker.
          for index in stride(from: worker, to: batch.count, by: workers) {
            do {
              madeOutput[index] = try recoverKey(batch[index], slot: slots[worker])
              output[index] = .success(try open(batch[index], slot: slots[worker]))
            } catch {
              output[index] = .failure(VaultError.wrapping(error))
            }
          }
        }
      }
    }
    return OpenedStatisticalBatch(results: results, wraps: made.compactMap { $0 })
  }

  /// Puts the survivor's statistics key in `slot`: from its wrap if there is one, else by
  /// agreement, returning the wrap to store.
  private func recoverKey(
    _ stored: StoredStatisticalSurvivor, slot: ReusableAgreedKey<StatisticsFieldKeyPurpose>
  ) throws -> StatisticsKeyWrap? {
    let context = StatisticsKeyWraps.context(
      vaultID: vaultID, survivorID: stored.id, keyVersion: stored.keyVersion, ephemeralKey: stored.ephemeralKey)
    if !rewrap, let wrapped = stored.wrappedKey {
      do {
        try slot.unwrap(wrapped, key: wraps.key, context: context)
        return nil
      } catch {
        throw VaultError.fieldAuthenticationFailed(table: "statistics_key_wraps", recordID: stored.id, field: "wrapped")
      }
    }
    try slot.recover(
      ephemeral: try BoxPublicKey(bytes: stored.ephemeralKey), recipient: statistics, label: CaseKeys.statisticsLabel)
    return StatisticsKeyWrap(
      survivorID: stored.id, keyVersion: stored.keyVersion, ephemeralKey: stored.ephemeralKey,
      envelope: slot.wrapped(under: wraps.key, context: context))
  }

  /// Starts opening a batch on the worker threads and returns at once, so that the caller can
  /// read the next batch from the database meanwhile (the database stays on the caller's thread).
  func begin(_ batch: [StoredStatisticalSurvivor]) -> PendingStatisticalBatch {
    let pending = PendingStatisticalBatch()
    DispatchQueue.global(qos: .userInitiated).async { pending.finish(self.open(batch)) }
    return pending
  }

  /// Decrypts one survivor's rows with the statistics key already in `slot`.
  private func open(
    _ stored: StoredStatisticalSurvivor, slot: ReusableAgreedKey<StatisticsFieldKeyPurpose>
  ) throws
    -> StatisticalResult
  {
    let columns = StatisticalColumns(vaultID: vaultID, keyVersion: stored.keyVersion, slot: slot)
    let consent = ConsentLedger.state(of: purpose, in: try consentHistory(stored, columns), on: day)
    // Left out for consent: nothing beyond the consent history is decrypted.
    guard consent.isGiven else { return .excluded(consent.status) }
    let survivor = StoredStatisticalRow(owner: stored.id, id: stored.id, envelopes: stored.envelopes)
    return .included(
      StatisticalCase(
        survivorID: stored.id,
        gender: try columns.text(survivor, 0, table: "survivor", field: "gender").map { try Gender.parse($0, field: "gender") },
        district: try columns.text(survivor, 1, table: "survivor", field: "district"),
        cohort: try columns.text(survivor, 2, table: "survivor", field: "cohort").map { try Cohort.parse($0, field: "cohort") },
        referrals: try referrals(stored, columns), sessions: try sessions(stored, columns),
        outcomes: try outcomes(stored, columns), pseudonym: nil, recordKey: cellKeys.survivor(stored.id)))
  }

  private func consentHistory(_ stored: StoredStatisticalSurvivor, _ columns: StatisticalColumns) throws -> [ConsentEvent] {
    try stored.consents.map { row in
      try ConsentEvent.decode(id: row.id, recordedBy: "") { field in
        guard let index = StatisticalBatch.consentFields.firstIndex(of: field) else { return nil }
        return try columns.text(row, index, table: "consent_event", field: field)
      }
    }
  }

  private func referrals(_ stored: StoredStatisticalSurvivor, _ columns: StatisticalColumns) throws -> [StatisticalReferral] {
    var events: [Int64: [StatisticalReferralEvent]] = [:]
    for event in stored.events {
      func field(_ index: Int) throws -> String? {
        try columns.text(event, index, table: "referral_event", field: StatisticalBatch.eventFields[index])
      }
      events[event.owner, default: []].append(
        StatisticalReferralEvent(
          status: try ReferralStatus.parse(try field(0) ?? "", field: "status"),
          date: try CalendarDate(parsing: try field(1) ?? ""), service: try field(2), reason: try field(3)))
    }
    return try stored.referrals.map { referral in
      func field(_ index: Int) throws -> String {
        try columns.required(referral, index, table: "referral", field: StatisticalBatch.referralFields[index])
      }
      return StatisticalReferral(
        id: referral.id, date: try CalendarDate(parsing: try field(0)),
        referrerType: try ReferrerType.parse(try field(1), field: "referrer type"),
        pathway: try Pathway.parse(try field(2), field: "pathway"), service: try field(3),
        ageBand: try AgeBand.parse(try field(4), field: "age band"), events: events[referral.id] ?? [],
        recordKey: cellKeys.referral(referral.id))
    }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }

  private func sessions(_ stored: StoredStatisticalSurvivor, _ columns: StatisticalColumns) throws -> [StatisticalSession] {
    try stored.sessions.map { session in
      StatisticalSession(
        date: try CalendarDate(parsing: try columns.required(session, 0, table: "support_session", field: "session_date")),
        attendance: try Attendance.parse(
          try columns.required(session, 1, table: "support_session", field: "attendance"), field: "attendance"),
        referralID: try columns.text(session, 2, table: "support_session", field: "referral").map {
          try ReferralLink.storedID($0, in: "support session \(session.id)")
        })
    }.sorted { $0.date < $1.date }
  }

  private func outcomes(_ stored: StoredStatisticalSurvivor, _ columns: StatisticalColumns) throws -> [StatisticalOutcome] {
    try stored.outcomes.map { outcome in
      var ratings: [OutcomeDomain: Int] = [:]
      for (offset, domain) in OutcomeDomain.allCases.enumerated() {
        guard let rating = Int(try columns.required(outcome, 2 + offset, table: "outcome_assessment", field: domain.rawValue))
        else { throw VaultError.databaseDamaged("outcome \(outcome.id) has a bad rating") }
        ratings[domain] = rating
      }
      return StatisticalOutcome(
        stage: try OutcomeStage.parse(
          try columns.required(outcome, 0, table: "outcome_assessment", field: "stage"), field: "stage"),
        date: try CalendarDate(parsing: try columns.required(outcome, 1, table: "outcome_assessment", field: "assessed_on")),
        ratings: ratings,
        referralID: try columns.text(outcome, 6, table: "outcome_assessment", field: "referral").map {
          try ReferralLink.storedID($0, in: "outcome \(outcome.id)")
        })
    }.sorted { $0.date < $1.date }
  }
}

/// What opening one batch gave: a result per survivor in the batch's order, and the key wraps
/// made for survivors whose statistics key had to be agreed.
struct OpenedStatisticalBatch: Sendable {
  let results: [Result<StatisticalResult, VaultError>]
  let wraps: [StatisticsKeyWrap]
}

/// A batch being opened on the worker threads; `wait` returns what it came to.
final class PendingStatisticalBatch: @unchecked Sendable {
  private var opened = OpenedStatisticalBatch(results: [], wraps: [])
  private let done = DispatchSemaphore(value: 0)

  fileprivate func finish(_ opened: OpenedStatisticalBatch) {
    self.opened = opened
    done.signal()
  }

  func wait() -> OpenedStatisticalBatch {
    done.wait()
    return opened
  }
}

/// Opens the statistical columns of one survivor's rows with that survivor's statistics key
/// (held in a worker's slot, re-derived for each survivor).
struct StatisticalColumns {
  let vaultID: [UInt8]
  let keyVersion: Int64
  let slot: ReusableAgreedKey<StatisticsFieldKeyPurpose>

  func text(_ row: StoredStatisticalRow, _ index: Int, table: String, field: String) throws(VaultError) -> String? {
    guard let envelope = row.envelopes[index] else { return nil }
    let binding = FieldBinding(record: RecordBinding(table: table, recordID: row.id), field: field, keyVersion: keyVersion)
    return try FieldCipher.openStatistical(envelope, key: slot.key, binding: binding, vaultID: vaultID)
  }

  func required(_ row: StoredStatisticalRow, _ index: Int, table: String, field: String) throws(VaultError) -> String {
    guard let value = try text(row, index, table: table, field: field) else {
      throw .databaseDamaged("\(table) \(row.id) has no \(field)")
    }
    return value
  }
}

import Foundation
import HavenCrypto
import HavenStore

extension VaultSession {
  /// Survivors read and decrypted together: enough to keep every core busy, small enough that
  /// memory stays flat (a few megabytes of stored rows).
  static let statisticalBatchSize = 512

  /// Streams every survivor, across all teams, whose consent for `purpose` is in effect on
  /// `day`, to `visit`, one at a time (memory stays flat however large the vault), using the
  /// statistics secret alone: the `reporting` role never holds a record key. Survivors without
  /// that consent are counted by reason and never decrypted beyond their consent history.
  /// `recipient`: also give each survivor a pseudonym keyed for that export recipient
  /// (docs/FORMAT.md, "Export pseudonyms").
  ///
  /// A read over every survivor takes seconds, so it does not hold the write lock (workers go on
  /// recording): its audit entry is committed first, the read runs in one read transaction (a
  /// consistent snapshot), and a second entry records what it included and left out. The same
  /// transaction stores the statistics key wraps the read made (docs/FORMAT.md, "Statistics key
  /// wraps"), so the next read skips those survivors' X25519 agreements; `rewrapKeys` ignores
  /// the stored wraps and makes every one again (after a wrap failed to open).
  public func readStatisticalCases(
    consentFor purpose: ConsentPurpose, on day: CalendarDate = CalendarDate.today(),
    pseudonymsFor recipient: BoxPublicKey? = nil, target: String = "survivors", rewrapKeys: Bool = false,
    _ visit: (StatisticalCase) throws -> Void
  ) throws(VaultError) -> ConsentFilterSummary {
    try authorize(.readStatistics, action: .statisticsRead, target: target)
    try transaction { db in
      try record(db, action: .statisticsRead, target: target, detail: "begun: every survivor with \(purpose) consent")
    }
    var wraps: [StatisticsKeyWrap] = []
    let summary = try snapshotRead { db in
      let statistics = try statisticsKeyPair(db)
      let pseudonyms = try recipient.map {
        try ExportPseudonyms(statistics: statistics, vaultID: metadata.vaultID, recipient: $0)
      }
      let decryptor = try StatisticalDecryptor(
        statistics: statistics, vaultID: metadata.vaultID, purpose: purpose, day: day, rewrap: rewrapKeys)
      var included = 0
      var excluded: [String: Int] = [:]
      var batch = try StatisticalBatch.fetch(db, after: 0, limit: Self.statisticalBatchSize)
      while let last = batch.last {
        let pending = decryptor.begin(batch)
        // The next batch is read while this one is decrypted.
        let next = try StatisticalBatch.fetch(db, after: last.id, limit: Self.statisticalBatchSize)
        let opened = pending.wait()
        wraps.append(contentsOf: opened.wraps)
        for result in opened.results {
          switch try result.get() {
          case .excluded(let status):
            excluded[status.rawValue, default: 0] += 1
          case .included(let found):
            included += 1
            try visit(found.with(pseudonym: pseudonyms?.pseudonym(survivorID: found.survivorID)))
          }
        }
        batch = next
      }
      return ConsentFilterSummary(purpose: purpose.description, included: included, excluded: excluded)
    }
    try transaction { db in
      let stored = try StatisticsKeyWraps.store(wraps, db)
      try record(
        db, action: .statisticsRead, target: target,
        detail: "\(summary.included) survivors with \(purpose) consent, \(summary.excludedTotal) left out for consent"
          + (stored > 0 ? "; \(stored) statistics keys wrapped for later reads" : ""))
    }
    return summary
  }

  /// One read transaction: a consistent snapshot that takes no write lock.
  private func snapshotRead<T>(_ body: (StoreDatabase) throws -> T) throws(VaultError) -> T {
    do {
      return try vault.database.read(body)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// The vault's statistics key pair, from this user's grant (the `reporting` role only).
  func statisticsKeyPair(_ db: StoreDatabase) throws -> BoxKeyPair {
    guard
      let secret = try UserKeyHolder(self).heldKey(
        db, directory: try directory(db), kind: .statistics, teamID: nil, version: 1, as: BoxSecretKeyPurpose.self)
    else { throw VaultError.keyNotHeld(what: "the statistics key") }
    return try BoxKeyPair(secretKey: secret)
  }
}

import Foundation
import HavenCrypto
import HavenStore

/// A blind-index hit as a lookup reads it: the survivor's record-key material and the few
/// envelopes a lookup may open (to confirm the match and show a summary), nothing else.
struct SurvivorCandidate {
  let id: Int64
  let team: TeamRecord
  let wrappedRecordKey: WrappedRecordKey
  let keyVersion: Int64
  let envelopes: [SurvivorField: [UInt8]]

  /// What `SurvivorSearch.matches` and a summary can ask for: all team fields.
  static let fields: [SurvivorField] = [.reference, .name, .aliases, .dateOfBirth, .externalID]

  /// The probe for `teams` teams' values (one statement text per number of teams).
  static func probe(teams: Int) -> String {
    if teams < probes.count { return probes[teams] }
    return probeSQL(teams: teams)
  }

  private static let probes = (0..<9).map(probeSQL)

  private static func probeSQL(teams: Int) -> String {
    let columns = fields.map { "s.\($0.rawValue)" }.joined(separator: ", ")
    let placeholders = Array(repeating: "?", count: teams).joined(separator: ", ")
    return """
      SELECT i.team_id, i.value, s.id, s.team_key_version, s.wrapped_record_key, s.key_version, \(columns)
      FROM survivor_index i JOIN survivors s ON s.id = i.survivor_id AND s.team_id = i.team_id
      WHERE i.kind = ? AND i.value IN (\(placeholders))
      """
  }
}

/// The blind-index keys one batch of lookups uses, by team and kind: found once per batch
/// (the session's cache names each key by text, which a lookup would otherwise build every time).
struct LookupIndexKeys {
  private var keys: [Int64: [BlindIndexKind: KeyCache<BlindIndexKeyPurpose>.Entry]] = [:]

  mutating func key(
    _ team: TeamRecord, _ kind: BlindIndexKind, _ find: () throws -> KeyCache<BlindIndexKeyPurpose>.Entry
  ) rethrows -> KeyCache<BlindIndexKeyPurpose>.Entry {
    if let known = keys[team.id]?[kind] { return known }
    let entry = try find()
    keys[team.id, default: [:]][kind] = entry
    return entry
  }
}

extension VaultSession {
  /// The survivors of `teams` whose blind index of `kind` holds `text`, in the order of `teams`
  /// and then by id: one index probe and row read for all the teams together (each team's
  /// value is computed under that team's index key, and a hit counts only for the team whose
  /// value it is and who holds the survivor).
  func lookupCandidates(
    _ db: StoreDatabase, teams: [TeamRecord], kind: BlindIndexKind, _ text: String, keys: inout LookupIndexKeys
  ) throws -> [SurvivorCandidate] {
    var order: [Int64: Int] = [:]
    var values: [Int64: [UInt8]] = [:]
    var arguments: [(any StoreValueConvertible)?] = [kind.rawValue]
    for (position, team) in teams.enumerated() where team.currentKeyVersion > 0 {
      let key = try keys.key(team, kind) { try blindIndexKey(db, team: team, kind: kind) }
      let value = BlindIndex.value(text, kind: kind, key: key.key)
      order[team.id] = position
      values[team.id] = value
      arguments.append(Data(value))
    }
    guard !values.isEmpty else { return [] }
    let rows = try StoreRow.fetchCursor(
      db.cachedStatement(sql: SurvivorCandidate.probe(teams: values.count)), arguments: StoreArguments(arguments))
    var seen = Set<Int64>()
    var candidates: [SurvivorCandidate] = []
    while let row = try rows.next() {
      let teamID: Int64 = row[0]
      // A value equal to another team's (it cannot be, under different keys, but the check is free).
      guard let expected = values[teamID], [UInt8](row[1] as Data) == expected, let position = order[teamID] else { continue }
      let id: Int64 = row[2]
      guard seen.insert(id).inserted else { continue }
      var envelopes: [SurvivorField: [UInt8]] = [:]
      for (offset, field) in SurvivorCandidate.fields.enumerated() {
        if let data = row[6 + offset] as Data? { envelopes[field] = [UInt8](data) }
      }
      candidates.append(
        SurvivorCandidate(
          id: id, team: teams[position],
          wrappedRecordKey: WrappedRecordKey(teamID: teamID, teamKeyVersion: row[3], envelope: [UInt8](row[4] as Data)),
          keyVersion: row[5], envelopes: envelopes))
    }
    return candidates.sorted { (order[$0.team.id]!, $0.id) < (order[$1.team.id]!, $1.id) }
  }
}

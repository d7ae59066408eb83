import HavenStore

extension VaultSession {
  /// Reads every case file of the user's teams (or of one of them) whole, one at a time, in one
  /// transaction: a caseload review or a team's handover reads them all, and doing it file by
  /// file would pay a durable commit and a signature per survivor. Each file is audited as a read
  /// of that survivor, in the same transaction, before `visit` sees it. Returns how many were read.
  public func readCaseFiles(team teamName: String? = nil, _ visit: (SurvivorFile) throws -> Void) throws(VaultError) -> Int {
    let target = teamName.map { "team:\($0)" }
    try authorize(.handleCaseRecords, action: .survivorRead, target: target)
    return try caseTransaction(action: .survivorRead, target: target) { db in
      let teams = try teamName.map { [try memberTeam(db, named: $0)] } ?? memberTeams(db)
      var read = 0
      for team in teams {
        let rows = try SurvivorRow.cursor(db, team: team.id)
        while let row = try rows.next() {
          let keys = try caseKeys(db, row)
          let file = try buildFile(db, row, keys)
          try record(db, action: .survivorRead, target: "survivor:\(row.id)", subject: try subject(db, file.reference))
          try visit(file)
          read += 1
        }
      }
      return read
    }
  }
}

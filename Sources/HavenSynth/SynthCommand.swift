import ArgumentParser
import Foundation

/// `haven-synth`: writes a year of a fictional partnership's records as import files, for the
/// demo and for benchmarks. Deterministic for a given seed.
@main
struct SynthCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "haven-synth", abstract: "Write synthetic, obviously fictional import files for a year of activity.")

  @Option(name: .long, help: "How many survivors.") var survivors = 150
  @Option(name: .long, help: "The financial year to cover (April of this year to March of the next).") var year = 2024
  @Option(name: .long, help: "Teams: the first holds most survivors, the second the Stovewood pathway.") var teams =
    "trauma-service,stovewood"
  @Option(name: .long, help: "Receiving services; the first is where referrals arrive.") var services =
    "trauma-service,specialist-counselling,isva-service,family-support"
  @Option(name: .long, help: "Random seed.") var seed: UInt64 = 17
  @Option(name: .long, help: "Directory to write survivors.csv, referrals.csv, sessions.csv and outcomes.csv into.") var out:
    String

  func run() throws {
    let directory = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var partnership = SyntheticPartnership(
      survivors: survivors, year: year, teams: teams.split(separator: ",").map(String.init),
      services: services.split(separator: ",").map(String.init), random: SeededGenerator(seed: seed))
    let counts = try partnership.write(to: directory)
    print(
      "wrote \(counts.survivors) survivors, \(counts.referrals) referrals, \(counts.sessions) sessions, \(counts.outcomes) outcomes, \(counts.consents) consent decisions to \(out)"
    )
  }
}

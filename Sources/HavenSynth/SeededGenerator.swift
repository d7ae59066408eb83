/// SplitMix64: a small, fast, seedable generator, so the same seed always makes the same
/// synthetic partnership (demos and benchmarks are repeatable). Not for anything secret.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

  mutating func pick<T>(_ weighted: [(T, Int)]) -> T {
    let total = weighted.reduce(0) { $0 + $1.1 }
    var roll = Int.random(in: 0..<total, using: &self)
    for (value, weight) in weighted {
      if roll < weight { return value }
      roll -= weight
    }
    return weighted[weighted.count - 1].0
  }
}

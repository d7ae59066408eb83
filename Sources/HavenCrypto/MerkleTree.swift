/// RFC 6962 (Certificate Transparency) Merkle tree hashing and proofs, over SHA-256, so any
/// transparency-log tool or SHA-256 implementation can check Haven's audit log:
///
///     leaf hash = SHA-256(0x00 || leaf data)
///     node hash = SHA-256(0x01 || left || right)
///
/// The tree of n leaves splits at the largest power of two below n (RFC 6962 section 2.1).
/// Proof generation follows RFC 6962 2.1.1-2.1.2; verification follows RFC 9162 2.1.3.2 and 2.1.4.2.
public enum MerkleTree {
  public typealias Hash = [UInt8]

  public static func leafHash(_ data: [UInt8]) -> Hash { SHA256.hash([0x00] + data) }
  public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash { SHA256.hash(prefix: 0x01, left, right) }
  /// The root of the empty tree: SHA-256 of the empty string.
  public static let emptyRoot = SHA256.hash([])

  /// MTH(D[range]) over leaf hashes.
  public static func root(_ leaves: ArraySlice<Hash>) -> Hash {
    switch leaves.count {
    case 0: return emptyRoot
    case 1: return leaves[leaves.startIndex]
    default:
      let k = largestPowerOfTwo(below: leaves.count)
      return nodeHash(root(leaves.prefix(k)), root(leaves.dropFirst(k)))
    }
  }

  public static func root(_ leaves: [Hash]) -> Hash { root(leaves[...]) }

  /// PATH(m, D[n]): the audit path of leaf `index` in the tree of `leaves`.
  public static func inclusionProof(index: Int, _ leaves: ArraySlice<Hash>) -> [Hash] {
    guard leaves.count > 1 else { return [] }
    let k = largestPowerOfTwo(below: leaves.count)
    if index < k {
      return inclusionProof(index: index, leaves.prefix(k)) + [root(leaves.dropFirst(k))]
    }
    return inclusionProof(index: index - k, leaves.dropFirst(k)) + [root(leaves.prefix(k))]
  }

  /// PATH(m, D[n]) where the hash of each subtree on the path is asked of `rangeHash` (MTH of
  /// the leaves in that range, 0-based), so a caller holding stored subtree hashes reads a few
  /// of them instead of every leaf. Equal to `inclusionProof(index:_:)` when `rangeHash` is.
  public static func inclusionProof<E: Error>(
    index: Int, treeSize: Int, rangeHash: (Range<Int>) throws(E) -> Hash
  ) throws(E) -> [Hash] {
    precondition(index >= 0 && index < treeSize)
    var path: [Hash] = []
    var range = 0..<treeSize
    // Top-down, so the path is built in reverse (RFC 6962 lists the deepest sibling first).
    while range.count > 1 {
      let k = largestPowerOfTwo(below: range.count)
      let split = range.lowerBound + k
      if index < split {
        path.append(try rangeHash(split..<range.upperBound))
        range = range.lowerBound..<split
      } else {
        path.append(try rangeHash(range.lowerBound..<split))
        range = split..<range.upperBound
      }
    }
    return path.reversed()
  }

  /// PATH for many leaves of one tree at once: the tree's levels are hashed once (a last node
  /// without a sibling moves up unchanged, which gives RFC 6962's tree), then each path is read
  /// off in O(log n). Equal to `inclusionProof(index:_:)` for every index.
  public static func inclusionProofs(indices: [Int], _ leaves: [Hash]) -> [[Hash]] {
    var levels = [leaves]
    while let level = levels.last, level.count > 1 {
      var next: [Hash] = []
      next.reserveCapacity((level.count + 1) / 2)
      var position = 0
      while position + 1 < level.count {
        next.append(nodeHash(level[position], level[position + 1]))
        position += 2
      }
      if position < level.count { next.append(level[position]) }
      levels.append(next)
    }
    return indices.map { index in
      var path: [Hash] = []
      var position = index
      for level in levels.dropLast() {
        let sibling = position ^ 1
        if sibling < level.count { path.append(level[sibling]) }
        position /= 2
      }
      return path
    }
  }

  /// PROOF(m, D[n]): that the tree of the first `oldSize` leaves is a prefix of the tree of `leaves`.
  public static func consistencyProof(oldSize: Int, _ leaves: ArraySlice<Hash>) -> [Hash] {
    precondition(oldSize >= 0 && oldSize <= leaves.count)
    guard oldSize > 0, oldSize < leaves.count else { return [] }
    return subproof(oldSize, leaves, complete: true)
  }

  private static func subproof(_ m: Int, _ leaves: ArraySlice<Hash>, complete: Bool) -> [Hash] {
    let n = leaves.count
    if m == n { return complete ? [] : [root(leaves)] }
    let k = largestPowerOfTwo(below: n)
    if m <= k { return subproof(m, leaves.prefix(k), complete: complete) + [root(leaves.dropFirst(k))] }
    return subproof(m - k, leaves.dropFirst(k), complete: false) + [root(leaves.prefix(k))]
  }

  /// RFC 9162 2.1.3.2.
  public static func verifyInclusion(leafHash: Hash, index: Int, treeSize: Int, proof: [Hash], root: Hash) -> Bool {
    guard index >= 0, index < treeSize else { return false }
    var fn = index
    var sn = treeSize - 1
    var result = leafHash
    for node in proof {
      guard sn != 0 else { return false }
      if fn & 1 == 1 || fn == sn {
        result = nodeHash(node, result)
        if fn & 1 == 0 { shiftWhileEven(&fn, &sn) }
      } else {
        result = nodeHash(result, node)
      }
      fn >>= 1
      sn >>= 1
    }
    return sn == 0 && result == root
  }

  /// RFC 9162 2.1.4.2.
  public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: Hash, newRoot: Hash, proof: [Hash]) -> Bool {
    guard oldSize >= 0, oldSize <= newSize else { return false }
    if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
    if oldSize == 0 { return proof.isEmpty }
    guard !proof.isEmpty else { return false }
    var path = proof
    if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
    var fn = oldSize - 1
    var sn = newSize - 1
    while fn & 1 == 1 {
      fn >>= 1
      sn >>= 1
    }
    var fr = path[0]
    var sr = path[0]
    for node in path.dropFirst() {
      guard sn != 0 else { return false }
      if fn & 1 == 1 || fn == sn {
        fr = nodeHash(node, fr)
        sr = nodeHash(node, sr)
        if fn & 1 == 0 { shiftWhileEven(&fn, &sn) }
      } else {
        sr = nodeHash(sr, node)
      }
      fn >>= 1
      sn >>= 1
    }
    return fr == oldRoot && sr == newRoot && sn == 0
  }

  /// The step both RFC 9162 verifications share: shift both indexes right until the first is
  /// odd or zero.
  private static func shiftWhileEven(_ fn: inout Int, _ sn: inout Int) {
    repeat {
      fn >>= 1
      sn >>= 1
    } while fn & 1 == 0 && fn != 0
  }

  public static func largestPowerOfTwo(below n: Int) -> Int {
    precondition(n > 1)
    var k = 1
    while k << 1 < n { k <<= 1 }
    return k
  }
}

/// The right edge of a Merkle tree: the roots of its perfect subtrees, largest first. Appending
/// a leaf costs O(log n) hashes and the root is their right-to-left fold, which equals RFC 6962's
/// MTH, so a writer never rereads the log to sign a new checkpoint.
public struct MerkleFrontier: Equatable, Sendable {
  public struct Subtree: Equatable, Sendable {
    public let height: Int
    public let hash: MerkleTree.Hash
    public init(height: Int, hash: MerkleTree.Hash) {
      self.height = height
      self.hash = hash
    }
  }

  public private(set) var subtrees: [Subtree]
  public private(set) var size: Int

  public init(subtrees: [Subtree] = [], size: Int = 0) {
    self.subtrees = subtrees
    self.size = size
  }

  public mutating func append(leafHash: MerkleTree.Hash) {
    _ = append(leafHash: leafHash, completing: -1)
  }

  /// Appends a leaf and returns the hash of the perfect subtree of `height` that this leaf
  /// completed, if it completed one (the size became a multiple of 2^height): what a writer
  /// stores so that later proofs read one hash instead of 2^height leaves.
  public mutating func append(leafHash: MerkleTree.Hash, completing height: Int) -> MerkleTree.Hash? {
    subtrees.append(Subtree(height: 0, hash: leafHash))
    size += 1
    var completed: MerkleTree.Hash? = height == 0 ? leafHash : nil
    while subtrees.count >= 2, subtrees[subtrees.count - 1].height == subtrees[subtrees.count - 2].height {
      let right = subtrees.removeLast()
      let left = subtrees.removeLast()
      let merged = Subtree(height: left.height + 1, hash: MerkleTree.nodeHash(left.hash, right.hash))
      if merged.height == height { completed = merged.hash }
      subtrees.append(merged)
    }
    return completed
  }

  public var root: MerkleTree.Hash {
    guard var result = subtrees.last?.hash else { return MerkleTree.emptyRoot }
    for subtree in subtrees.dropLast().reversed() { result = MerkleTree.nodeHash(subtree.hash, result) }
    return result
  }
}

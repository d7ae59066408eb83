# Sourced by the before/after measurement scripts. build_before ROOT COMMIT: release builds of
# COMMIT (in a worktree under ROOT/.build-before, removed by cleanup_before) and of the working
# tree; sets OLD and NEW to their release directories.
build_before() {
  local root="$1" commit="$2"
  OLD_TREE="$root/.build-before/tree"
  rm -rf "$OLD_TREE"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach -f "$OLD_TREE" "$commit" >/dev/null
  (cd "$OLD_TREE" && swift build -c release --scratch-path "$root/.build-before/build" >/dev/null)
  (cd "$root" && swift build -c release --scratch-path .build >/dev/null)
  OLD="$root/.build-before/build/release"
  NEW="$root/.build/release"
}

cleanup_before() { git -C "$1" worktree remove --force "$1/.build-before/tree" 2>/dev/null || true; }

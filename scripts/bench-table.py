#!/usr/bin/env python3
"""Prints the benchmark suite's results (docs/performance.md) as tables: each workload beside the
floor or baseline measured in the same run, with its goal and whether it was met.

Usage: bench-table.py RESULTS_DIR [CACHE_DIR]
RESULTS_DIR holds the harness's raw samples (`swift package benchmark --format histogramSamples --path DIR`);
CACHE_DIR, the prepared vaults, is read (with Python's sqlite3) for record and entry counts.
"""
import glob
import os
import re
import sqlite3
import statistics
import sys

TIME_UNITS = {"ns": 1e-3, "μs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}
COUNT_UNITS = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}


def load(directory):
    """Medians of the raw samples in the harness's histogramSamples files, one file per
    benchmark and metric: wall clock in microseconds, peak memory in bytes."""
    results = {}
    pattern = re.compile(r"^Current_run\.VaultBenchmarks\.(.+)\.(wallClock|peakMemoryResident)\.histogram\.samples\.tsv$")
    for path in glob.glob(os.path.join(directory, "*.histogram.samples.tsv")):
        match = pattern.match(os.path.basename(path))
        if not match:
            continue
        name, metric = match.group(1).replace("_", " "), match.group(2)
        with open(path, encoding="utf-8") as handle:
            header = handle.readline().strip()
            samples = [float(line) for line in handle if line.strip()]
        unit = re.search(r"\(([^()]*)\)$", header)
        unit = unit.group(1) if unit else ""
        scale = TIME_UNITS.get(unit, 1.0) if metric == "wallClock" else COUNT_UNITS.get(unit, 1)
        entry = results.setdefault(name, {"us": None, "bytes": None, "runs": 0})
        if samples:
            value = statistics.median(samples) * scale
            if metric == "wallClock":
                entry["us"], entry["runs"] = value, len(samples)
            else:
                entry["bytes"] = value
    return results


def size_of(name):
    match = re.search(r"N=(\d+)", name)
    return int(match.group(1)) if match else None


def seconds(us):
    return "-" if us is None else (f"{us / 1e6:.2f} s" if us >= 1e6 else f"{us / 1e3:.1f} ms")


def mib(value):
    return "-" if value is None else f"{value / 2**20:.0f} MiB"


def verdict(ok):
    return "met" if ok else "**not met**"


def count(cache, vault, table):
    path = os.path.join(cache or "", vault, "vault.sqlite")
    if not cache or not os.path.exists(path):
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


MISSING = []


def pairs(results, workload, goal):
    print(f"\n### {workload.capitalize()}: vault against floor (goal: within {goal}x)\n")
    print("| N survivors | vault | floor | ratio | goal | peak RSS (vault) |")
    print("|---:|---:|---:|---:|---|---:|")
    for name in sorted((n for n in results if n.startswith(workload) and " vault " in n), key=size_of):
        floor = results.get(name.replace(" vault ", " floor "))
        vault = results[name]
        if not floor or not floor["us"] or vault["us"] is None:
            # A figure without its floor is no result: say so, and fail the run.
            print(f"| {size_of(name):,} | {seconds(vault['us'])} | missing: the floor benchmark failed (see above) | - | - | - |")
            MISSING.append(name)
            continue
        ratio = vault["us"] / floor["us"]
        print(f"| {size_of(name):,} | {seconds(vault['us'])} | {seconds(floor['us'])} | {ratio:.2f}x "
              f"| {verdict(ratio <= goal)} | {mib(vault['bytes'])} |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    results = load(sys.argv[1])
    cache = sys.argv[2] if len(sys.argv) > 2 else None
    if not results:
        sys.exit(f"bench-table: no benchmark samples in {sys.argv[1]}")
    print("## Haven benchmarks (median of the runs; release build)")

    pairs(results, "1 insert", 1.5)
    pairs(results, "2 read", 1.5)

    print("\n### 3. Lookup by reference through the blind index (goal: under 50 us in-process, flat in N)\n")
    print("| N survivors | per lookup, 1,000 in one call | one whole call (own commit) | goal |")
    print("|---:|---:|---:|---|")
    for name in sorted((n for n in results if n.startswith("3 lookup per")), key=size_of):
        per = results[name]["us"] / 1000
        single = results.get(re.sub(r"per \d+", "single", name), {}).get("us")
        print(f"| {size_of(name):,} | {per:.1f} us | {seconds(single)} | {verdict(per < 50)} |")

    print("\n### 4. Audit verification against a scan of the same rows (goal: under 2 s per 1,000,000 entries, within 2x)\n")
    print("| vault | entries | verify | scan | ratio | goal | peak RSS |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for name in sorted(n for n in results if n.startswith("4 audit verify")):
        scan = results.get(name.replace("verify", "scan"))
        verify = results[name]
        label = name[len("4 audit verify "):]
        n = size_of(label)
        vault = f"survivors-{n}" if "survivors-only" in label else f"populated-{n}"
        entries = count(cache, vault, "audit_entries")
        ratio = verify["us"] / scan["us"] if scan and scan["us"] else None
        per_million = verify["us"] / entries * 1e6 if entries else None
        ok = ratio is not None and ratio <= 2 and per_million is not None and per_million < 2e6
        print(f"| {label} | {entries if entries is not None else '?':,} | {seconds(verify['us'])} | "
              f"{seconds(scan['us'] if scan else None)} | {ratio:.2f}x | {verdict(ok)} | {mib(verify['bytes'])} |"
              if ratio is not None else f"| {label} | ? | {seconds(verify['us'])} | - | - | - | - |")

    print("\n### 5. The commissioner's report (goal: under 3 s at 100,000 survivors, peak memory flat)\n")
    print("| N survivors | time | peak RSS | goal | first report (every key agreed and wrapped) | its peak RSS |")
    print("|---:|---:|---:|---|---:|---:|")
    reports = sorted((n for n in results if n.startswith("5 report")), key=size_of)
    smallest = results[reports[0]]["bytes"] if reports else None
    for name in reports:
        r = results[name]
        n = size_of(name)
        flat = smallest is None or r["bytes"] is None or r["bytes"] <= 1.5 * smallest
        ok = flat and (n < 100_000 or r["us"] < 3e6)
        agreed = results.get(name.replace("5 report", "5 agreed report"), {})
        print(f"| {n:,} | {seconds(r['us'])} | {mib(r['bytes'])} | {verdict(ok)} | "
              f"{seconds(agreed.get('us'))} | {mib(agreed.get('bytes'))} |")

    commands = {n: r for n, r in results.items() if n.startswith("6 cli")}
    status = next((r for n, r in commands.items() if n.startswith("6 cli status")), None)
    version = next((r for n, r in commands.items() if n.startswith("6 cli version")), None)
    if status:
        n = size_of(next(iter(commands)))
        print(f"\n### 6. Commands as whole processes at N={n:,} (goal: no more than `status` + 50 ms)\n")
        print(f"Process start alone (`--version`): {seconds(version['us'] if version else None)}; "
              f"open and unlock (`status`, Argon2id interactive): {seconds(status['us'])}.\n")
        print("| command | time | over `status` | peak RSS | goal |")
        print("|---|---:|---:|---:|---|")
        for name in sorted(commands, key=lambda k: commands[k]["us"]):
            if name.startswith(("6 cli status", "6 cli version")):
                continue
            r = commands[name]
            over = (r["us"] - status["us"]) / 1e3
            label = re.sub(r"^6 cli | N=\d+$", "", name)
            print(f"| `{label}` | {seconds(r['us'])} | {over:+.1f} ms | {mib(r['bytes'])} | {verdict(over <= 50)} |")

    print("\n### 7. Unlock at each Argon2id level (open the vault, stretch the passphrase, unwrap the keys)\n")
    print("| level | time | peak RSS |")
    print("|---|---:|---:|")
    for level in ["interactive", "moderate", "sensitive"]:
        r = results.get(f"7 unlock {level}")
        if r:
            print(f"| {level} | {seconds(r['us'])} | {mib(r['bytes'])} |")


if __name__ == "__main__":
    main()
    if MISSING:
        sys.exit(f"bench-table: {len(MISSING)} figure(s) without their floor: {', '.join(MISSING)}")

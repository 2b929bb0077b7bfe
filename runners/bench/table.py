#!/usr/bin/env python3
"""Turns the bench's raw runs (raw.tsv) into the table of medians: stdout, results.md, results.json."""
import json
import statistics
import sys
import time

raw, md_path, json_path, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = [l.rstrip("\n").split("\t") for l in open(raw) if l.strip()]
groups = {}
for row in rows:
    runner, n, r, wall, run_ms, rss, ok, size, load, counts = row[:10]
    cpu = float(row[10]) if len(row) > 10 else -1.0
    g = groups.setdefault((runner, int(n)), {"wall": [], "run": [], "rss": [], "ok": [], "bytes": int(size), "load": [], "counts": set(), "cpu": []})
    g["cpu"].append(cpu)
    g["wall"].append(float(wall))
    g["run"].append(float(run_ms) / 1000.0)
    g["rss"].append(int(rss) / 1024.0)
    g["ok"].append(ok)
    g["load"].append(float(load))
    g["counts"].add(counts)

order = {"duckdb": 0, "baseline": 1, "direct": 2, "flink-p1": 3, "flink-p2": 4, "sample": 5}
# every runner of a size must give the same read/written/rejected/duplicates (the sample has its own)
agree = {}
for (runner, n), g in groups.items():
    if runner != "sample":
        agree.setdefault(n, set()).update(g["counts"])
results = []
for (runner, n), g in sorted(groups.items(), key=lambda kv: (kv[0][1], order.get(kv[0][0], 9))):
    wall = statistics.median(g["wall"])
    run = statistics.median(g["run"])
    base = groups.get(("baseline", n))
    ratio = statistics.median(base["wall"]) / wall if base else None
    duck = groups.get(("duckdb", n))
    ratio_duck = statistics.median(duck["wall"]) / wall if duck and runner != "sample" else None
    cpu = statistics.median(g["cpu"])
    conservation = "OK" if all(o == "OK" for o in g["ok"]) else ",".join(sorted(set(g["ok"])))
    if runner != "sample" and len(agree.get(n, ())) > 1 and conservation == "OK":
        conservation = "COUNTS DIFFER"
    results.append({
        "runner": runner, "records": n, "runs": len(g["wall"]), "wall_s": round(wall, 2), "in_pipeline_s": round(run, 2),
        "records_per_s": round(n / wall), "mb_per_s": round(g["bytes"] / 1e6 / wall, 1),
        "ratio_to_baseline": round(ratio, 2) if ratio else None, "ratio_to_duckdb": round(ratio_duck, 2) if ratio_duck else None,
        "cpu_s": round(cpu, 2) if cpu >= 0 else None, "peak_rss_mb": round(statistics.median(g["rss"])),
        "conservation": conservation,
        "counts_read_written_rejected_duplicates": sorted(g["counts"]), "load_at_start": g["load"],
        "input_mb": round(g["bytes"] / 1e6, 1),
    })

head = "| runner | records | wall s | CPU s | in-pipeline s | records/s | MB/s | × DuckDB | × baseline | peak RSS MB | counts | load (1 min) at start |"
lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
for x in results:
    sample = x["runner"] == "sample"
    lines.append("| %s | %d | %.2f | %s | %s | %s | %s | %s | %s | %d | %s | %s |" % (
        "sample (`make run`)" if sample else x["runner"], x["records"], x["wall_s"],
        "%.2f" % x["cpu_s"] if x["cpu_s"] is not None else "-",
        "-" if sample else "%.2f" % x["in_pipeline_s"], "-" if sample else "%d" % x["records_per_s"],
        "-" if sample else "%.1f" % x["mb_per_s"],
        "%.2f" % x["ratio_to_duckdb"] if x["ratio_to_duckdb"] else "-",
        "%.2f" % x["ratio_to_baseline"] if x["ratio_to_baseline"] else "-", x["peak_rss_mb"], x["conservation"],
        " ".join("%.1f" % l for l in x["load_at_start"])))
with open("/proc/loadavg") as f:
    load = " ".join(f.read().split()[:3])
note = ("Medians of %s run(s), each a separate JVM; wall and records/s are whole-process (start-up included), "
        "CPU s is user + sys of the process (GNU time); in-pipeline is the report's timings_ms.run (the peers: their own run). "
        "× DuckDB = DuckDB wall / runner wall, × baseline = baseline wall / runner wall; runs interleaved round-robin; "
        "counts: OK when the conservation check holds and every runner of a size gave the same read/written/rejected/duplicates. "
        "Load average at the end: %s. %s" % (runs, load, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))


def find(runner, n):
    return next((x for x in results if x["runner"] == runner and x["records"] == n), None)


# Issue 16's targets, where the sizes measured allow checking them
targets = []


def ratio_target(name, runner, n, key, want):
    x = find(runner, n)
    if x and x[key]:
        r = x[key]
        targets.append((name, "%.2fx" % r, r >= want, "%.0f%% short" % ((want - r) / want * 100)))
    else:
        targets.append((name, "not measured (SIZES needs %d, RUNNERS %s and %s)" % (n, runner, "duckdb" if "duckdb" in key else "baseline"), None, ""))


ratio_target("embedded Flink p=2 >= 1.0x DuckDB at 4M", "flink-p2", 4000000, "ratio_to_duckdb", 1.0)
ratio_target("embedded Flink p=2 >= 0.7x DuckDB at 1M", "flink-p2", 1000000, "ratio_to_duckdb", 0.7)
ratio_target("embedded Flink p=2 >= 1.3x the baseline at 4M", "flink-p2", 4000000, "ratio_to_baseline", 1.3)
ratio_target("Direct >= 0.8x the baseline at 1M", "direct", 1000000, "ratio_to_baseline", 0.8)
d = find("direct", 1000000)
if d:
    targets.append(("Direct peak RSS <= 1.2 GB at 1M", "%d MB" % d["peak_rss_mb"], d["peak_rss_mb"] <= 1229, "over by %d MB" % (d["peak_rss_mb"] - 1229)))
else:
    targets.append(("Direct peak RSS <= 1.2 GB at 1M", "not measured (SIZES needs 1000000, RUNNERS direct)", None, ""))
f1, f4 = find("flink-p2", 1000000), find("flink-p2", 4000000)
if f4:
    targets.append(("Flink p=2 peak RSS <= 1.2 GB at 4M", "%d MB" % f4["peak_rss_mb"], f4["peak_rss_mb"] <= 1229, "over by %d MB" % (f4["peak_rss_mb"] - 1229)))
else:
    targets.append(("Flink p=2 peak RSS <= 1.2 GB at 4M", "not measured (SIZES needs 4000000, RUNNERS flink-p2)", None, ""))
if f1 and f4:
    g = (f4["peak_rss_mb"] - f1["peak_rss_mb"]) / f1["peak_rss_mb"] * 100
    targets.append(("Flink p=2 peak RSS grows < 10% from 1M to 4M", "%d -> %d MB (%+.0f%%)" % (f1["peak_rss_mb"], f4["peak_rss_mb"], g), g < 10, "over by %.0f points" % (g - 10)))
else:
    targets.append(("Flink p=2 peak RSS grows < 10% from 1M to 4M", "not measured (SIZES needs 1000000 and 4000000)", None, ""))
sm = find("sample", 157)
if sm:
    targets.append(("make run of the sample <= 4 s wall (Direct, after the build)", "%.2f s" % sm["wall_s"], sm["wall_s"] <= 4, "over by %.1f s" % (sm["wall_s"] - 4)))
else:
    targets.append(("make run of the sample <= 4 s wall (Direct, after the build)", "not measured (SAMPLE=1)", None, ""))
tlines = ["| target | measured | |", "|---|---|---|"]
for name, measured, ok, miss in targets:
    tlines.append("| %s | %s | %s |" % (name, measured, "-" if ok is None else ("met" if ok else "MISSED: " + miss)))
text = "\n".join(lines) + "\n\n" + note + "\n\nTargets of issue 16:\n\n" + "\n".join(tlines) + "\n"
print(text)
open(md_path, "w").write(text)
json.dump({"results": results, "note": note,
           "targets": [{"target": t[0], "measured": t[1], "met": t[2], "miss": t[3]} for t in targets]},
          open(json_path, "w"), indent=2)

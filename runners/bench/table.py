#!/usr/bin/env python3
"""Turns the bench's raw runs (raw.tsv) into the table of medians: stdout, results.md, results.json."""
import json
import statistics
import sys
import time

raw, md_path, json_path, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = [l.rstrip("\n").split("\t") for l in open(raw) if l.strip()]
groups = {}
for runner, n, r, wall, run_ms, rss, ok, size, load, counts in rows:
    g = groups.setdefault((runner, int(n)), {"wall": [], "run": [], "rss": [], "ok": [], "bytes": int(size), "load": [], "counts": set()})
    g["wall"].append(float(wall))
    g["run"].append(float(run_ms) / 1000.0)
    g["rss"].append(int(rss) / 1024.0)
    g["ok"].append(ok)
    g["load"].append(float(load))
    g["counts"].add(counts)

order = {"baseline": 0, "direct": 1, "flink-p1": 2, "flink-p2": 3, "sample": 4}
results = []
for (runner, n), g in sorted(groups.items(), key=lambda kv: (kv[0][1], order.get(kv[0][0], 9))):
    wall = statistics.median(g["wall"])
    run = statistics.median(g["run"])
    base = groups.get(("baseline", n))
    ratio = statistics.median(base["wall"]) / wall if base else None
    results.append({
        "runner": runner, "records": n, "runs": len(g["wall"]), "wall_s": round(wall, 2), "in_pipeline_s": round(run, 2),
        "records_per_s": round(n / wall), "mb_per_s": round(g["bytes"] / 1e6 / wall, 1),
        "ratio_to_baseline": round(ratio, 2) if ratio else None, "peak_rss_mb": round(statistics.median(g["rss"])),
        "conservation": "OK" if all(o == "OK" for o in g["ok"]) else ",".join(sorted(set(g["ok"]))),
        "counts_read_written_rejected_duplicates": sorted(g["counts"]), "load_at_start": g["load"],
        "input_mb": round(g["bytes"] / 1e6, 1),
    })

head = "| runner | records | wall s | in-pipeline s | records/s | MB/s | × baseline | peak RSS MB | conservation | load (1 min) at start |"
lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
for x in results:
    sample = x["runner"] == "sample"
    lines.append("| %s | %d | %.2f | %s | %s | %s | %s | %d | %s | %s |" % (
        "sample (`make run`)" if sample else x["runner"], x["records"], x["wall_s"],
        "-" if sample else "%.2f" % x["in_pipeline_s"], "-" if sample else "%d" % x["records_per_s"],
        "-" if sample else "%.1f" % x["mb_per_s"],
        "%.2f" % x["ratio_to_baseline"] if x["ratio_to_baseline"] else "-", x["peak_rss_mb"], x["conservation"],
        " ".join("%.1f" % l for l in x["load_at_start"])))
with open("/proc/loadavg") as f:
    load = " ".join(f.read().split()[:3])
note = ("Medians of %s run(s), each a separate JVM; wall and records/s are whole-process (start-up included), "
        "in-pipeline is the report's timings_ms.run (the baseline: its own run). × baseline = baseline wall / runner wall. "
        "Load average at the end: %s. %s" % (runs, load, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))


def find(runner, n):
    return next((x for x in results if x["runner"] == runner and x["records"] == n), None)


# Issue 7's targets, where the sizes measured allow checking them
targets = []
sizes = sorted({x["records"] for x in results if x["runner"] != "sample"})
big = 4000000 if find("flink-p2", 4000000) and find("baseline", 4000000) else None
if big:
    r = find("flink-p2", big)["ratio_to_baseline"]
    targets.append(("embedded Flink p=2 >= 1.0x the baseline at 4M", "%.2fx" % r, r >= 1.0, "%.0f%% short" % ((1.0 - r) * 100)))
else:
    targets.append(("embedded Flink p=2 >= 1.0x the baseline at 4M", "not measured (SIZES needs 4000000, RUNNERS baseline and flink-p2)", None, ""))
d = find("direct", 1000000)
if d and find("baseline", 1000000):
    r = d["ratio_to_baseline"]
    targets.append(("Direct >= 0.3x the baseline at 1M", "%.2fx" % r, r >= 0.3, "%.0f%% short" % ((0.3 - r) / 0.3 * 100)))
    targets.append(("Direct peak RSS <= 1.5 GB at 1M", "%d MB" % d["peak_rss_mb"], d["peak_rss_mb"] <= 1536, "over by %d MB" % (d["peak_rss_mb"] - 1536)))
else:
    targets.append(("Direct >= 0.3x the baseline and peak RSS <= 1.5 GB at 1M", "not measured (SIZES needs 1000000, RUNNERS baseline and direct)", None, ""))
f1, f4 = find("flink-p2", 1000000), find("flink-p2", 4000000)
if f1 and f4:
    g = (f4["peak_rss_mb"] - f1["peak_rss_mb"]) / f1["peak_rss_mb"] * 100
    targets.append(("Flink p=2 peak RSS grows < 20% from 1M to 4M", "%d -> %d MB (%+.0f%%)" % (f1["peak_rss_mb"], f4["peak_rss_mb"], g), g < 20, "over by %.0f points" % (g - 20)))
else:
    targets.append(("Flink p=2 peak RSS grows < 20% from 1M to 4M", "not measured (SIZES needs 1000000 and 4000000)", None, ""))
sm = find("sample", 157)
if sm:
    targets.append(("make run of a sample < 15 s wall (Direct, after the build)", "%.2f s" % sm["wall_s"], sm["wall_s"] < 15, "over by %.1f s" % (sm["wall_s"] - 15)))
tlines = ["| target | measured | |", "|---|---|---|"]
for name, measured, ok, miss in targets:
    tlines.append("| %s | %s | %s |" % (name, measured, "-" if ok is None else ("met" if ok else "MISSED: " + miss)))
text = "\n".join(lines) + "\n\n" + note + "\n\nTargets of issue 7:\n\n" + "\n".join(tlines) + "\n"
print(text)
open(md_path, "w").write(text)
json.dump({"results": results, "note": note,
           "targets": [{"target": t[0], "measured": t[1], "met": t[2], "miss": t[3]} for t in targets]},
          open(json_path, "w"), indent=2)

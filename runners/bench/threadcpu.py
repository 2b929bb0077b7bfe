#!/usr/bin/env python3
"""Runs a command and prints its CPU seconds per thread (grouped by name, digits dropped), wall time,
whole-process CPU (user + sys) and peak RSS: where a JVM's CPU goes (JIT compiler threads, GC,
Flink's task threads). Samples /proc/<pid>/task/*/stat every 0.2 s, so a thread that ends between
samples loses up to 0.2 s; the process total comes from getrusage.

  python3 runners/bench/threadcpu.py java -Xmx2g -cp ... dev.cauce.Cauce --spec=...
"""
import collections, os, re, resource, subprocess, sys, time

tick = os.sysconf('SC_CLK_TCK')
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
last = {}  # thread id -> (name, CPU seconds at its last sample)
start = time.time()
while proc.poll() is None:
    try:
        tids = os.listdir(f'/proc/{proc.pid}/task')
    except FileNotFoundError:
        break
    for tid in tids:
        try:
            stat = open(f'/proc/{proc.pid}/task/{tid}/stat').read()
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        last[tid] = (name, (int(fields[11]) + int(fields[12])) / tick)  # utime + stime
    time.sleep(0.2)
proc.wait()
wall = time.time() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
groups = collections.Counter()
for name, cpu in last.values():
    groups[re.sub(r'#?\d+$', '', name)] += cpu
print('exit %d, wall %.1f s, cpu %.1f s, peak RSS %d MB' % (proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024))
for name, cpu in groups.most_common(15):
    print('%8.2f  %s' % (cpu, name))

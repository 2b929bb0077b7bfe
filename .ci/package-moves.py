#!/usr/bin/env python3
"""Moves classes between packages of dev.cauce (issue 11 item 5) with git mv, and fixes package
lines, fully-qualified names and imports in src/ (plus Makefile and README.md). Run from the repo root."""
import os, re, subprocess

MAIN, TEST = 'src/main/java', 'src/test/java'
MOVES = {  # 'oldpkg.Class' ('' = dev.cauce itself) -> new package
    **{f'core.{c}': 'model' for c in ['CauceRecord', 'SourceRecord', 'Rejection', 'Violation', 'Reasons',
                                      'Stage', 'Result', 'RecordSink', 'StageLogic']},
    **{f'core.{c}': 'coders' for c in ['Coders', 'Frame', 'Schemas']},
    **{f'core.{c}': 'beam' for c in ['FusedStages', 'OutcomeRouter', 'Staged']},
    **{f'monitor.{c}': 'metrics' for c in ['CauceMetrics', 'RunCounts', 'Conservation']},
    'monitor.Secrets': 'secrets',
    'orchestrate.RunAll': '',
    # tests next to their classes
    'core.CodersTest': 'coders', 'monitor.ConservationTest': 'metrics', 'monitor.SecretsTest': 'secrets',
}


def fq(p):
    return 'dev.cauce' + ('.' + p if p else '')


def java_files():
    out = []
    for r in (MAIN, TEST):
        for d, _, fs in os.walk(r):
            out += [os.path.join(d, f) for f in fs if f.endswith('.java')]
    return out


def pkg_dir(root, p):
    return os.path.join(root, fq(p).replace('.', '/'))


moves = {}  # simple name -> (old package, new package)
for k, v in MOVES.items():
    op, c = k.rsplit('.', 1) if '.' in k else ('', k)
    moves[c] = (op, v)
touched = {op for op, _ in moves.values()}
# every class of a package losing classes: (old, new) package, to add the imports same-package use made implicit
classes = {}
for r in (MAIN, TEST):
    for p in touched:
        d = pkg_dir(r, p)
        for f in os.listdir(d):
            if f.endswith('.java'):
                classes.setdefault(f[:-5], (p, p))
classes.update(moves)

# 1. move the files, remembering each file's original package
orig_pkg = {f: re.search(r'^package ([\w.]+);', open(f).read(), re.M).group(1) for f in java_files()}
for c, (op, np) in moves.items():
    for r in (MAIN, TEST):
        src = os.path.join(pkg_dir(r, op), c + '.java')
        if os.path.exists(src):
            dst = os.path.join(pkg_dir(r, np), c + '.java')
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            subprocess.check_call(['git', 'mv', src, dst])
            orig_pkg[dst] = orig_pkg.pop(src)
            s = open(dst).read().replace(f'package {fq(op)};', f'package {fq(np)};', 1)
            open(dst, 'w').write(s)


def code_only(s):
    s = re.sub(r'^(package|import) .*$', '', s, flags=re.M)
    s = re.sub(r'/\*.*?\*/', '', s, flags=re.S)
    s = re.sub(r'"""(.|\n)*?"""', '""', s)
    s = re.sub(r'"(\\.|[^"\\\n])*"', '""', s)
    return re.sub(r'//.*', '', s)


IMPORT = re.compile(r'^import (static )?([\w.]+);\n', re.M)

# 2. rewrite fully-qualified names, drop same-package imports, add imports that were implicit
for f in java_files():
    s = open(f).read()
    o = s
    for c, (op, np) in moves.items():
        s = re.sub(re.escape(fq(op) + '.' + c) + r'\b', fq(np) + '.' + c, s)
    pkg = re.search(r'^package ([\w.]+);', s, re.M).group(1)
    s = re.sub(r'^import ' + re.escape(pkg) + r'\.[A-Z]\w*;\n', '', s, flags=re.M)
    own = os.path.basename(f)[:-5]
    body = code_only(s)
    imported = {m.group(2).rsplit('.', 1)[1] for m in IMPORT.finditer(s)}
    add = []
    for c, (op, np) in classes.items():
        if (fq(op) == orig_pkg[f] and fq(np) != pkg and c != own and c not in imported
                and re.search(r'(?<![\w.])' + c + r'\b', body)):
            add.append(f'{fq(np)}.{c}')
    if add or s != o:
        # a sorted, contiguous block of plain imports stays sorted; otherwise lines stay where they are
        # and an added import goes before the first plain import that sorts after it
        before = [m.group(2) for m in IMPORT.finditer(o) if not m.group(1)]
        lines = s.split('\n')
        idx = [i for i, l in enumerate(lines) if re.match(r'import [\w.]+;$', l)]
        plain = [lines[i][7:-1] for i in idx]
        if idx and before == sorted(before) and idx == list(range(idx[0], idx[0] + len(idx))):
            lines[idx[0]:idx[-1] + 1] = [f'import {n};' for n in sorted(set(plain + add))]
        elif idx:
            for n in sorted(add):
                idx = [i for i, l in enumerate(lines) if re.match(r'import [\w.]+;$', l)]
                at = next((i for i in idx if lines[i][7:-1] > n), idx[-1] + 1)
                lines.insert(at, f'import {n};')
        else:
            p = next(i for i, l in enumerate(lines) if l.startswith('package '))
            lines[p + 1:p + 1] = [''] + [f'import {n};' for n in sorted(add)]
        s = '\n'.join(lines)
    if s != o:
        open(f, 'w').write(s)

# 3. names in the build and the docs
for f in ['Makefile', 'README.md']:
    s = open(f).read()
    o = s
    for c, (op, np) in moves.items():
        s = re.sub(re.escape(fq(op) + '.' + c) + r'\b', fq(np) + '.' + c, s)
    if s != o:
        open(f, 'w').write(s)

# 4. packages left empty
for r in (MAIN, TEST):
    for p in touched:
        d = pkg_dir(r, p)
        if os.path.isdir(d) and not os.listdir(d):
            os.rmdir(d)

#!/usr/bin/env python3
"""The scoring half of `make eval`.

usage: eval.py --data EVAL_DATA --bin BINARY --cv CV.jsonl --cv-labels LABELS.jsonl
               --floors FLOORS.json [--update]

Scores the judgement with the evaluation's own scorer (EVAL_DATA/eval/score.py): the labelled
dev sets by cross-validation (CV.jsonl holds the analyses of LABELS.jsonl's lines, each by
models trained without its fold: the trainer's -cv output; targets eval/targets.json), and
`BINARY analyze` on each external set (EVAL_DATA/eval/external/NAME_*.jsonl, with its
targets-NAME.json), which the models never saw. It plays the evaluation's scenarios with
`BINARY simulate` (eval/check_scenario.py), and prints every figure beside its floor and the
evaluation's target. The dev sets are never scored by the shipped models: those were trained
on them.

It fails when a figure is below its floor in FLOORS.json (the figures last measured, rounded
down to the hundredth: a change may not lose ground), when a floored figure is not measured
any more, or when a scenario fails. Being below a target is reported, not failed: the targets
are where the judgement is going, the floors where it is. --update rewrites FLOORS.json from
the figures measured (make floors), for a change that lifts them.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys

EPS = 1e-9


def score(scorer, command, files, targets):
    """Runs the scorer and returns its figures, or exits when it could not score."""
    cmd = [sys.executable, scorer, "--cmd", command, "--targets", targets, "--json"] + files
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.split("\n", 1)[0]
    try:
        return json.loads(first)
    except ValueError:
        sys.exit("eval: the scorer failed (exit %d) on %s:\n%s%s" % (proc.returncode, " ".join(files), proc.stdout, proc.stderr))


def sets(data, binary, cv, cv_labels):
    """The labelled sets: (name, command, files, targets file)."""
    ev = os.path.join(data, "eval")
    out = [("dev (5-fold cross-validation)", "cat " + cv, [cv_labels], os.path.join(ev, "targets.json"))]
    for t in sorted(glob.glob(os.path.join(ev, "external", "targets-*.json"))):
        name = os.path.basename(t)[len("targets-"):-len(".json")]
        out.append((name, binary + " analyze", sorted(glob.glob(os.path.join(ev, "external", name + "_*.jsonl"))), t))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cv", required=True, help="the pooled cross-validated analyses of the dev sets")
    ap.add_argument("--cv-labels", required=True, help="the dev lines they analyse, in the same order")
    ap.add_argument("--floors", required=True)
    ap.add_argument("--update", action="store_true", help="rewrite the floors from the figures measured")
    a = ap.parse_args()
    scorer = os.path.join(a.data, "eval", "score.py")
    if not os.path.isfile(scorer):
        sys.exit("eval: no scorer at %s: make eval needs the evaluation data beside the repository" % scorer)
    with open(a.floors) as f:
        floors = json.load(f)

    passed = failed = below_target = 0
    seen = set()
    measured = {}
    for name, command, files, targets_file in sets(a.data, a.bin, a.cv, a.cv_labels):
        if not files:
            sys.exit("eval: no labelled files for the set %s" % name)
        with open(targets_file) as f:
            targets = json.load(f)
        figures = score(scorer, command, files, targets_file)
        key = name.split(" ")[0]
        seen.add(key)
        measured[key] = {k: math.floor(round(v * 100, 6)) / 100 for k, v in sorted(figures.items())}
        rel = [os.path.relpath(p, a.data) if p.startswith(a.data) else p for p in files]
        print("\n%s: %s" % (name, " ".join(rel)))
        print("  %-30s %7s %7s %7s" % ("figure", "score", "floor", "target"))
        set_floors = floors.get(key, {})
        for fig in sorted(figures):
            v, fl, tg = figures[fig], set_floors.get(fig), targets.get(fig)
            notes = []
            if fl is None:
                notes.append("no floor")
            elif v + EPS >= fl:
                passed += 1
            else:
                failed += 1
                notes.append("BELOW FLOOR")
            if tg is not None and v + EPS < tg:
                below_target += 1
                notes.append("below target")
            print("  %-30s %7.3f %7s %7s  %s" % (fig, v, "-" if fl is None else "%.2f" % fl,
                                                 "-" if tg is None else "%.2f" % tg, ", ".join(notes)))
        for fig in sorted(set(set_floors) - set(figures)):
            failed += 1
            print("  %-30s %7s %7.2f %7s  NOT MEASURED" % (fig, "-", set_floors[fig], "-"))
    for name in sorted(set(floors) - seen):
        failed += 1
        print("\n%s: a set with floors that is not in the evaluation data" % name)

    scenarios = sorted(p for p in glob.glob(os.path.join(a.data, "eval", "scenarios", "*.json"))
                       if not p.endswith(".expect.json"))
    if scenarios:
        print("\nscenarios: %s" % " ".join(os.path.relpath(p, a.data) for p in scenarios))
        proc = subprocess.run([sys.executable, os.path.join(a.data, "eval", "check_scenario.py"),
                               "--cmd", a.bin + " simulate"] + scenarios,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout.splitlines():
            print("  " + line)
        if proc.returncode != 0:
            failed += 1
            print("  the scenarios FAILED")
        else:
            passed += 1

    if a.update:
        with open(a.floors, "w") as f:
            f.write(json.dumps(measured, indent=2) + "\n")
        print("\nwrote the floors measured to %s" % a.floors)
    print("\n%d figures below the evaluation's targets (reported, not failed)" % below_target)
    print("floors: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

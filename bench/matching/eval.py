#!/usr/bin/env python3
"""Scores duplicate pairs against the generator's truth: precision, recall, F1, and recall on
cross-script pairs (one record's name in Arabic script, the other's in Latin), with the false
positives broken down by relation (same household: mother, sister, daughter…; other household:
namesake or chance). Python 3 standard library only.

  eval.py --truth TRUTH.tsv --persons PERSONS.jsonl --pairs PAIRS.jsonl [--label NAME]
          [--decisions probable,possible]

PAIRS.jsonl: one {"a": id, "b": id, …} per line (the output of `tamkine dedupe`, or of the
pg_trgm baseline); lines with a "decision" not in --decisions are ignored.
Prints one `name: value` line per figure (prefixed with --label), or JSON with --json.
"""

import argparse
import collections
import json
import sys


def load_truth(path):
    rec = {}
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            rid, entity, household, role, script = line.rstrip("\n").split("\t")
            rec[rid] = (int(entity), int(household), role, script)
    return rec


def true_pair_counts(rec, restrict=None):
    """Number of true pairs, and of cross-script true pairs."""
    by_entity = collections.defaultdict(list)
    for rid, (entity, _, _, script) in rec.items():
        if restrict is None or rid in restrict:
            by_entity[entity].append(script)
    total = cross = 0
    for scripts in by_entity.values():
        n = len(scripts)
        total += n * (n - 1) // 2
        ar = sum(1 for s in scripts if s in ("arabic", "tifinagh"))
        la = sum(1 for s in scripts if s == "latin")
        cross += ar * la
    return total, cross


def is_cross(s1, s2):
    return {s1, s2} == {"arabic", "latin"} or {s1, s2} == {"tifinagh", "latin"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", required=True)
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--decisions", default="probable",
                    help="comma-separated decisions counted as predicted duplicates")
    ap.add_argument("--min-score", type=float,
                    help="count pairs scoring at least this, whatever their decision")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--persons", help="the input of the run: only its records count")
    ap.add_argument("--show-errors", type=int, default=0,
                    help="print this many false positives and negatives (needs --persons)")
    args = ap.parse_args()

    rec = load_truth(args.truth)
    if args.persons:
        # Only the records that were deduplicated (the truth file also lists held-out queries).
        ids = set()
        with open(args.persons, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    ids.add(json.loads(line)["id"])
        rec = {k: v for k, v in rec.items() if k in ids}
    wanted = set(args.decisions.split(","))
    seen = set()
    tp = fp = tp_cross = 0
    fp_kind = collections.Counter()
    fps = []
    with open(args.pairs, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            p = json.loads(line)
            if args.min_score is not None:
                if p.get("score", 0) < args.min_score:
                    continue
            elif p.get("decision", "probable") not in wanted:
                continue
            a, b = p["a"], p["b"]
            key = (a, b) if a < b else (b, a)
            if key in seen or a == b:
                continue
            seen.add(key)
            ra, rb = rec[a], rec[b]
            if ra[0] == rb[0]:
                tp += 1
                if is_cross(ra[3], rb[3]):
                    tp_cross += 1
            else:
                fp += 1
                if ra[1] == rb[1]:
                    fp_kind["relative:" + "/".join(sorted((ra[2], rb[2])))] += 1
                else:
                    fp_kind["other household"] += 1
                if len(fps) < args.show_errors:
                    fps.append(key)
    total, cross = true_pair_counts(rec)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / total if total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    cross_recall = tp_cross / cross if cross else 1.0
    figures = collections.OrderedDict([
        ("records", len(rec)),
        ("true_pairs", total),
        ("predicted_pairs", tp + fp),
        ("precision", round(precision, 4)),
        ("recall", round(recall, 4)),
        ("f1", round(f1, 4)),
        ("cross_script_true_pairs", cross),
        ("cross_script_recall", round(cross_recall, 4)),
        ("false_positives_relatives", sum(v for k, v in fp_kind.items() if k != "other household")),
        ("false_positives_other_households", fp_kind["other household"]),
    ])
    prefix = args.label + "_" if args.label else ""
    if args.json:
        json.dump({prefix + k: v for k, v in figures.items()}, sys.stdout)
        print()
    else:
        for k, v in figures.items():
            print("%s%s: %s" % (prefix, k, v))
        for k, v in fp_kind.most_common():
            print("  false positives, %s: %d" % (k, v), file=sys.stderr)
    if args.show_errors and args.persons:
        persons = {}
        with open(args.persons, encoding="utf-8") as f:
            for line in f:
                p = json.loads(line)
                persons[p["id"]] = p
        print("--- false positives", file=sys.stderr)
        for a, b in fps:
            print(rec[a][2], persons.get(a), "\n   ", rec[b][2], persons.get(b), file=sys.stderr)
        # False negatives: true pairs not predicted.
        by_entity = collections.defaultdict(list)
        for rid, (entity, _, _, _) in rec.items():
            by_entity[entity].append(rid)
        print("--- false negatives", file=sys.stderr)
        shown = 0
        for ids in by_entity.values():
            for i in range(len(ids)):
                for j in range(i + 1, len(ids)):
                    key = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
                    if key not in seen and shown < args.show_errors:
                        shown += 1
                        print(persons.get(key[0]), "\n   ", persons.get(key[1]), file=sys.stderr)


if __name__ == "__main__":
    main()

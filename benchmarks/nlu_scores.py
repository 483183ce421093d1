"""Held-out NLU scores: intent precision, recall and F1 (from `rasa test nlu`) on the two
held-out sets in tests/nlu, neither ever trained on, and entity precision, recall and F1 on
canonical values (the knowledge base's entity pipeline on benchmarks/entities_heldout.yml).

- "held-out": tests/nlu/{answers,conversation}_heldout.yml, written with the training data. Its
  errors were studied to decide what training data to add, so it flatters the model a little.
- "blind": tests/nlu/blind_heldout.yml and plan_heldout.yml, each written by someone who saw
  neither the training data nor the other sets: the honest figure.

    make nlu-eval        (trains if needed, then runs this)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

import settings
from knowledge.entities import extract, load_pipeline

ROOT = settings.PROJECT_ROOT
TARGETS = {"intent macro-F1": 0.95, "out_of_scope recall": 0.85}


SETS = {
    "held-out": ["answers_heldout.yml", "conversation_heldout.yml"],
    "blind": ["blind_heldout.yml", "plan_heldout.yml"],
}


def intent_scores(files: list[str], results: Path) -> dict:
    """`rasa test nlu` on the given files of tests/nlu (copied together into results/)."""
    data = results / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(ROOT / "tests" / "nlu" / name, data / name)
    subprocess.run([str(Path(sys.executable).parent / "rasa"), "test", "nlu", "--nlu",
                    str(data), "--model", str(ROOT / "models"), "--out", str(results)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((results / "intent_report.json").read_text())


def print_intents(name: str, report: dict, verbose: bool) -> dict[str, float]:
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v
               and k not in ("macro avg", "weighted avg", "micro avg")}
    macro = report["macro avg"]
    print(f"{name}: {len(intents)} intents, {int(macro['support'])} examples, never trained on")
    print(f"  intent macro precision {macro['precision']:.3f}  recall {macro['recall']:.3f}  "
          f"F1 {macro['f1-score']:.3f}   accuracy {report.get('accuracy', 0):.3f}")
    oos = intents.get("out_of_scope", {}).get("recall", 0.0)
    print(f"  out_of_scope recall {oos:.3f}")
    worst = sorted(intents.items(), key=lambda kv: kv[1]["f1-score"])
    for intent, s in worst if verbose else worst[:5]:
        print(f"    {intent:22s} P {s['precision']:.2f}  R {s['recall']:.2f}  "
              f"F1 {s['f1-score']:.2f}  n={s['support']}")
    return {"intent macro-F1": macro["f1-score"], "out_of_scope recall": oos}


def entity_scores() -> dict[str, float]:
    """Precision/recall/F1 over (label, value) pairs, micro-averaged."""
    nlp = load_pipeline(settings.nlp_dir())
    cases = yaml.safe_load((ROOT / "benchmarks" / "entities_heldout.yml").read_text())
    tp = fp = fn = 0
    misses: list[str] = []
    for case in cases:
        expected = Counter((e[0], e[1]) for e in case.get("entities") or [])
        found = Counter()
        for ent in extract(nlp, case["text"]):
            found[(ent.label.lower(), ent.id)] += 1
            if ent.country and ent.label != "COUNTRY":
                found[("country", ent.country)] += 1
        tp += sum((expected & found).values())
        fp += sum((found - expected).values())
        fn += sum((expected - found).values())
        if expected != found:
            misses.append(f"  {case['text']!r}: expected {sorted(expected)}, got {sorted(found)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "cases": len(cases),
            "misses": misses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=settings.VAR_DIR / "nlu-results")
    parser.add_argument("--verbose", action="store_true", help="per intent, and entity misses")
    args = parser.parse_args(argv)

    scores = {}
    for name, files in SETS.items():
        if not all((ROOT / "tests" / "nlu" / f).exists() for f in files):
            print(f"{name}: missing from tests/nlu, skipped")
            continue
        scores[name] = print_intents(name, intent_scores(files, args.out / name), args.verbose)
    ents = entity_scores()
    print(f"held-out entities: {ents['cases']} messages (benchmarks/entities_heldout.yml)")
    print(f"  entity precision {ents['precision']:.3f}  recall {ents['recall']:.3f}  "
          f"F1 {ents['f1']:.3f}")
    if args.verbose:
        print("\n".join(ents["misses"]))
    failed = [f"{name} {k} {s[k]:.3f} < {t}" for name, s in scores.items()
              for k, t in TARGETS.items() if s[k] < t]
    print("targets met" if not failed else "below target: " + "; ".join(failed))
    print(f"full reports: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

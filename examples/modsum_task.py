#!/usr/bin/env python3
"""Writes a task file for CoT Playground: the sum of n digits modulo m.

Each line is one example (JSON Lines), tokens as strings:
  {"prompt": ["3", "1", "4", "1", "5", "2", "="], "cot": ["s3", "s4", "s1", "s2", "s0"], "answer": ["s2"], "split": "train"}
The prompt is n digits in 0..m-1 and "="; the CoT writes the running sum mod m after each digit but the last
(s3 = 3, s4 = 3+1, s1 = 3+1+4 mod 7, ...), each one small step from the one before; the answer is the whole sum
mod m, a token of the same family (s2).
The direct arm must compute a function of all n digits at once.

Splits: "train" (distinct random strings) and "test" (distinct strings never trained: the first test split,
the headline). With --other-n K, also "lengthK": strings of another length.

Usage: python3 examples/modsum_task.py [--n 8] [--mod 3] [--train 2500] [--test 500] [--seed 0] > modsum.jsonl
Standard library only.
"""
import argparse
import json
import random
import sys


def record(digits, mod, split):
    sums, s = [], 0
    for d in digits:
        s = (s + d) % mod
        sums.append(s)
    return {
        "prompt": [str(d) for d in digits] + ["="],
        "cot": [f"s{x}" for x in sums[:-1]],
        "answer": [f"s{sums[-1]}"],
        "split": split,
    }


def distinct(rng, n, mod, count, avoid):
    out = []
    while len(out) < count:
        digits = tuple(rng.randrange(mod) for _ in range(n))
        if digits not in avoid:
            avoid.add(digits)
            out.append(digits)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8, help="digits per prompt")
    ap.add_argument("--mod", type=int, default=3, help="the modulus (digits are 0..mod-1)")
    ap.add_argument("--train", type=int, default=2500, help="training strings")
    ap.add_argument("--test", type=int, default=500, help="test strings per test split")
    ap.add_argument("--other-n", type=int, default=0, help="also a test split of strings this long (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.train + args.test > args.mod ** args.n // 2:
        sys.exit("fewer strings, please: at most half of the mod^n strings are drawn")
    rng = random.Random(args.seed)
    seen = set()
    lines = [record(d, args.mod, "train") for d in distinct(rng, args.n, args.mod, args.train, seen)]
    lines += [record(d, args.mod, "test") for d in distinct(rng, args.n, args.mod, args.test, seen)]
    if args.other_n > 0 and args.other_n != args.n:
        lines += [record(d, args.mod, f"length{args.other_n}") for d in distinct(rng, args.other_n, args.mod, args.test, set())]
    for r in lines:
        sys.stdout.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()

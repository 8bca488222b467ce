#!/usr/bin/env python3
"""Compares two data/psl/snapshots.toml files by what decides verdicts.

Usage: compare-psl-snapshots.py RECORDED MEASURED

Per snapshot id: the browser version, the rules it lacks and the rules it still has. The
measurement date, probe counts and timings are ignored (they change on every run). Exit 0 when
both agree, 1 with the differences listed, 2 on unreadable input.
"""
import sys
import tomllib


def load(path):
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        sys.exit(2)
    out = {}
    for snap in data.get("snapshot", []):
        out[snap["id"]] = {
            "browser": snap.get("browser"),
            "lacks": sorted(r["rule"] for r in snap.get("lacks", [])),
            "extra": sorted(r["rule"] for r in snap.get("extra", [])),
        }
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    recorded, measured = load(sys.argv[1]), load(sys.argv[2])
    differences = []
    for sid in sorted(set(recorded) | set(measured)):
        a, b = recorded.get(sid), measured.get(sid)
        if a is None or b is None:
            differences.append(f"{sid}: only in {'the measurement' if a is None else 'the recorded data'}")
            continue
        if a["browser"] != b["browser"]:
            differences.append(f"{sid}: browser {a['browser']} recorded, {b['browser']} measured")
        for key in ("lacks", "extra"):
            gone = sorted(set(a[key]) - set(b[key]))
            new = sorted(set(b[key]) - set(a[key]))
            if gone:
                differences.append(f"{sid}: no longer {key} {', '.join(gone)}")
            if new:
                differences.append(f"{sid}: now {key} {', '.join(new)}")
    for line in differences:
        print(line)
    if differences:
        print("re-run `rpscope browser --browser all --psl-snapshot --psl-git DIR --write` and commit data/psl/snapshots.toml")
        return 1
    print(f"{len(recorded)} snapshot(s): the browsers' lists are as recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main())

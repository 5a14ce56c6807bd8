#!/usr/bin/env python3
"""Side-by-side Markdown table for ./run bench (called by bench/run_all.sh).

W1 (issue 2, sec. 5): rows from Google Benchmark's JSON (bench_em_ou, median
of the repetitions) and from bench/peers/em_ou.py, in Mpath-steps/s, with the
ratio of ito on 2 threads to each row and the four targets.

W2/W3 (issue 5), when their files are given: ito's `ito bench train --json`
({"ms_per_step": ...}) and `ito bench sample --json` ({"msample_steps_per_s": ...})
against bench/peers/torch_nn.py, whose JSON may hold, anywhere, objects with a
"name" and "ms_per_step" (W2) or "msample_steps_per_s" (W3); the best PyTorch
row of each is the reference.
"""
import argparse
import json
import sys


def load(path):
    if not path:
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"make_table.py: cannot read {path}: {e}", file=sys.stderr)
        return None


def cpp_size(doc):
    """(paths, steps) the C++ rows ran with."""
    for b in (doc or {}).get("benchmarks", []):
        if "paths" in b and "steps" in b:
            return int(b["paths"]), int(b["steps"])
    return None, None


def cpp_rows(doc):
    """{benchmark run name: median mpath_steps_per_s} from Google Benchmark JSON."""
    out, plain = {}, {}
    for b in (doc or {}).get("benchmarks", []):
        name = b.get("run_name", b.get("name", "")).replace("/real_time", "")
        rate = b.get("mpath_steps_per_s")
        if rate is None:
            continue
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                out[name] = rate
        else:
            plain.setdefault(name, []).append(rate)
    for name, rates in plain.items():  # no repetitions: keep the best run
        out.setdefault(name, max(rates))
    return out


def find_objects(doc, key):
    """All dicts in doc (recursively) that have `key`."""
    found = []
    if isinstance(doc, dict):
        if key in doc:
            found.append(doc)
        for v in doc.values():
            found += find_objects(v, key)
    elif isinstance(doc, list):
        for v in doc:
            found += find_objects(v, key)
    return found


def fmt(x, digits=1):
    if x is None:
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}" if abs(x) >= 1 else f"{x:.3g}"


def verdict(value, target, higher_is_better=True):
    if value is None:
        return "n/a (row missing)"
    ok = value >= target if higher_is_better else value <= target
    return "**pass**" if ok else "**MISS**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpp", required=True)
    ap.add_argument("--peers", action="append", default=[])
    ap.add_argument("--normals", help="bench_normals Google Benchmark JSON")
    ap.add_argument("--ito-train")
    ap.add_argument("--ito-sample")
    ap.add_argument("--torch-nn")
    ap.add_argument("--date", default="")
    ap.add_argument("--cpu", default="")
    ap.add_argument("--load", default="")
    ap.add_argument("--peer-env", default="")
    a = ap.parse_args()

    cpp_doc = load(a.cpp)
    cpp = cpp_rows(cpp_doc)
    paths, steps = cpp_size(cpp_doc)
    peers = {r["name"]: r for path in a.peers for r in (load(path) or {}).get("rows", [])}
    ito2 = cpp.get("em_ou/ito/threads:2")
    ito1 = cpp.get("em_ou/ito/threads:1")
    hand = cpp.get("em_ou/hand_loop")
    floor = cpp.get("em_ou/normals_floor")

    L = []
    L.append("## W1: Euler–Maruyama on the 1-D OU process")
    L.append("")
    L.append("dX = 2 (0.5 - X) dt + 0.8 dW, x0 = 1.5, T = 1, double unless stated; C++ rows: "
             f"{paths} paths x {steps} steps, median of 3 repetitions, wall clock; peers: best of 3 runs.")
    L.append("")
    L.append(f"Date: {a.date}. CPU: {a.cpu} ({a.load}).")
    try:  # "<n> cores, load average at start <1-min> ..."
        cores = int(a.load.split()[0])
        load1 = float(a.load.split("start")[1].split()[0])
        if load1 > 0.5 * cores:
            L.append("")
            L.append(f"**Warning: the machine was busy (1-minute load {load1} on {cores} cores); "
                     "these figures measure the contention, not the code. Re-run on an idle machine.**")
    except (ValueError, IndexError):
        pass
    L.append("")
    L.append("| Row | Mpath-steps/s | ito 2 threads / row |")
    L.append("|---|---:|---:|")

    def row(label, rate):
        ratio = ito2 / rate if (ito2 and rate) else None
        L.append(f"| {label} | {fmt(rate)} | {fmt(ratio, 2) if ratio else 'n/a'} |")

    row("ito, 2 threads (`solve`, `euler_maruyama`, keep_terminal; counter-based normals)", ito2)
    row("ito, 1 thread", ito1)
    row("ito, legacy mt19937_64 + ziggurat source, 2 threads", cpp.get("em_ou/ito_legacy_mt19937/threads:2"))
    row("ito, legacy mt19937_64 + ziggurat source, 1 thread", cpp.get("em_ou/ito_legacy_mt19937/threads:1"))
    row("ito, Brownian tree source, 1 thread", cpp.get("em_ou/ito_tree/threads:1"))
    row("ito float, 2 threads", cpp.get("em_ou/ito_float/threads:2"))
    row("ito float, 1 thread", cpp.get("em_ou/ito_float/threads:1"))
    row("counter increments only, through the source (floor, 1 thread)", cpp.get("em_ou/counter_increments_floor"))
    row("tree increments only, through the source (1 thread)", cpp.get("em_ou/tree_increments_floor"))
    row("hand-written C++ loop (Boost mt19937_64 + normal, 1 thread)", hand)
    row("normals only, Boost engine (legacy floor, 1 thread)", floor)
    for name, r in peers.items():
        extra = f", {r['paths']} paths x {r['steps']} steps"
        if r.get("library") == "torch":
            extra += f", best of 1/2 threads: {r.get('threads')}"
        row(f"{name} ({r.get('library')} {r.get('version')}{extra})", r["mpath_steps_per_s"])
    L.append("")

    def fastest(prefix):  # the fastest row of a peer over its environments
        rates = [r["mpath_steps_per_s"] for n, r in peers.items() if n.startswith(prefix)]
        return max(rates, default=None)

    np64 = fastest("numpy float64")
    pt64 = fastest("PyTorch float64")
    r_hand = ito2 / hand if (ito2 and hand) else None
    cfloor = cpp.get("em_ou/counter_increments_floor")
    overhead = (cfloor / ito1 - 1) if (cfloor and ito1) else None
    tree1 = cpp.get("em_ou/ito_tree/threads:1")
    tree_cost = (ito1 / tree1) if (tree1 and ito1) else None
    f1 = cpp.get("em_ou/ito_float/threads:1")
    f2 = cpp.get("em_ou/ito_float/threads:2")
    ptf32 = fastest("PyTorch float32")
    r_f_pt = (max(x for x in (f1, f2) if x) / ptf32) if ((f1 or f2) and ptf32) else None
    r_np = ito2 / np64 if (ito2 and np64) else None
    r_pt = ito2 / pt64 if (ito2 and pt64) else None
    L.append("Targets (issue 13):")
    L.append("")
    L.append("| Target | Measured | Verdict |")
    L.append("|---|---:|---|")
    L.append(f"| ito 2 threads >= 1200 Mpath-steps/s (absolute: only on an idle machine) | {fmt(ito2)} | {verdict(ito2, 1200)} |")
    L.append(f"| ito 2 threads >= 4.5x hand-written loop | {fmt(r_hand, 2)}x | {verdict(r_hand, 4.5)} |")
    L.append(f"| ito stepping overhead <= 15% over drawing the increments (counter floor / ito 1 thread - 1) | "
             f"{fmt(overhead * 100 if overhead is not None else None)}% | {verdict(overhead, 0.15, False)} |")
    L.append(f"| ito >= 13x numpy float64 (ito 2 threads / fastest numpy float64 row) | {fmt(r_np, 2)}x | {verdict(r_np, 13)} |")
    L.append(f"| ito float >= 5x PyTorch float32's best | {fmt(r_f_pt, 2)}x | {verdict(r_f_pt, 5)} |")
    L.append(f"| EM step from the Brownian tree <= 3x a step from the fixed-step source (ito 1 thread / tree 1 thread) | "
             f"{fmt(tree_cost, 2)}x | {verdict(tree_cost, 3, False)} |")
    L.append(f"| (issue 2) ito >= 8x PyTorch float64 | {fmt(r_pt, 2)}x | {verdict(r_pt, 8)} |")
    if ito1 and np64 and pt64:
        L.append("")
        L.append(f"On one thread each: ito / numpy float64 = {fmt(ito1 / np64, 2)}x, "
                 f"ito / PyTorch float64 = {fmt(ito1 / pt64, 2)}x.")
    if a.peer_env:
        L.append("")
        L.append(f"Peers ran as: `{a.peer_env}`.")

    # ---- normals per second per core (issue 13), if present ----
    nd = load(a.normals)
    if nd:
        rates = {}
        for b in nd.get("benchmarks", []):
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
                continue
            name = b.get("run_name", b.get("name", ""))
            for key in ("normals_per_s", "calls_per_s"):
                if key in b:
                    rates[name] = (key, b[key], b.get("cycles_per_item"))
        L.append("")
        L.append("## Normals per second, one core")
        L.append("")
        L.append("| Row | per second | cycles per item (nominal clock) |")
        L.append("|---|---:|---:|")
        for name, (key, v, cyc) in rates.items():
            unit = "Philox calls" if key == "calls_per_s" else "normals"
            L.append(f"| {name} | {v/1e6:,.0f} M {unit} | {fmt(cyc, 2) if cyc else 'n/a'} |")
        cd = rates.get("normals/counter/double", (None, None, None))[1]
        cf = rates.get("normals/counter/float", (None, None, None))[1]
        zd = rates.get("normals/ziggurat_mt19937/double", (None, None, None))[1]
        L.append("")
        L.append("| Target (issue 13) | Measured | Verdict |")
        L.append("|---|---:|---|")
        L.append(f"| double: 3x today's stream (counter / ziggurat, side by side) | {fmt(cd / zd if cd and zd else None, 2)}x | "
                 f"{verdict(cd / zd if cd and zd else None, 3)} |")
        L.append(f"| double >= 8e8 per core (absolute: only on an idle machine) | {fmt(cd / 1e6 if cd else None)} M | {verdict(cd, 8e8)} |")
        L.append(f"| float >= 1.6e9 per core (absolute: only on an idle machine) | {fmt(cf / 1e6 if cf else None)} M | {verdict(cf, 1.6e9)} |")

    # ---- W2/W3 (issue 5), if present ----
    it = load(a.ito_train)
    isam = load(a.ito_sample)
    tn = load(a.torch_nn)
    if it or isam or tn:
        L.append("")
        L.append("## W2/W3: score network training step and reverse-SDE sampling")
        L.append("")
        L.append("| Row | Figure | ito speed-up over row |")
        L.append("|---|---:|---:|")
        ito_ms = it.get("ms_per_step") if isinstance(it, dict) else None
        ito_sps = isam.get("msample_steps_per_s") if isinstance(isam, dict) else None
        # torch_nn.py: {"rows": [{"name", "threads", "ms_per_step" | "msample_steps_per_s"}], "best": {...}}
        torch_rows = tn.get("rows", tn) if isinstance(tn, dict) else tn

        def nn_rows(key, ito_value, label, ratio):
            L.append(f"| ito, {label} | {fmt(ito_value, 3)} | 1.00 |")
            found = find_objects(torch_rows, key)
            for r in found:
                v = r[key]
                th = f", {r['threads']} thread(s)" if "threads" in r else ""
                L.append(f"| {r.get('name', 'PyTorch')}{th}, {label} | {fmt(v, 3)} | "
                         f"{fmt(ratio(ito_value, v), 2) if (ito_value and v) else 'n/a'} |")
            return [r[key] for r in found]

        torch_ms = nn_rows("ms_per_step", ito_ms, "W2 training step (ms/step, lower is better)",
                           lambda ito, peer: peer / ito)
        torch_sps = nn_rows("msample_steps_per_s", ito_sps, "W3 sampling (Msample-steps/s)",
                            lambda ito, peer: ito / peer)
        best_ms = min(torch_ms, default=None)
        best_sps = max(torch_sps, default=None)
        r2 = best_ms / ito_ms if (best_ms and ito_ms) else None
        r3 = ito_sps / best_sps if (best_sps and ito_sps) else None
        L.append("")
        L.append("| Target (issue 5) | Measured | Verdict |")
        L.append("|---|---:|---|")
        L.append(f"| W2: ito >= 3x faster than best PyTorch | {fmt(r2, 2)}x | {verdict(r2, 3)} |")
        L.append(f"| W3: ito >= 5x best PyTorch in sample-steps/s | {fmt(r3, 2)}x | {verdict(r3, 5)} |")
        for extra in (it, isam):
            if isinstance(extra, dict):
                rest = {k: v for k, v in extra.items() if k not in ("ms_per_step", "msample_steps_per_s")}
                if rest:
                    L.append("")
                    L.append("ito reports also: " + ", ".join(f"{k} = {v}" for k, v in rest.items()))

    print("\n".join(L))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turns bench/run.sh's result lines (one JSON object per measurement) into a
table on stdout, a JSON file and the markdown report. Exits 1 when a scenario
produced no number (the smoke test's check); never judges timings."""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kib = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kib = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False,
                                cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except OSError:
        commit = ""
    return {"cores": os.cpu_count(), "cpu": model, "memory_gib": round(mem_kib / 2**20, 1),
            "kernel": platform.release(), "commit": commit,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def met(ok):
    return "met" if ok else "**not met**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--markdown", default="")
    ap.add_argument("--plot", default="")
    ap.add_argument("--quick", default="0")
    ap.add_argument("--command", default="bench/run.sh")
    args = ap.parse_args()
    quick = args.quick == "1"

    rows = []
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    by = lambda s: [r for r in rows if r["scenario"] == s]
    ingest = {r["label"]: r for r in by("ingest")}
    latency, fanout, replay = by("latency"), by("fanout"), by("replay")
    groups, group_memory = by("group"), by("group_memory")

    problems = []
    for name in ("baseline", "memory", "durable", "memory-official", "durable-official"):
        if ingest.get(name, {}).get("requests_per_s", 0) <= 0:
            problems.append(f"no ingest figure for {name}")
    if not latency or any(r["samples"] <= 0 for r in latency):
        problems.append("no latency figure")
    if not fanout or fanout[0]["delivered_per_s"] <= 0:
        problems.append("no fan-out figure")
    elif fanout[0].get("slow_subscribers", 0) > 0 and (
            fanout[0].get("with_slow", {}).get("delivered_per_s", 0) <= 0
            or fanout[0]["rate_median"] <= 0 or fanout[0]["with_slow"]["rate_median"] <= 0):
        problems.append("no fan-out figure with the slow subscriber")
    if not replay or replay[0]["events_per_s"] <= 0:
        problems.append("no replay figure")
    group_stores = ["memory", "durable"] + (
        ["jetstream"] if any(r["label"] == "jetstream" for r in groups) else [])
    for store in group_stores:
        rows_ = [r for r in groups if r["label"] == store]
        if not rows_ or any(r["acked_per_s"] <= 0 or not r["complete"] for r in rows_):
            problems.append(f"no complete consumer group figure for the {store} store")

    base = ingest.get("baseline", {}).get("requests_per_s", 0) or 1
    info = machine()
    targets = []
    lines = []
    out = lines.append

    out(f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB, Linux "
        f"{info['kernel']}; commit {info['commit']}; {info['date']}"
        + (" — **quick mode: short runs, not representative**" if quick else ""))
    out("Load generators (wrk, bench_load) and the server share these cores.")
    out("")
    out("### 1. Ingest throughput (wrk -t2 -c64, unique request_ids; the nine flat fixture types, "
        "then JustCall's official v2.1 samples of its 23 types)")
    out("")
    out("| server | requests/s | vs baseline | non-2xx | server CPU per request: user + kernel µs "
        "| target |")
    out("|---|---:|---:|---:|---:|---|")
    for name, desc, goal in (("baseline", "baseline (Beast, 200 to any POST)", None),
                             ("memory", "switchboard, in-memory store", 0.7),
                             ("durable", "switchboard, RocksDB, fsync per group commit", 0.5),
                             ("memory-official", "switchboard, in-memory store, official samples",
                              None),
                             ("durable-official", "switchboard, RocksDB, official samples", None)):
        r = ingest.get(name)
        if not r:
            continue
        ratio = r["requests_per_s"] / base
        t = ""
        if goal:
            ok = ratio >= goal
            t = f">= {goal}x: {met(ok)}"
            targets.append((f"ingest {name} >= {goal}x baseline", f"{ratio:.2f}x", ok))
        cpu = (f"{r['cpu_user_us_per_request']:.1f} + {r['cpu_kernel_us_per_request']:.1f}"
               if "cpu_user_us_per_request" in r else "")
        out(f"| {desc} | {r['requests_per_s']:.0f} | {ratio:.2f}x | {r['non_2xx']} | {cpu} | {t} |")
    out("")
    out("Server CPU per request: the server process's user and kernel time during the run "
        "(/proc) over the requests answered; wrk's own CPU is not in it. Where the time goes, "
        "and what stands between these figures and the targets: docs/PERFORMANCE.md.")
    out("")
    out("### 2. POST -> subscriber latency (open loop, 8 keep-alive connections, filter \"*\")")
    out("")
    out("| store | offered/s | achieved/s | subscribers | p50 µs | p99 µs | p99.9 µs | max µs "
        "| late sends | missing | target |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in latency:
        t = ""
        goal = {(2000, 10): 2000, (10000, 10): 5000}.get((r["rate"], r["subscribers"]))
        if goal:
            ok = r["p99_us"] < goal and r["missing"] == 0
            t = f"p99 < {goal // 1000} ms: {met(ok)}"
            targets.append((f"e2e p99 < {goal // 1000} ms at {r['rate']}/s, 10 subscribers "
                            f"({r['label']} store)", f"{r['p99_us']:.0f} µs", ok))
        out(f"| {r['label']} | {r['rate']} | {r['achieved_rate']:.0f} | {r['subscribers']} | "
            f"{r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['p999_us']:.0f} | {r['max_us']:.0f} | "
            f"{r['late_sends']} | {r['missing']} | {t} |")
    out("")
    out("Latency = subscriber receipt minus the moment the POST was written, both on one steady "
        "clock (one process), over every (webhook, subscriber) pair. A late send is a webhook "
        "written more than 1 ms after its scheduled time (the generator fell behind).")
    if args.plot:
        out("")
        out("![latency distribution](../bench/latency.png)")
    out("")
    out("### 3. Fan-out (memory store, mixed filters: *, call.*, sms.*, call.completed, "
        "contact.*+voicemail.received, sms.received+call.missed)")
    out("")
    out("Two runs on one server, fresh subscribers each: (a) the normal subscribers alone, "
        "(b) the same number with the same filters plus deliberately slow subscribers. Figures "
        "are the normal subscribers'; RSS from run (a).")
    out("")
    out("| run | subscribers | webhooks | deliveries expected | delivered | missing "
        "| events delivered/s | per subscriber/s, median | per subscriber/s, min "
        "| server RSS before → subscribed | RSS per subscriber | target |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for r in fanout:
        per = r["rss_per_subscriber_kib"]
        ok = per < 64
        t = f"< 64 KiB: {met(ok)}" if r["subscribers"] >= 1000 else ""
        if r["subscribers"] >= 1000:
            targets.append(("1,000 subscribers under 64 KiB RSS each", f"{per:.1f} KiB", ok))
        out(f"| (a) normal only | {r['subscribers']} | {r['webhooks']} | {r['expected']} | "
            f"{r['delivered']} | {r['expected'] - r['delivered']} | {r['delivered_per_s']:.0f} | "
            f"{r.get('rate_median', 0):.0f} | {r.get('rate_min', 0):.0f} | "
            f"{r['rss_before_kib']} → {r['rss_subscribed_kib']} KiB | {per:.1f} KiB | {t} |")
        b = r.get("with_slow")
        if not b:
            continue
        slow, n_slow = b["slow"], r["slow_subscribers"]
        ratio = r["median_ratio"]
        missing = (r["expected"] - r["delivered"]) + (b["expected"] - b["delivered"])
        ok = ratio >= 0.9 and missing == 0
        t = ""
        if r["subscribers"] >= 1000:
            t = f"median (b)/(a) >= 0.9, none missing: {met(ok)}"
            targets.append(("a slow subscriber costs the others nothing (median per-subscriber "
                            "rate with / without >= 0.9, no normal delivery missing)",
                            f"{ratio:.2f}, {missing} missing", ok))
        out(f"| (b) normal + {n_slow} slow | {r['subscribers']} + {n_slow} | {b['webhooks']} | "
            f"{b['expected']} | {b['delivered']} | {b['expected'] - b['delivered']} | "
            f"{b['delivered_per_s']:.0f} | {b['rate_median']:.0f} | {b['rate_min']:.0f} | | "
            f"| {t} |")
        out("")
        out(f"Normal subscribers' rate with the slow subscriber{'s' if n_slow > 1 else ''} / "
            f"without: median **{ratio:.2f}**, minimum {r['min_ratio']:.2f}; events delivered/s "
            f"in total {b['delivered_per_s'] / max(r['delivered_per_s'], 1e-9):.2f}. "
            f"Missing normal deliveries: {missing}.")
        out("")
        rate = r.get("slow_rate", 0)
        how = (f"reads one event, then sleeps: at most {rate:g} events/s" if rate > 0
               else "reads one event, then stops reading")
        out(f"Slow subscriber{'s' if n_slow > 1 else ''} (filter \"*\", own connection, {how}):")
        out("")
        for i, sl in enumerate(slow, 1):
            if sl["ended"] == "by the server":
                end = (f"ended by the server after {sl['ended_after_s']:.1f} s: {sl['status']}"
                       + (" (fell behind retention; reported, not an error)"
                          if sl["status"] == "RESOURCE_EXHAUSTED" else "")
                       + f" — {sl['message']}")
            else:
                end = (f"still subscribed at the end, {sl['behind']} events behind the last one "
                       "sent (cancelled by bench_load)")
            out(f"- slow subscriber {i}: read {sl['delivered']} of the {b['webhooks']} webhooks; "
                f"{end}.")
    out("")
    out("Events delivered/s: the normal subscribers' deliveries from the first send to the last "
        "receipt. Per subscriber/s: a normal subscriber's events over the time from the first "
        "send to its last receipt (the sending is over in a fraction of that time); median and "
        "minimum over the normal subscribers (filters differ, so their rates do). Target: the "
        "median with the slow subscriber(s) at least 0.9 of the median without, and no normal "
        "delivery missing in either run. A subscriber the server cannot write to stops taking "
        "live batches and catches up from the log; if retention overtakes it, the server ends "
        "it with RESOURCE_EXHAUSTED.")
    out("")
    out("### 4. Replay (durable store, loaded with --nosync; one subscriber, from the oldest)")
    out("")
    out("| events stored | stored at (webhooks/s) | events read | seconds | events/s | target |")
    out("|---:|---:|---:|---:|---:|---|")
    for r in replay:
        ok = r["events_per_s"] >= 300000
        t = f">= 300k/s: {met(ok)}" if r["stored"] >= 1000000 else ""
        if r["stored"] >= 1000000:
            targets.append(("replay of 1M events >= 300k events/s", f"{r['events_per_s']:.0f}/s", ok))
        out(f"| {r['stored']} | {r['ingest_rate']:.0f} | {r['events_read']} | {r['seconds']:.2f} | "
            f"{r['events_per_s']:.0f} | {t} |")
    out("")
    out("### 5. Consumer groups and catch-up (a backlog read from the oldest)")
    out("")
    out("Per store, one fresh server (JetStream: one local nats-server, file storage): the "
        "backlog stored (durable: --nosync), one plain "
        "Subscribe reads it from the oldest, then a group of 1, 3, 10 members (each on its own "
        "connection, up to 1,000 unacked, acking every batch as it arrives) drains it; a group "
        "is done when the server has confirmed every ack. CPU: what each process used during "
        "the drain, in µs per acked event (nats: the nats-server of the JetStream store; "
        "client: bench_load, all members).")
    out("")
    out("| store | backlog | Subscribe events/s | members | acked/s | vs Subscribe | seconds | "
        "CPU µs/event: server | nats | client |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in groups:
        cpu = r.get("cpu_us_per_event", {})
        out(f"| {r['label']} | {r['backlog']} | {r['subscribe_per_s']:.0f} | {r['members']} | "
            f"{r['acked_per_s']:.0f} | {r['vs_subscribe']:.2f}x | {r['seconds']:.2f}"
            + ("" if r["complete"] else f" (incomplete: {r['acked']} acked)") + " | "
            + " | ".join(f"{cpu[k]:.2f}" if cpu.get(k) else "-"
                         for k in ("server", "broker", "client")) + " |")
    for r in group_memory:
        out("")
        out(f"Memory per member ({r['label']} store, fresh server): {r['members']} more idle "
            f"members of one group, each on its own connection, took the server from "
            f"{r['rss_before_kib']} to {r['rss_after_kib']} KiB: "
            f"**{r['rss_per_member_kib']:.1f} KiB per member**.")
    first = lambda store, n: next((r for r in groups if r["label"] == store
                                   and r["members"] == n), None)
    mem1, mem3 = first("memory", 1), first("memory", 3)
    # Catch-up targets against the in-memory store: (store, name, target).
    for store, name, target in (("durable", "RocksDB", 0.9), ("jetstream", "JetStream", 0.5)):
        one, three = first(store, 1), first(store, 3)
        if not (mem1 and mem3 and one and three):
            continue
        replay_ratio = one["subscribe_per_s"] / max(mem1["subscribe_per_s"], 1e-9)
        group_ratio = three["acked_per_s"] / max(mem3["acked_per_s"], 1e-9)
        out("")
        out(f"Catch-up from {name} against the in-memory store, same backlog: plain replay "
            f"**{replay_ratio:.2f}x**, group of 3 members **{group_ratio:.2f}x**.")
        mem_cpu, cpu = mem3.get("cpu_us_per_event", {}), three.get("cpu_us_per_event", {})
        if store == "jetstream" and cpu.get("broker") and mem_cpu.get("server"):
            # Every process shares the cores: nats-server's CPU per event
            # bounds the group even if Switchboard's and the client's cost no
            # more than they do on the in-memory store.
            mem_total = mem_cpu["server"] + mem_cpu["client"]
            out("")
            out(f"CPU per acked event, group of 3: in-memory store {mem_total:.2f} µs (server "
                f"{mem_cpu['server']:.2f} + client {mem_cpu['client']:.2f}); JetStream "
                f"{cpu['server'] + cpu['broker'] + cpu['client']:.2f} µs, of which nats-server "
                f"alone {cpu['broker']:.2f} µs (one delivery and one ack per event). "
                f"On shared cores, a JetStream group that cost Switchboard and the client no more "
                f"than the in-memory one would reach at most {mem_total:.2f} / "
                f"({mem_total:.2f} + {cpu['broker']:.2f}) = "
                f"**{mem_total / (mem_total + cpu['broker']):.2f}x** of it.")
        if mem1["backlog"] >= 1000000:
            targets.append((f"catch-up from {name} >= {target}x the in-memory store (plain "
                            "replay of 1M)", f"{replay_ratio:.2f}x", replay_ratio >= target))
            targets.append((f"catch-up from {name} >= {target}x the in-memory store (group of 3 "
                            "draining 1M)", f"{group_ratio:.2f}x", group_ratio >= target))
    out("")
    out("### Notes")
    out("")
    out("- Everything shares the machine's cores: wrk or bench_load (sender and every subscriber, "
        "gRPC decoding included) and the server. With 100 subscribers, in fan-out and in replay "
        "the subscribers' own CPU is part of what is measured.")
    out("- `missing` counts (webhook, subscriber) pairs not delivered within 10 s after the last "
        "send: the offered load is beyond what the machine delivers (the latency row is then "
        "queueing, not latency). `late sends`: the sender itself fell behind its schedule.")
    out("- The durable store answers after fsync (group commit); its latency includes the disk's "
        "fsync time. Replay loads with `--nosync` only to load faster; the reads are the same.")
    out("")
    out("### Targets" + (" (quick mode: indicative only)" if quick else ""))
    out("")
    if targets:
        out("| target | measured | |")
        out("|---|---:|---|")
        for name, value, ok in targets:
            out(f"| {name} | {value} | {met(ok)} |")
    else:
        out("No target applies to this run's sizes.")

    print("\n".join(lines))
    doc = {"machine": info, "quick": quick, "command": args.command, "baseline_requests_per_s": base,
           "results": rows,
           "targets": [{"target": n, "measured": v, "met": ok} for n, v, ok in targets]}
    with open(args.json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("# Benchmarks\n\n")
            f.write(f"Produced by `{args.command.strip()}` (README, \"Benchmarks\"); every figure "
                    "below is from one run, the baseline included. Raw numbers: "
                    "`bench/results.json` (not committed).\n\n")
            f.write("\n".join(lines))
            f.write("\n")
    if problems:
        print("MISSING: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scaling: the same input through 1 and then 2 `investwire worker` processes in one group.

    PYTHONPATH=$PWD python benchmarks/scaling.py [--articles 1000] [--workers 1 2]
        [--cpu-processes 2] [--input seeds|generated]

Each count runs on a fresh embedded broker (the same conditions and the same articles each time):
the workers are started, their group reaches that many stable members, a warm-up passes every
stage, then all N articles are produced at once; rate = N / (first article produced → last
record published on investment.events or investment.totals). The baseline is the first count's
rate (1 worker), measured in the same run; each other count prints its ratio to it.

The CPU seconds of the broker, of each worker and of its process pool (from /proc) say where
the time went and whether the machine's cores were saturated; from them it prints what 4 workers
would need to run at 4 times the 1-worker rate.
"""

from __future__ import annotations

import argparse
import asyncio

import harness

from streams.embedded_broker import EmbeddedBroker


def pipeline_cpu(run: harness.PipelineRun) -> tuple[float, float]:
    """(workers and their pools, broker) CPU seconds of a run."""
    workers = sum(v for k, v in run.cpu.items() if k.startswith("worker-"))
    return workers, run.cpu.get("broker", 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts, baseline first")
    ap.add_argument("--cpu-processes", type=int, default=None, help="INVESTWIRE_CPU_PROCESSES of each worker")
    ap.add_argument("--input", choices=("seeds", "generated"), default="seeds")
    args = ap.parse_args()

    payloads, source = harness.articles_for(args.input, args.articles)
    env = harness.worker_env(args.cpu_processes)
    print(
        f"{len(payloads)} articles ({source}), INVESTWIRE_CPU_PROCESSES={harness.cpu_processes_setting(env)} "
        f"per worker, {harness.CORES} cores, a fresh broker for each worker count"
    )
    runs: list[harness.PipelineRun] = []
    for n in args.workers:
        broker = EmbeddedBroker()
        with broker:
            run = asyncio.run(harness.pipeline_run(broker, payloads, n, env))
        runs.append(run)
        workers_cpu, broker_cpu = pipeline_cpu(run)
        busy = run.cpu["machine"] / (run.cpu_wall * harness.CORES)
        saturated = "saturated" if busy >= 0.9 else "not saturated"
        ours = sum(v for k, v in run.cpu.items() if k != "machine") / run.cpu_wall
        split = ", ".join(f"{k} {v:.1f}" for k, v in run.cpu.items() if k != "machine")
        print(
            f"{n} worker(s): {run.rate:8,.1f} articles/s ({run.seconds:.1f} s; joined in "
            f"{run.join_seconds:.1f} s)"
        )
        print(f"    CPU s over {run.cpu_wall:.1f} s: {split}")
        print(
            f"    per article: workers+pools {workers_cpu / run.articles * 1000:.1f} ms, broker "
            f"{broker_cpu / run.articles * 1000:.1f} ms; these processes used {ours:.2f} cores, the "
            f"machine (all users) was busy {busy:.0%} of {harness.CORES} ({saturated})"
        )
    base = runs[0]
    for run in runs[1:]:
        print(
            f"ratio {run.workers} workers / {base.workers} worker(s) = {run.rate / base.rate:.3f} "
            f"(linear would be {run.workers / base.workers:.1f})"
        )
    last = runs[-1]
    workers_cpu, broker_cpu = pipeline_cpu(last)
    per_article = (workers_cpu + broker_cpu) / last.articles
    target = 4 / base.workers * base.rate
    need = target * per_article
    print(
        f"4 workers at 4x the {base.workers}-worker rate ({target:,.0f} articles/s) would need "
        f"{need:.1f} cores ({target * workers_cpu / last.articles:.1f} for workers and pools, "
        f"{target * broker_cpu / last.articles:.1f} for the broker) at the CPU per article measured "
        f"with {last.workers} worker(s); this machine has {harness.CORES}"
    )


if __name__ == "__main__":
    main()

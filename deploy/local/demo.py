#!/usr/bin/env python3
"""The fhirpipe main job on the local stack (./fhirpipe demo).

Starts the local stack (deploy/local/stack), runs the `local-demo` export job (incremental from its
watermark: the first run exports everything, a later run only what changed), shows live progress,
and prints per-type row counts and a sample query over the typed tables in DuckDB.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.environ.get("FHIRPIPE_WORK", os.path.join(ROOT, ".fhirpipe"))
LOGS = os.path.join(WORK, "logs")
TTY = sys.stdout.isatty()


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, {"detail": text}


def fail(message):
    print(f"\nfhirpipe demo FAILED: {message}\n  logs: {LOGS}", file=sys.stderr)
    sys.exit(1)


def start_stack(seed, external_fhir):
    os.makedirs(LOGS, exist_ok=True)
    log = open(os.path.join(LOGS, "stack.log"), "w")
    command = [os.path.join(ROOT, "deploy", "local", "stack"), "--seed", str(seed), "--work", WORK]
    if external_fhir:
        command += ["--fhir", external_fhir]
    # Small chunks show the pipeline at work on a small seeded server (the stack's default, 100,000
    # lines, suits load tests and Synapse); the services inherit the stack's environment.
    env = dict(os.environ)
    env.setdefault("FHIRPIPE_SPLITTER_MAX_LINES", "500")
    stack = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
                             env=env)
    fhir = external_fhir or f"dev-fhir-server ({seed} patients)"
    print(f"== starting the local stack: Artemis, Azurite, {fhir}, "
          f"export-trigger, export-poller, ndjson-splitter, synapse-loader (logs: {LOGS})")
    started = time.time()
    for line in stack.stdout:
        if line.startswith("STACK READY"):
            fields = dict(re.findall(r"(\w+)=(\S+)", line))
            print(f"== stack ready in {time.time() - started:.0f} s: trigger {fields['trigger']}, "
                  f"FHIR {fields['fhir']}")
            return stack, fields
        if line.startswith("STACK FAILED"):
            stop_stack(stack)
            fail(line[len("STACK FAILED "):].strip())
    stop_stack(stack)
    fail("the local stack exited before it was ready")


def stop_stack(stack):
    # Only the stack process: it stops the services first and storage and the broker last, so the
    # services' last state writes reach Azurite and Azurite saves before it exits. A signal to the
    # whole process group would stop them all at once.
    if stack.poll() is None:
        stack.terminate()
        try:
            stack.wait(180)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)


def change_some_resources(fhir):
    """Between two runs: update two patients and add an observation, so the increment has something."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    changed = []
    for pid in ("pt-00001", "pt-00002"):
        status, patient = http("GET", f"{fhir}/Patient/{pid}")
        if status != 200:
            continue
        patient.pop("meta", None)
        patient.setdefault("telecom", []).append({"system": "email", "value": f"{pid}+{stamp}@example.org"})
        status, _ = http("PUT", f"{fhir}/Patient/{pid}", patient)
        if status in (200, 201):
            changed.append(f"Patient/{pid} updated")
    observation = {"resourceType": "Observation", "status": "final",
                   "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]},
                   "subject": {"reference": "Patient/pt-00001"}, "effectiveDateTime": stamp + "Z",
                   "valueQuantity": {"value": 72, "unit": "/min", "system": "http://unitsofmeasure.org",
                                     "code": "/min"}}
    status, created = http("POST", f"{fhir}/Observation", observation)
    if status in (200, 201):
        changed.append(f"Observation/{created['id']} added")
    return changed


def bar(done, total, width=24):
    if total <= 0:
        return "[" + "-" * width + "]"
    filled = int(width * done / total)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def render(run, elapsed):
    progress = run.get("progress") or {}
    types = progress.get("types") or {}
    landed = progress.get("filesLanded") or {}
    lines = [f"export {run['exportId']}  {run['status']:<9} {elapsed:5.0f} s   {progress.get('detail', '')}"]
    expected = sum(t["filesExpected"] for t in types.values())
    chunks_expected = sum(t["chunksExpected"] for t in types.values())
    chunks_loaded = sum(t["chunksLoaded"] for t in types.values())
    lines.append(f"  files landed {sum(v for k, v in landed.items() if not k.startswith('error:'))}"
                 f"/{expected or '?'}   files split {sum(t['filesSplit'] for t in types.values())}"
                 f"   chunks loaded {chunks_loaded}/{chunks_expected}  {bar(chunks_loaded, chunks_expected)}")
    for name, t in sorted(types.items()):
        lines.append(f"  {name:<22} {bar(t['chunksLoaded'], t['chunksExpected'], 16)} "
                     f"{t['chunksLoaded']:>3}/{t['chunksExpected']:<3} chunks {t['rowsLoaded']:>7} rows"
                     + (f"  {t['rowsRejected']} rejected" if t['rowsRejected'] else ""))
    return lines


def follow(trigger, export_id, timeout):
    started = time.time()
    drawn = 0
    last_plain = 0
    while True:
        status, run = http("GET", f"{trigger}/exports/{export_id}")
        if status != 200:
            fail(f"GET /exports/{export_id} answered {status}: {run}")
        lines = render(run, time.time() - started)
        if TTY:
            if drawn:
                sys.stdout.write(f"\x1b[{drawn}F\x1b[J")
            sys.stdout.write("\n".join(lines) + "\n")
            sys.stdout.flush()
            drawn = len(lines)
        elif time.time() - last_plain > 5 or run["status"] in ("LOADED", "FAILED", "CANCELLED"):
            print("\n".join(lines), flush=True)
            last_plain = time.time()
        if run["status"] == "LOADED":
            return run
        if run["status"] in ("FAILED", "CANCELLED"):
            error = run.get("error") or {}
            fail(f"export {export_id} {run['status'].lower()}: {error.get('stage')}: {error.get('reason')} "
                 f"{error.get('diagnostics', '')}")
        if time.time() - started > timeout:
            fail(f"export {export_id} not loaded within {timeout} s (status {run['status']})")
        time.sleep(1)


def report(loader):
    status, summary = http("GET", f"{loader}/warehouse/tables")
    if status != 200:
        print(f"(the loader's table summary answered {status})")
        return
    print("\n== rows per table in the warehouse (DuckDB)")
    for table in summary["tables"]:
        print(f"  {table['name']:<32} {table['rows']:>8}")
    status, sample = http("GET", f"{loader}/warehouse/sample")
    if status == 200:
        print(f"\n== a sample query over the typed tables\n{sample['sql']}\n")
        columns = sample["columns"]
        widths = [max([len(str(c))] + [len(str(r[i])) for r in sample["rows"]]) for i, c in enumerate(columns)]
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(columns, widths)))
        for row in sample["rows"]:
            print("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths)))


def main():
    seed = int(os.environ.get("FHIRPIPE_DEMO_PATIENTS", "50"))
    external_fhir = os.environ.get("FHIRPIPE_FHIR_BASE_URL")
    stack, where = start_stack(seed, external_fhir)
    try:
        trigger, fhir = where["trigger"], where["fhir"]
        status, jobs = http("GET", f"{trigger}/jobs")
        job = next((j for j in jobs if j["name"] == "local-demo"), None) if status == 200 else None
        if job is None:
            fail("the export-trigger has no job 'local-demo' (is it running with the local profile?)")
        if job.get("watermark") and external_fhir:
            print(f"== a previous run loaded everything up to {job['watermark']}; exporting what changed since")
        elif job.get("watermark"):
            print(f"== a previous run loaded everything up to {job['watermark']}; changing a few resources "
                  f"so this incremental run has something to do")
            for change in change_some_resources(fhir):
                print(f"   {change}")
        else:
            print("== first run: exporting everything the FHIR server holds")
        status, started = http("POST", f"{trigger}/jobs/local-demo/runs")
        if status != 202:
            fail(f"POST /jobs/local-demo/runs answered {status}: {started}")
        since = started.get("since")
        print(f"== export {started['exportId']} requested (since {since or 'the beginning'})")
        run = follow(trigger, started["exportId"], int(os.environ.get("FHIRPIPE_DEMO_TIMEOUT", "600")))
        mismatches = run["progress"].get("mismatches") or []
        print(f"== loaded: {sum(t['rowsLoaded'] for t in run['progress']['types'].values())} resources in "
              f"{len(run['progress']['types'])} types" + ("" if not mismatches else f"; MISMATCHES: {mismatches}"))
        report(where["loader"])
        print(f"""
== query the warehouse yourself
   the DuckDB file: {where['duckdb']}
   while the stack runs (the loader holds the file): curl '{where['loader']}/warehouse/tables'
   after it stops:  ./fhirpipe sql "select gender, count(*) from patient group by gender"
   run ./fhirpipe run again for an incremental export of what changed since this one.""")
    finally:
        print("== stopping the local stack")
        stop_stack(stack)


if __name__ == "__main__":
    main()

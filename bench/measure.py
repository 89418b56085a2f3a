"""Runs one command as a whole process and prints what it cost, as JSON on stdout:

    python3 bench/measure.py [--sample-rss] -- command args...

wall: seconds from start to the exit of the command and of every process it started;
cpu: user + system seconds of all of them; max_rss: the largest single process (bytes);
peak_rss (with --sample-rss, Linux): the largest sum of the resident sizes of the whole process
tree, sampled every 10 ms (sampling costs CPU, so time the runs without it).

This process makes itself a child subreaper (Linux), so processes the command leaves behind are
waited for and counted too. The command's output goes to a file, printed if it fails.
"""
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time

PR_SET_CHILD_SUBREAPER = 36


def descendants(root):
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(pid))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tree_rss(root):
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def main():
    args = sys.argv[1:]
    sample = "--sample-rss" in args
    command = args[args.index("--") + 1 :]
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    peak = 0
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if sample:
            def watch():
                nonlocal peak
                while child.poll() is None:
                    peak = max(peak, tree_rss(child.pid))
                    time.sleep(0.01)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
        code = child.wait()
        # Whatever the command left running is waited for (and counted) too.
        while True:
            try:
                os.wait()
            except ChildProcessError:
                break
        wall = time.perf_counter() - start
        if code != 0:
            output.seek(0)
            sys.stderr.write(output.read().decode(errors="replace")[-4000:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump(
        {
            "code": code,
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "max_rss": usage.ru_maxrss * 1024,
            "peak_rss": peak if sample else None,
        },
        sys.stdout,
    )


main()

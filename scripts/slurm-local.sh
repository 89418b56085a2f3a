#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the lab's Slurm tests and for trying `lab sweep
# --slurm` without a cluster. Debian's slurm-wlm (which brings munge), run as root. The cluster
# has its own folder: its config, munge key and socket, ports, state and logs all live there, so
# it never touches /etc/slurm or a Slurm that already runs on the machine.
#
#   scripts/slurm-local.sh check        can a cluster run here? (exit 3 and the reason if not)
#   scripts/slurm-local.sh start [DIR]  start munged, slurmctld and slurmd; wait for the node idle;
#                                       print SLURM_CONF=DIR/slurm.conf (export it for sbatch & co)
#   scripts/slurm-local.sh stop [DIR]   cancel its jobs, stop exactly the daemons `start` started
#
# DIR defaults to $SLURM_LOCAL_DIR, else .cache/slurm-local in the project. The ports are the first
# free pair from $SLURM_LOCAL_PORT (default 16817).
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
command=${1:-}
dir=${2:-${SLURM_LOCAL_DIR:-$project/.cache/slurm-local}}

say() { printf 'slurm-local: %s\n' "$*" >&2; }

# Exit 3: this machine cannot run the cluster (a test skips, naming the reason).
cannot() {
  say "cannot run a local Slurm here: $*"
  exit 3
}

check() {
  [ "$(id -u)" = 0 ] || cannot "it needs root (slurmd starts jobs as their user)"
  local tool
  for tool in slurmctld slurmd sbatch squeue sinfo scancel scontrol munged mungekey runuser; do
    command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 ||
      cannot "$tool is missing (apt-get install -y slurm-wlm)"
  done
  id munge >/dev/null 2>&1 || cannot "there is no munge user (apt-get install -y munge)"
}

# A pid from a pid file, if that process still runs and is the daemon of this cluster's folder.
live_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/" || return 1
  echo "$pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  check
  export PATH=$PATH:/usr/sbin:/sbin
  export SLURM_CONF=$dir/slurm.conf
  if live_pid "$dir/slurmctld.pid" >/dev/null; then
    say "already running in $dir"
    echo "SLURM_CONF=$SLURM_CONF"
    return
  fi
  local socket=$dir/munge/run/munge.socket
  [ ${#socket} -lt 100 ] || cannot "the folder's path is too long for a socket: $dir"
  # A fresh cluster each time: no jobs or state from an earlier start.
  rm -rf "$dir/munge" "$dir/ctld" "$dir/spool" "$dir/log"
  mkdir -p "$dir/munge/etc" "$dir/munge/run" "$dir/munge/lib" "$dir/ctld" "$dir/spool" "$dir/log"
  chmod 755 "$dir" "$dir/munge" "$dir/munge/run"
  # munged runs as the munge user: every folder above its files must let it through.
  runuser -u munge -- test -x "$dir/munge" ||
    { say "the munge user cannot reach $dir (a folder above it is private): choose another folder"; exit 1; }
  chmod 700 "$dir/munge/etc" "$dir/munge/lib"
  mungekey -c -k "$dir/munge/etc/munge.key" >/dev/null
  chown -R munge:munge "$dir/munge"
  runuser -u munge -- munged --socket="$socket" --key-file="$dir/munge/etc/munge.key" \
    --pid-file="$dir/munge/run/munged.pid" --log-file="$dir/munge/lib/munged.log" \
    --seed-file="$dir/munge/lib/munged.seed"

  local port=${SLURM_LOCAL_PORT:-16817} tries=0
  while ! port_free "$port" || ! port_free $((port + 1)); do
    port=$((port + 2))
    tries=$((tries + 1))
    [ $tries -lt 50 ] || { say "no free port pair from ${SLURM_LOCAL_PORT:-16817}"; stop_daemons; exit 1; }
  done
  local memory
  memory=$(awk '/MemTotal/ { m = int($2 / 1024) - 512; print (m > 500 ? m : 500) }' /proc/meminfo)
  cat >"$SLURM_CONF" <<EOF
# A one-node cluster for Backdoor Lab's tests (scripts/slurm-local.sh); everything in $dir.
ClusterName=lablocal
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  slurmctld -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF" -N localhost
  local waited=0
  until [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ]; do
    sleep 0.5
    waited=$((waited + 1))
    if [ $waited -ge 60 ]; then
      say "the node did not become idle within 30 s; see $dir/log"
      stop_daemons
      exit 1
    fi
  done
  say "running in $dir (ports $port and $((port + 1))), node idle"
  echo "SLURM_CONF=$SLURM_CONF"
}

# Stops slurmd, slurmctld and munged of this folder by their pids, waiting for each to exit.
stop_daemons() {
  local file pid waited
  for file in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/run/munged.pid"; do
    pid=$(live_pid "$file") || continue
    kill -TERM "$pid" 2>/dev/null || continue
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 40 ]; do
      sleep 0.25
      waited=$((waited + 1))
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    say "stopped $(basename "$file" .pid) (pid $pid)"
  done
}

stop() {
  export PATH=$PATH:/usr/sbin:/sbin
  export SLURM_CONF=$dir/slurm.conf
  if live_pid "$dir/slurmctld.pid" >/dev/null && command -v scancel >/dev/null 2>&1; then
    # Its jobs first, so that no task outlives the cluster.
    local jobs waited=0
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      while [ -n "$(squeue -h -o %A 2>/dev/null)" ] && [ $waited -lt 40 ]; do
        sleep 0.25
        waited=$((waited + 1))
      done
    fi
  fi
  stop_daemons
}

case "$command" in
  check) check ;;
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 check|start|stop [DIR]" >&2
    exit 2
    ;;
esac

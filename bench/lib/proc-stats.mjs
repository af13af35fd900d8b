/**
 * Linux /proc readings the parent takes of other processes: open file descriptors of a child, the
 * CPU time of the local PostgreSQL server's processes and of the whole machine. Each returns null
 * where /proc cannot tell (another OS, a remote server, no permission).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Entries of /proc/<pid>/fd: the process's open file descriptors (sockets, files, pipes, epoll…). */
export function openFds(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

let ticksPerSecond = null;
function clockTicks() {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime, stime, cutime, cstime (fields 14–17 of proc(5) stat), in clock ticks; null if gone. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/**
 * CPU time (µs) used so far by every process named `postgres` on this machine: their own time plus
 * that of the backends that already exited (reaped by the postmaster, so in its children's time).
 * Null when no such process is visible. It counts every client of that server, not only the bench.
 */
export function postgresCpuUs() {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let total = 0;
  let seen = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const ticks = cpuTicks(entry);
    if (ticks?.comm !== 'postgres') continue;
    seen += 1;
    total += ticks.own + ticks.children;
  }
  return seen === 0 ? null : (total / clockTicks()) * 1e6;
}

/**
 * Busy CPU time (µs) of the whole machine since boot, all cores: everything in /proc/stat's `cpu`
 * line but idle and iowait. Against the bench's own processes it shows what else ran meanwhile.
 */
export function machineBusyUs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user and nice).
    const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
    return (busy / clockTicks()) * 1e6;
  } catch {
    return null;
  }
}

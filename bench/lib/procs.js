'use strict';
// CPU and memory of the processes under test, read from /proc (Linux only): nothing is signalled.
const fs = require('node:fs');
const os = require('node:os');

const CLK_TCK = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

function readStat(pid) {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime = field 14, stime 15, cutime 16, cstime 17, ppid 4.
    return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]), cutime: Number(rest[13]), cstime: Number(rest[14]) };
  } catch {
    return null;
  }
}

function readRssKb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size: shared pages split among their sharers, so a sum over processes is meaningful (RSS would count PostgreSQL's shared buffers once per backend). */
function readPssKb(pid) {
  try {
    const match = /Pss:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Inodes of TCP sockets listening on a port (IPv4 and IPv6). */
function listeningInodes(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines = [];
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[1].endsWith(`:${hex}`) && f[3] === '0A') inodes.add(f[9]);
    }
  }
  return inodes;
}

const allPids = () => fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);

/** The process that listens on a TCP port on this machine, or null. */
function pidListeningOn(port) {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of allPids()) {
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

/**
 * A group of processes counted as one ("postgresql" = the postmaster and all its children):
 * `root` pid, and whether its live children count too. Children that exit during a scenario are
 * still counted through the root's cutime/cstime (the kernel adds a reaped child's time there).
 */
function sampleGroup(group) {
  const pids = [group.pid];
  if (group.withChildren) {
    for (const pid of allPids()) {
      const stat = readStat(pid);
      if (stat && stat.ppid === group.pid) pids.push(pid);
    }
  }
  const perPid = {};
  let rssKb = 0;
  let pssKb = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    perPid[pid] = stat.utime + stat.stime + (pid === group.pid && group.withChildren ? stat.cutime + stat.cstime : 0);
    rssKb += readRssKb(pid);
    pssKb += readPssKb(pid);
  }
  return { perPid, rssKb, pssKb, processes: Object.keys(perPid).length, alive: group.pid in perPid };
}

/**
 * Samples every group once a second between start() and stop(): CPU% over the interval
 * (100% = one core) and the largest RSS and PSS seen, per group (summed over a group's processes).
 */
class ProcessSampler {
  constructor(groups) {
    this.groups = groups.filter((g) => g.pid);
  }

  start() {
    this.startedAt = process.hrtime.bigint();
    this.first = this.groups.map((g) => sampleGroup(g));
    this.maxRss = this.first.map((s) => s.rssKb);
    this.maxPss = this.first.map((s) => s.pssKb);
    this.maxProcesses = this.first.map((s) => s.processes);
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  sample() {
    const now = this.groups.map((g) => sampleGroup(g));
    now.forEach((s, i) => {
      this.maxRss[i] = Math.max(this.maxRss[i], s.rssKb);
      this.maxPss[i] = Math.max(this.maxPss[i], s.pssKb);
      this.maxProcesses[i] = Math.max(this.maxProcesses[i], s.processes);
    });
    return now;
  }

  stop() {
    clearInterval(this.timer);
    const last = this.sample();
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    return this.groups.map((g, i) => {
      let ticks = 0;
      for (const [pid, value] of Object.entries(last[i].perPid)) ticks += value - (this.first[i].perPid[pid] ?? 0);
      return {
        name: g.name,
        pid: g.pid,
        cpuPercent: Math.round(((ticks / CLK_TCK) / seconds) * 1000) / 10,
        cpuMs: Math.round((ticks / CLK_TCK) * 1000),
        rssMaxMb: Math.round((this.maxRss[i] / 1024) * 10) / 10,
        pssMaxMb: Math.round((this.maxPss[i] / 1024) * 10) / 10,
        ...(g.withChildren ? { processesMax: this.maxProcesses[i] } : {}),
        alive: last[i].alive,
        ...(g.shared ? { shared: true } : {}),
      };
    });
  }
}

module.exports = { ProcessSampler, pidListeningOn, cores: () => os.cpus().length };

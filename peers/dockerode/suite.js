#!/usr/bin/env node
// dockerode suite: the behaviours dockerode's own test suite and docker-modem lean on (hijacked
// attach and exec with stdin, demuxStream, followProgress, events, archives, stats, commit,
// logs windows, wait conditions, registry push with auth, swarm, services, secrets, configs,
// nodes, and dockerode's own test files retold: peers/dockerode_suite_coverage.txt), written as
// checks of what a daemon must answer, against DOCKER_HOST.
//
//   cd peers/dockerode && npm ci && DOCKER_HOST=unix:///path.sock PEERS_IMAGE=busybox:latest node suite.js
//
// Same protocol as scenarios.js: `PASS name`, `FAIL name: reason` or `SKIP name: reason` per
// check, `N passed, N failed` last; exit 0 only if nothing failed; everything it makes is
// labelled dockwire.peers=<prefix> and removed at the end (the check `cleanup` fails when
// something is left behind).
//
// Variables: PEERS_IMAGE (a static busybox with a link per applet, default busybox:local),
// PEERS_SUBNET (default 10.215.0.0/24), PEERS_SWARM_POOL (default 10.238.0.0/16),
// PEERS_REGISTRY, PEERS_REGISTRY_USER, PEERS_REGISTRY_PASSWORD (a registry that needs basic
// auth, e.g. scripts/registry.sh's DOCKWIRE_AUTH_REGISTRY; the push checks are skipped
// without it; the network check of IPRange/Gateway uses 10.216.0.0/16); PEERS_ONLY (a regexp:
// run only the checks it matches; the swarm's checks need swarm.init_inspect_update). It makes
// the daemon a single-node swarm (on 127.0.0.1) and leaves it again: run it alone on a daemon
// others use. It writes its build contexts and tars under a temporary directory it removes.
'use strict';

const Docker = require('dockerode');
const net = require('net');
const { PassThrough, Readable } = require('stream');
const H = require('./harness');

const { Fail, Skip, eq, has, ok, sleep, check, streamToBuffer, frames, demux, tarOf, untar, expectStatus, until } = H;

const IMAGE = process.env.PEERS_IMAGE || 'busybox:local';
const SUBNET = process.env.PEERS_SUBNET || '10.215.0.0/24';
const SWARM_POOL = process.env.PEERS_SWARM_POOL || '10.238.0.0/16';
const REG = process.env.PEERS_REGISTRY || '';
const REG_AUTH = { username: process.env.PEERS_REGISTRY_USER || '', password: process.env.PEERS_REGISTRY_PASSWORD || '', serveraddress: REG };
const P = 'dwsuite' + (process.pid % 100000);
const LBL = 'dockwire.peers=' + P;
const LABELS = { 'dockwire.peers': P };
const START = Math.floor(Date.now() / 1000);

const docker = new Docker();
const run = new H.Run(docker, { prefix: P, label: LBL, registry: REG });
const { swarm } = run;

function followProgress(stream, onProgress) {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out)), onProgress);
  });
}

// progressError runs a JSON message stream to its end and gives its error message, or null.
async function progressError(streamP) {
  try {
    const msgs = await followProgress(await streamP);
    const e = msgs.find((m) => m.error || m.errorDetail);
    return e ? e.error || e.errorDetail.message : null;
  } catch (e) {
    return e.json && e.json.message ? e.json.message : e.message;
  }
}

async function create(cmd, extra = {}) {
  return docker.createContainer({ Image: IMAGE, Cmd: ['sh', '-c', cmd], Labels: LABELS, ...extra });
}

async function running(cmd, extra = {}) {
  const c = await create(cmd, extra);
  await c.start();
  return c;
}

// execOut runs cmd in c: {out, err, code}.
async function execOut(c, cmd, opts = {}) {
  const ex = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...opts });
  const d = demux(await streamToBuffer(await ex.start({})));
  const info = await until(async () => { const i = await ex.inspect(); return i.Running ? null : i; }, 'exec end');
  return { out: d.out, err: d.err, code: info.ExitCode };
}

// readUntil reads s until its text matches re (or it ends) and gives the text so far.
function readUntil(s, re, ms, what, decode = (b) => b.toString()) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const t = setTimeout(() => { done(); reject(new Fail(`${what}: ${re} not seen in ${ms}ms: ${JSON.stringify(decode(Buffer.concat(chunks)).slice(-200))}`)); }, ms);
    const onData = (c) => {
      chunks.push(Buffer.from(c));
      const text = decode(Buffer.concat(chunks));
      if (re.test(text)) { done(); resolve(text); }
    };
    const onEnd = () => { done(); const text = decode(Buffer.concat(chunks)); if (re.test(text)) resolve(text); else reject(new Fail(`${what}: the stream ended before ${re}: ${JSON.stringify(text.slice(-200))}`)); };
    function done() { clearTimeout(t); s.removeListener('data', onData); s.removeListener('end', onEnd); }
    s.on('data', onData);
    s.on('end', onEnd);
  });
}

// ---- attach and exec through docker-modem ------------------------------------------------

async function tAttachTtyStdin() {
  // dockerode's test: wc -c on a terminal, 1000 bytes and a newline, then ^D
  const c = await create('', { Cmd: ['wc', '-c'], Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const s = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true });
  const outP = streamToBuffer(s);
  await c.start();
  s.write('x'.repeat(1000) + '\n\x04');
  eq((await c.wait()).StatusCode, 0, 'exit');
  const out = (await outP).toString();
  ok(/1001\r\n$/.test(out), `wc said ${JSON.stringify(out.slice(-20))}, want it to end in 1001\\r\\n`);
  await c.remove();
}

async function tAttachStdin() {
  // no terminal: a shell reads its commands from the attached stdin
  const c = await create('', { Cmd: ['sh'], OpenStdin: true, StdinOnce: true });
  const s = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true });
  const outP = streamToBuffer(s);
  await c.start();
  s.write(`printf '%s' ${'y'.repeat(5000)} | wc -c; echo to-err >&2; exit 4\n`);
  eq((await c.wait()).StatusCode, 4, 'exit');
  const d = demux(await outP);
  eq([d.out.trim(), d.err], ['5000', 'to-err\n'], 'demuxed output');
  await c.remove();
}

async function tAttachHijack() {
  const c = await create('', { Cmd: ['sh'], OpenStdin: true, StdinOnce: true });
  const s = await c.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true });
  ok(s instanceof net.Socket, 'a hijacked attach gives the raw socket');
  const outP = streamToBuffer(s);
  await c.start();
  s.write('echo via-hijack; exit\n');
  eq((await c.wait()).StatusCode, 0, 'exit');
  eq(frames(await outP, 'hijacked attach'), [[1, 'via-hijack\n']], 'frames');
  await c.remove();
}

async function tDemuxStream() {
  const c = await create('echo o1; echo e1 >&2; echo o2');
  const s = await c.attach({ stream: true, stdout: true, stderr: true });
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [], err: [] };
  out.on('data', (d) => chunks.out.push(d));
  err.on('data', (d) => chunks.err.push(d));
  docker.modem.demuxStream(s, out, err);
  const ended = new Promise((r) => s.on('end', r));
  await c.start();
  await c.wait();
  await H.withTimeout(ended, 5000, 'the attach stream ends with the container');
  eq([Buffer.concat(chunks.out).toString(), Buffer.concat(chunks.err).toString()], ['o1\no2\n', 'e1\n'], 'demuxStream');
  await c.remove();
}

let boxC = null;
async function box() {
  if (!boxC) boxC = await running('sleep 300', { name: P + '-box' });
  return boxC;
}

async function tExecHijackCat() {
  const c = await box();
  const ex = await c.exec({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true });
  const s = await ex.start({ hijack: true, stdin: true });
  ok(s instanceof net.Socket, 'a hijacked exec start gives the raw socket');
  const sample = 'echo\nall\nof\nme\n';
  const outP = streamToBuffer(s);
  s.end(sample);
  const got = frames(await outP, 'exec output');
  ok(got.length > 0 && got.every(([k]) => k === 1), `stdout frames only: ${JSON.stringify(got)}`);
  eq(got.map(([, t]) => t).join(''), sample, 'cat gave back stdin');
}

async function tExecInspect() {
  const c = await box();
  const ex = await c.exec({ Cmd: ['sh', '-c', 'echo $E; exit 2'], Env: ['E=e1'], User: '1000:1000', WorkingDir: '/tmp', AttachStdout: true });
  const before = await ex.inspect();
  eq([before.Running, before.ExitCode, before.Pid, before.ContainerID, before.OpenStdin, before.OpenStdout],
    [false, null, 0, c.id, false, true], 'before start');
  eq(before.ProcessConfig, { tty: false, entrypoint: 'sh', arguments: ['-c', 'echo $E; exit 2'], privileged: false, user: '1000:1000' }, 'ProcessConfig');
  eq(demux(await streamToBuffer(await ex.start({}))).out, 'e1\n', 'output');
  const after = await until(async () => { const i = await ex.inspect(); return i.Running ? null : i; }, 'exec end');
  eq(after.ExitCode, 2, 'exit code');
  await expectStatus(docker.getExec('0123456789abcdef').inspect(), 404, 'a missing exec');
}

async function tExecResize() {
  const c = await box();
  const ex = await c.exec({ Cmd: ['sh', '-c', 'sleep 1; stty size'], AttachStdout: true, Tty: true });
  const s = await ex.start({ hijack: true, stdin: false, Tty: true });
  const outP = streamToBuffer(s);
  await sleep(200);
  await ex.resize({ h: 33, w: 101 });
  eq((await outP).toString().trim(), '33 101', 'stty size after the resize');
}

async function tContainerResize() {
  const c = await running('sleep 300', { Tty: true, OpenStdin: true });
  await c.resize({ h: 40, w: 120 });
  const r = await execOut(c, ['sh', '-c', 'stty size < /proc/1/fd/0']);
  eq(r.out.trim(), '40 120', 'the container terminal\'s size');
  await c.kill();
  await c.wait();
  const e = await expectStatus(c.resize({ h: 10, w: 10 }), 409, 'resize a stopped container');
  has(e.json && e.json.message, 'is not running', 'message');
  await c.remove();
}

// ---- containers ------------------------------------------------------------------------

async function tInspectSize() {
  const c = await running('echo grown > /grown.txt; sleep 300');
  await sleep(300);
  const plain = await c.inspect();
  ok(!('SizeRw' in plain) && !('SizeRootFs' in plain), 'no sizes without size=1');
  const sized = await c.inspect({ size: true });
  ok(typeof sized.SizeRw === 'number' && sized.SizeRw > 0, `SizeRw ${sized.SizeRw}`);
  ok(typeof sized.SizeRootFs === 'number' && sized.SizeRootFs > sized.SizeRw, `SizeRootFs ${sized.SizeRootFs}`);
  const ls = await docker.listContainers({ size: true, filters: { id: [c.id] } });
  eq(ls.length, 1, 'listed by id');
  ok(ls[0].SizeRw > 0 && ls[0].SizeRootFs > 0, `list sizes ${ls[0].SizeRw}/${ls[0].SizeRootFs}`);
  await c.remove({ force: true });
}

async function tListFilters() {
  const a = await create('true', { name: P + '-fa', Labels: { ...LABELS, role: 'a' } });
  const b = await running('sleep 300', { name: P + '-fb', Labels: { ...LABELS, role: 'b' } });
  const names = (l) => l.map((x) => x.Names[0].slice(1)).sort();
  // filters as an object (docker-modem JSON-encodes it)...
  eq(names(await docker.listContainers({ all: true, filters: { label: [LBL, 'role=a'] } })), [P + '-fa'], 'label and label=value');
  // ...as a JSON string, and in the old map form
  eq(names(await docker.listContainers({ all: true, filters: JSON.stringify({ status: ['created'], label: [LBL] }) })), [P + '-fa'], 'status (string filters)');
  eq(names(await docker.listContainers({ all: true, filters: { label: { [LBL]: true, 'role=b': true }, status: { running: true } } })), [P + '-fb'], 'map form');
  eq(names(await docker.listContainers({ all: true, filters: { label: [LBL], name: [P + '-f[ab]$'] } })), [P + '-fa', P + '-fb'], 'name regexp');
  eq(names(await docker.listContainers({ all: true, filters: { label: [LBL, 'role'], id: [a.id.slice(0, 12)] } })), [P + '-fa'], 'id prefix');
  eq(names(await docker.listContainers({ all: true, filters: { label: [LBL, 'role'], since: [a.id] } })), [P + '-fb'], 'since');
  eq(names(await docker.listContainers({ all: true, filters: { label: [LBL, 'role'], before: [P + '-fb'] } })), [P + '-fa'], 'before');
  eq(names(await docker.listContainers({ all: true, filters: { label: [LBL, 'role'], ancestor: [IMAGE] } })), [P + '-fa', P + '-fb'], 'ancestor');
  eq(names(await docker.listContainers({ all: true, limit: 1, filters: { label: [LBL, 'role'] } })), [P + '-fb'], 'limit (newest first)');
  eq(names(await docker.listContainers({ filters: { label: [LBL], name: [P + '-f'] } })), [P + '-fb'], 'running only without all');
  await expectStatus(docker.listContainers({ filters: { nosuchfilter: ['x'] } }), 400, 'an unknown filter');
  await a.remove();
  await b.remove({ force: true });
}

async function tUpdate() {
  const c = await running('sleep 300');
  const r = await c.update({ CpuShares: 512, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
  ok(Array.isArray(r.Warnings) || r.Warnings === null, `Warnings ${JSON.stringify(r)}`);
  const hc = (await c.inspect()).HostConfig;
  eq([hc.CpuShares, hc.RestartPolicy], [512, { Name: 'on-failure', MaximumRetryCount: 3 }], 'updated');
  await c.remove({ force: true });
}

async function tExport() {
  const c = await create('true');
  const ents = untar(await streamToBuffer(await c.export()));
  const names = ents.map((e) => e.name);
  for (const n of ['.dockerenv', 'etc/hostname', 'bin', 'tmp']) has(names, n, 'exported entries');
  await c.remove();
}

async function tChanges() {
  const c = await create('echo x > /foo.txt; mkdir -p /d/e; echo y > /tmp/t; rm /bin/ls');
  await c.start();
  await c.wait();
  const ch = await c.changes();
  const got = Object.fromEntries(ch.map((x) => [x.Path, x.Kind]));
  for (const [p, k] of [['/foo.txt', 1], ['/d', 1], ['/d/e', 1], ['/tmp', 0], ['/tmp/t', 1], ['/bin', 0], ['/bin/ls', 2]]) {
    eq([p, got[p]], [p, k], 'change kind');
  }
  await c.remove();
  const fresh = await create('true');
  // dockerd answers null, which dockerode hands over undecoded
  const none = await fresh.changes();
  eq(Buffer.isBuffer(none) ? JSON.parse(none.toString()) : none, null, 'a fresh container\'s changes');
  await fresh.remove();
}

async function tTopPsArgs() {
  const c = await running('sleep 300');
  const t = await c.top({ ps_args: '-o pid,comm' });
  eq(t.Titles, ['PID', 'COMMAND'], 'titles of ps -o pid,comm');
  ok(t.Processes.some((p) => p[1] === 'sleep'), `processes ${JSON.stringify(t.Processes)}`);
  const e = await expectStatus(c.top({ ps_args: '--no-such-option' }), 500, 'a bad ps option');
  has(e.json && e.json.message, 'ps', 'message');
  await c.kill();
  await c.wait();
  await expectStatus(c.top(), 409, 'top of a stopped container');
  await c.remove();
}

async function tStats() {
  const c = await running('sleep 300');
  const s = await c.stats({ stream: true });
  const text = await readUntil(s, /\n[^\n]*\n/, 10000, 'two stats lines');
  s.destroy();
  const [first, second] = text.split('\n').slice(0, 2).map((l) => JSON.parse(l));
  for (const st of [first, second]) ok(st.cpu_stats && st.memory_stats && st.read && st.id === c.id, `stats ${JSON.stringify(st).slice(0, 200)}`);
  ok(second.precpu_stats.system_cpu_usage > 0, 'the second sample carries the first as precpu_stats');
  ok(Date.parse(second.read) - Date.parse(first.read) >= 900, `one second apart: ${first.read} ${second.read}`);
  const one = await c.stats({ stream: false, 'one-shot': true });
  ok(one.cpu_stats && !one.precpu_stats.system_cpu_usage, `one-shot has no precpu sample: ${JSON.stringify(one.precpu_stats)}`);
  eq(one.name, (await c.inspect()).Name, 'name');
  await c.kill();
  await c.wait();
  const stopped = await c.stats({ stream: false });
  eq([stopped.memory_stats, stopped.cpu_stats.system_cpu_usage || 0], [{}, 0], 'a stopped container\'s stats are empty');
  await c.remove();
}

async function tCommit() {
  const c = await running('echo kept > /kept.txt; sleep 300');
  await sleep(300);
  const r = await c.commit({
    repo: P + '-commit', tag: 'v1', comment: 'committed by the suite', author: 'suite <s@example.com>', pause: true,
    changes: ['ENV CX=1', 'LABEL dockwire.peers=' + P, 'CMD ["cat", "/kept.txt"]', 'WORKDIR /tmp'],
  });
  ok(/^sha256:[0-9a-f]{64}$/.test(r.Id), `commit answer ${JSON.stringify(r)}`);
  const info = await docker.getImage(P + '-commit:v1').inspect();
  eq([info.Id, info.Comment, info.Author, info.Container], [r.Id, 'committed by the suite', 'suite <s@example.com>', c.id], 'image metadata');
  has(info.Config.Env, 'CX=1', 'env');
  eq([info.Config.Cmd, info.Config.WorkingDir, info.Config.Labels['dockwire.peers']], [['cat', '/kept.txt'], '/tmp', P], 'config changes');
  eq((await c.inspect()).State.Status, 'running', 'running again after the pause');
  const out = new PassThrough();
  const outP = streamToBuffer(out);
  const [data, run] = await docker.run(P + '-commit:v1', [], [out, new PassThrough()], { Labels: LABELS, Tty: false });
  eq([data.StatusCode, (await outP).toString()], [0, 'kept\n'], 'the committed file');
  await run.remove();
  await expectStatus(c.commit({ repo: P + '-commit', changes: ['NOSUCH x'] }), 400, 'an unknown instruction in changes');
  await c.remove({ force: true });
}

async function tLogsWindow() {
  const c = await create('for i in 1 2 3 4; do echo l$i; sleep 0.4; done');
  await c.start();
  await c.wait();
  const lines = demux(await c.logs({ stdout: true, timestamps: true })).out.trim().split('\n');
  eq(lines.map((l) => l.split(' ')[1]), ['l1', 'l2', 'l3', 'l4'], 'timestamped lines');
  const unix = (l) => { const t = l.split(' ')[0]; return (Date.parse(t.replace(/\.(\d{3})\d*Z$/, '.$1Z')) / 1000).toFixed(3); };
  const after1 = (Number(unix(lines[1])) - 0.05).toFixed(3);
  eq(demux(await c.logs({ stdout: true, since: after1 })).out, 'l2\nl3\nl4\n', 'since (fractional)');
  const before3 = (Number(unix(lines[2])) - 0.05).toFixed(3);
  eq(demux(await c.logs({ stdout: true, until: before3 })).out, 'l1\nl2\n', 'until (fractional)');
  eq(demux(await c.logs({ stdout: true, since: after1, until: before3 })).out, 'l2\n', 'since and until');
  eq(demux(await c.logs({ stdout: true, tail: 2 })).out, 'l3\nl4\n', 'tail 2');
  eq(demux(await c.logs({ stdout: true, tail: 'all' })).out, 'l1\nl2\nl3\nl4\n', 'tail all');
  eq(demux(await c.logs({ stdout: true, since: START + 3600 })).out, '', 'since in the future');
  const bad = await expectStatus(c.logs({ stdout: true, since: 'yesterday' }), 500, 'a bad since (dockerd 20.10: 500)');
  has(bad.message, 'invalid syntax', 'message');
  await expectStatus(c.logs({}), 400, 'neither stdout nor stderr');
  await c.remove();
}

async function tLogsFollowUntil() {
  const c = await running('while true; do echo tick; sleep 0.2; done');
  const t0 = Date.now();
  const s = await c.logs({ follow: true, stdout: true, until: Math.floor(Date.now() / 1000) + 2 });
  const buf = await H.withTimeout(streamToBuffer(s), 8000, 'a followed stream with until ends at until');
  ok(Date.now() - t0 >= 900, `ended after ${Date.now() - t0}ms, before until`);
  ok(demux(buf).out.startsWith('tick\n'), 'followed lines');
  await c.remove({ force: true });
}

async function tWaitConditions() {
  const c = await create('exit 7');
  eq((await c.wait({ condition: 'not-running' })).StatusCode, 0, 'not-running on a created container');
  const nextP = c.wait({ condition: 'next-exit' });
  await sleep(200);
  await c.start();
  eq((await nextP).StatusCode, 7, 'next-exit');
  eq((await c.wait()).StatusCode, 7, 'not-running on an exited one');
  const removedP = c.wait({ condition: 'removed' });
  await sleep(200);
  await c.remove();
  eq((await removedP).StatusCode, 7, 'removed');
  await expectStatus(c.wait(), 404, 'wait for a removed container');
  const d = await create('true');
  eq((await d.wait({ condition: 'sometime' })).StatusCode, 0, 'an unknown condition is not-running (dockerd 20.10)');
  await d.remove();
}

async function tArchiveEdges() {
  const c = await running('mkdir -p /srv/dst; ln -s /srv/dst /srv/link; sleep 300');
  await sleep(200);
  await c.putArchive(tarOf({ 'sub/': '', 'sub/a.txt': 'a\n', 'rel': { link: 'sub/a.txt' } }), { path: '/srv/dst' });
  // through a symlink to a directory: the files land in its target
  await c.putArchive(tarOf({ 'via.txt': 'via\n' }), { path: '/srv/link' });
  eq((await execOut(c, ['cat', '/srv/dst/sub/a.txt', '/srv/dst/rel', '/srv/dst/via.txt'])).out, 'a\na\nvia\n', 'extracted');
  const stat = async (p) => {
    const r = await c.infoArchive({ path: p });
    return JSON.parse(Buffer.from(r.headers['x-docker-container-path-stat'], 'base64').toString());
  };
  const ls = await stat('/srv/link');
  eq([ls.name, ls.linkTarget, (ls.mode & 0x8000000) !== 0], ['link', '/srv/dst', true], 'stat of a symlink (ModeSymlink)');
  const ds = await stat('/srv/dst/');
  eq([ds.name, (ds.mode & 0x80000000) !== 0], ['dst', true], 'stat of a directory (ModeDir)');
  // a directory's archive is named by its base; with /. its content only
  const withDir = untar(await streamToBuffer(await c.getArchive({ path: '/srv/dst' }))).map((e) => e.name).sort();
  eq(withDir, ['dst', 'dst/rel', 'dst/sub', 'dst/sub/a.txt', 'dst/via.txt'], 'archive of a directory');
  const content = untar(await streamToBuffer(await c.getArchive({ path: '/srv/dst/.' }))).map((e) => e.name).sort();
  eq(content.map((n) => n.replace(/^\.\//, '')).filter((n) => n !== '.' && n !== ''), ['rel', 'sub', 'sub/a.txt', 'via.txt'], 'archive of dir/.');
  const link = untar(await streamToBuffer(await c.getArchive({ path: '/srv/dst/rel' })));
  eq([link[0].name, link[0].type, link[0].link], ['rel', '2', 'sub/a.txt'], 'a symlink is archived as a link');
  const onFile = await expectStatus(c.putArchive(tarOf({ 'x': 'x' }), { path: '/srv/dst/sub/a.txt' }), 500, 'extract onto a file (dockerd 20.10: 500)');
  has(onFile.message, 'extraction point is not a directory', 'message');
  await expectStatus(c.putArchive(tarOf({ 'x': 'x' }), { path: '/nonexistent/dir' }), 404, 'extract into a missing directory');
  const ro = await running('sleep 300', { HostConfig: { ReadonlyRootfs: true } });
  const roErr = await expectStatus(ro.putArchive(tarOf({ 'x': 'x' }), { path: '/tmp' }), 500, 'extract into a read-only rootfs (dockerd 20.10: 500)');
  has(roErr.message, 'container rootfs is marked read-only', 'message');
  await ro.remove({ force: true });
  await c.remove({ force: true });
}

async function tCheckpoint() {
  const c = await running('sleep 300');
  let e = null;
  try { await c.listCheckpoint(); } catch (err) { e = err; }
  ok(e && e.statusCode >= 400, `listing checkpoints without experimental: ${e ? e.statusCode : 'no error'}`);
  let e2 = null;
  try { await c.createCheckpoint({ CheckpointID: 'cp1' }); } catch (err) { e2 = err; }
  ok(e2 && e2.statusCode === e.statusCode, `creating one: ${e2 ? e2.statusCode : 'no error'}, want ${e.statusCode}`);
  await c.remove({ force: true });
}

// ---- events ----------------------------------------------------------------------------

async function tEventsStream() {
  // dockerd flushes the headers before it subscribes: `since` replays what falls in between
  const s = await docker.getEvents({ since: Math.floor(Date.now() / 1000), filters: { label: [LBL], type: ['container'] } });
  const seen = [];
  let rest = '';
  s.on('data', (d) => {
    rest += d.toString();
    let i;
    while ((i = rest.indexOf('\n')) >= 0) {
      const e = JSON.parse(rest.slice(0, i));
      rest = rest.slice(i + 1);
      if (e.Actor.Attributes.name === P + '-ev') seen.push(e);
    }
  });
  const c = await create('true', { name: P + '-ev' });
  await c.start();
  await c.wait();
  await c.remove();
  await until(async () => seen.some((e) => e.Action === 'destroy'), 'destroy event', 50, 100);
  s.destroy();
  eq(seen.map((e) => e.Action), ['create', 'attach', 'start', 'die', 'destroy'].filter((a) => a !== 'attach' || seen.some((e) => e.Action === 'attach')), 'actions in order');
  const cr = seen[0];
  eq([cr.Type, cr.status, cr.id, cr.from, cr.Actor.ID, cr.Actor.Attributes.name, cr.Actor.Attributes.image, cr.scope],
    ['container', 'create', c.id, IMAGE, c.id, P + '-ev', IMAGE, 'local'], 'create event');
  ok(typeof cr.time === 'number' && typeof cr.timeNano === 'number' && Math.floor(cr.timeNano / 1e9) === cr.time, 'time and timeNano');
  eq(seen.find((e) => e.Action === 'die').Actor.Attributes.exitCode, '0', 'die exitCode');
}

// ---- images ----------------------------------------------------------------------------

async function tImageHistoryTag() {
  const c = await create('true');
  await c.commit({ repo: P + '-hist', tag: 'a', comment: 'layer comment', changes: ['LABEL dockwire.peers=' + P] });
  await c.remove();
  const img = docker.getImage(P + '-hist:a');
  const h = await img.history();
  const id = (await img.inspect()).Id;
  eq([h[0].Id, h[0].Comment, h[0].Tags], [id, 'layer comment', [P + '-hist:a']], 'newest history entry');
  ok(h.length >= 2 && h.every((x) => typeof x.Created === 'number' && typeof x.Size === 'number' && 'CreatedBy' in x), 'history entries');
  await img.tag({ repo: P + '-hist', tag: 'b' });
  await img.tag({ repo: P + '-hist2' });
  eq((await img.inspect()).RepoTags.sort(), [P + '-hist2:latest', P + '-hist:a', P + '-hist:b'], 'tags');
  const e = await expectStatus(docker.getImage(id).remove(), 409, 'remove by id with several tags');
  has(e.json && e.json.message, 'must be forced', 'message');
  eq(await docker.getImage(P + '-hist:b').remove(), [{ Untagged: P + '-hist:b' }], 'untag one of several');
  const bad = await expectStatus(img.tag({ repo: 'Bad_Name' }), 500, 'tag with an invalid name (dockerd 20.10: 500)');
  has(bad.message, 'repository name must be lowercase', 'message');
}

async function tImageGetSeveral() {
  const ids = {};
  for (const t of [IMAGE, P + '-hist:a']) ids[t] = (await docker.getImage(t).inspect()).Id;
  const tar = untar(await streamToBuffer(await docker.getImages({ names: [IMAGE, P + '-hist:a'] })));
  const man = JSON.parse(tar.find((e) => e.name === 'manifest.json').data.toString());
  eq(man.map((m) => (m.RepoTags || []).join(',')).sort(), [IMAGE, P + '-hist:a'].sort(), 'manifest entries');
  for (const m of man) ok(m.Config && m.Layers.length, 'config and layers');
  const repos = JSON.parse(tar.find((e) => e.name === 'repositories').data.toString());
  ok(repos[P + '-hist'] && repos[P + '-hist'].a, `repositories ${JSON.stringify(repos)}`);
  const e = await expectStatus(docker.getImages({ names: [IMAGE, P + '-nosuch:x'] }).then(streamToBuffer), 404, 'one missing name');
  has(e.message, 'reference does not exist', 'message');
}

async function tImagePrune() {
  const c = await create('true');
  const opts = { repo: P + '-dangle', tag: 'x', changes: ['LABEL dockwire.peers=' + P] };
  const first = (await c.commit({ ...opts, comment: 'one' })).Id;
  await c.commit({ ...opts, comment: 'two' });
  await c.remove();
  const dangling = await docker.listImages({ filters: { dangling: ['true'], label: [LBL] } });
  eq(dangling.map((i) => [i.Id, i.RepoTags]), [[first, ['<none>:<none>']]], 'the re-tagged one is dangling');
  const pr = await docker.pruneImages({ filters: { dangling: ['true'], label: [LBL] } });
  eq((pr.ImagesDeleted || []).map((x) => x.Deleted || x.Untagged).filter(Boolean), [first], 'pruned');
  ok(typeof pr.SpaceReclaimed === 'number', 'SpaceReclaimed');
}

async function tPushAuth() {
  if (!REG) throw new Skip('PEERS_REGISTRY not set');
  const ref = `${REG}/${P}/push`;
  await docker.getImage(IMAGE).tag({ repo: ref, tag: 'v1' });
  const img = docker.getImage(ref + ':v1');
  const denied = await progressError(img.push({ authconfig: { username: 'nobody', password: 'wrong', serveraddress: REG } }));
  ok(denied && /unauthorized|authentication required|no basic auth credentials/.test(denied), `push with bad credentials: ${denied}`);
  const progress = [];
  const msgs = await followProgress(await img.push({ authconfig: REG_AUTH }), (m) => progress.push(m));
  eq(progress.length, msgs.length, 'onProgress saw each message');
  const fin = msgs.find((m) => m.aux && m.aux.Digest);
  ok(fin && fin.aux.Tag === 'v1' && /^sha256:/.test(fin.aux.Digest) && fin.aux.Size > 0, `no aux {Tag, Digest, Size}: ${JSON.stringify(msgs.slice(-2))}`);
  has(msgs[0].status, `The push refers to repository [${ref}]`, 'first message');
  const dist = await docker.getImage(ref + ':v1').distribution({ authconfig: REG_AUTH });
  eq(dist.Descriptor.digest, fin.aux.Digest, 'distribution digest');
  const id = (await img.inspect()).Id;
  await img.remove();
  const pulled = await followProgress(await docker.pull(ref + ':v1', { authconfig: REG_AUTH }));
  has(pulled[pulled.length - 1].status, 'Status: Downloaded newer image for ' + ref + ':v1', 'pull status');
  eq((await img.inspect()).Id, id, 'pulled back');
  has((await img.inspect()).RepoDigests, `${ref}@${fin.aux.Digest}`, 'repo digest');
  await img.remove();
}

// ---- networks and volumes --------------------------------------------------------------

async function tNetworkConnect() {
  const prefix = SUBNET.split('.').slice(0, 3).join('.');
  const n = await docker.createNetwork({ Name: P + '-net', Labels: LABELS, IPAM: { Config: [{ Subnet: SUBNET }] } });
  const c = await running('sleep 300', { name: P + '-netc' });
  await n.connect({ Container: c.id, EndpointConfig: { IPAMConfig: { IPv4Address: prefix + '.77' }, Aliases: ['al'] } });
  const ep = (await c.inspect()).NetworkSettings.Networks[P + '-net'];
  eq([ep.IPAddress, ep.IPAMConfig.IPv4Address, ep.NetworkID], [prefix + '.77', prefix + '.77', n.id], 'static address');
  eq((await n.inspect()).Containers[c.id].IPv4Address, prefix + '.77/24', 'network inspect');
  const again = await expectStatus(n.connect({ Container: c.id }), 403, 'connect twice');
  has(again.json && again.json.message, 'already exists', 'message');
  const taken = await running('sleep 300');
  const e = await expectStatus(n.connect({ Container: taken.id, EndpointConfig: { IPAMConfig: { IPv4Address: prefix + '.77' } } }), 403, 'an address in use');
  has(e.json && e.json.message, 'Address already in use', 'message');
  await n.disconnect({ Container: c.id, Force: true });
  const notConn = await expectStatus(n.disconnect({ Container: c.id }), 500, 'disconnect what is not connected (dockerd 20.10: 500)');
  has(notConn.message, 'is not connected to network', 'message');
  await n.connect({ Container: c.id });
  const inUse = await expectStatus(n.remove(), 403, 'remove a network in use');
  has(inUse.json && inUse.json.message, 'active endpoints', 'message');
  await c.remove({ force: true });
  await taken.remove({ force: true });
  await n.remove();
}

async function tVolumePruneFilters() {
  const mk = (name, extra) => docker.createVolume({ Name: P + '-' + name, Labels: { ...LABELS, ...extra } });
  await mk('pa', { k: '1' });
  await mk('pb', { k: '2' });
  await mk('pc', {});
  const ver = (await docker.version()).ApiVersion.split('.').map(Number);
  const all = ver[0] > 1 || ver[1] >= 42 ? { all: ['true'] } : {};
  const names = (r) => (r.VolumesDeleted || []).slice().sort();
  eq(names(await docker.pruneVolumes({ filters: { ...all, label: [LBL, 'k=1'] } })), [P + '-pa'], 'label=value');
  eq(names(await docker.pruneVolumes({ filters: { ...all, label: [LBL], 'label!': ['k'] } })), [P + '-pc'], 'label! key');
  const used = await create('true', { HostConfig: { Binds: [P + '-pb:/v'] } });
  eq(names(await docker.pruneVolumes({ filters: { ...all, label: [LBL] } })), [], 'a volume in use is kept');
  await used.remove();
  const vs = await docker.listVolumes({ filters: { label: [LBL], dangling: ['true'] } });
  eq((vs.Volumes || []).map((v) => v.Name), [P + '-pb'], 'dangling');
  await expectStatus(docker.pruneVolumes({ filters: { until: ['1h'] } }), 400, 'until is not a volume prune filter');
}

async function tSystemDf() {
  const df = await docker.df();
  ok(typeof df.LayersSize === 'number', 'LayersSize');
  for (const k of ['Images', 'Containers', 'Volumes']) ok(Array.isArray(df[k]), `${k} is a list: ${JSON.stringify(df[k])}`);
  ok('BuildCache' in df && (df.BuildCache === null || Array.isArray(df.BuildCache)), `BuildCache: ${JSON.stringify(df.BuildCache)}`);
  const im = df.Images.find((i) => (i.RepoTags || []).includes(IMAGE));
  ok(im && im.Size > 0 && typeof im.SharedSize === 'number' && typeof im.Containers === 'number', `df image ${JSON.stringify(im)}`);
}

async function tPlugins() {
  ok(Array.isArray(await docker.listPlugins()), 'listPlugins gives a list');
  await expectStatus(docker.getPlugin(P + '-nosuch:latest').inspect(), 404, 'a missing plugin');
}

// ---- swarm -----------------------------------------------------------------------------

function needSwarm() {
  if (!swarm.joined) throw new Fail('no swarm (swarm.init_inspect_update failed)');
}

async function tSwarm() {
  if ((await docker.info()).Swarm.LocalNodeState !== 'inactive') throw new Fail('the daemon is already in a swarm: run alone');
  await expectStatus(docker.swarmInspect(), 503, 'inspect before init');
  const nodeId = await docker.swarmInit({ ListenAddr: `127.0.0.1:${await H.freePort()}`, AdvertiseAddr: '127.0.0.1', DefaultAddrPool: [SWARM_POOL], SubnetSize: 24, Spec: { Labels: LABELS } });
  swarm.inited = swarm.joined = true;
  ok(typeof nodeId === 'string' && nodeId.length >= 20, `init gave ${JSON.stringify(nodeId)}`);
  await expectStatus(docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' }), 503, 'init twice');
  const sw = await docker.swarmInspect();
  ok(/^SWMTKN-1-/.test(sw.JoinTokens.Worker) && /^SWMTKN-1-/.test(sw.JoinTokens.Manager), 'join tokens');
  eq([sw.Spec.Labels, sw.DefaultAddrPool, sw.SubnetSize], [LABELS, [SWARM_POOL], 24], 'spec');
  const info = await docker.info();
  eq([info.Swarm.LocalNodeState, info.Swarm.NodeID, info.Swarm.ControlAvailable], ['active', nodeId, true], 'info.Swarm');
  await docker.swarmUpdate({ ...sw.Spec, version: sw.Version.Index, rotateWorkerToken: true, Labels: { ...LABELS, updated: 'yes' } });
  const sw2 = await docker.swarmInspect();
  ok(sw2.JoinTokens.Worker !== sw.JoinTokens.Worker && sw2.JoinTokens.Manager === sw.JoinTokens.Manager, 'only the worker token rotated');
  eq(sw2.Spec.Labels.updated, 'yes', 'spec updated');
  ok(sw2.Version.Index > sw.Version.Index, 'version bumped');
  const stale = await expectStatus(docker.swarmUpdate({ ...sw.Spec, version: sw.Version.Index }), 500, 'update with a stale version');
  has(stale.json && stale.json.message, 'update out of sequence', 'message');
  const leave = await expectStatus(docker.swarmLeave(), 503, 'a manager leaves without force');
  has(leave.json && leave.json.message, 'force', 'message');
}

async function tNodes() {
  needSwarm();
  const ls = await docker.listNodes();
  eq(ls.length, 1, 'one node');
  const node = docker.getNode(ls[0].ID);
  const n = await node.inspect();
  eq([n.Spec.Role, n.Spec.Availability, n.Status.State, n.ManagerStatus.Leader, n.ManagerStatus.Reachability], ['manager', 'active', 'ready', true, 'reachable'], 'node');
  await node.update({ version: n.Version.Index, Role: 'manager', Availability: 'active', Labels: { dwsuite: P } });
  const n2 = await node.inspect();
  eq(n2.Spec.Labels, { dwsuite: P }, 'labels');
  eq((await docker.listNodes({ filters: { 'node.label': ['dwsuite=' + P] } })).map((x) => x.ID), [n.ID], 'filter node.label');
  eq((await docker.listNodes({ filters: { role: ['worker'] } })).length, 0, 'filter role');
  await expectStatus(docker.getNode('nosuchnode').inspect(), 404, 'a missing node');
  await node.update({ version: n2.Version.Index, Role: 'manager', Availability: 'active', Labels: {} });
}

async function tServices() {
  needSwarm();
  const imageId = (await docker.getImage(IMAGE).inspect()).Id;
  const spec = {
    Name: P + '-svc', Labels: LABELS,
    TaskTemplate: { ContainerSpec: { Image: imageId, Command: ['sh', '-c', 'echo svc-says-hi; sleep 300'] }, RestartPolicy: { Condition: 'none' } },
    Mode: { Replicated: { Replicas: 1 } },
  };
  const svc = await docker.createService(spec);
  const tasks = await until(async () => {
    const t = await docker.listTasks({ filters: { service: [svc.id], 'desired-state': ['running'] } });
    return t.length && t[0].Status.State === 'running' ? t : null;
  }, 'a running task', 100, 200);
  const task = await docker.getTask(tasks[0].ID).inspect();
  eq([task.ServiceID, task.Slot, task.DesiredState], [svc.id, 1, 'running'], 'task');
  ok(task.Status.ContainerStatus && task.Status.ContainerStatus.ContainerID, 'task container');
  const logs = await until(async () => {
    const b = await svc.logs({ stdout: true, stderr: true });
    const text = Buffer.isBuffer(b) ? demux(b).out : String(b);
    return text.includes('svc-says-hi') ? text : null;
  }, 'service logs', 25, 200);
  has(logs, 'svc-says-hi', 'service logs');
  const info = await svc.inspect();
  await svc.update({ version: info.Version.Index, ...info.Spec, Labels: { ...LABELS, v: '2' }, Mode: { Replicated: { Replicas: 0 } } });
  const info2 = await svc.inspect();
  eq([info2.Spec.Labels.v, info2.Spec.Mode.Replicated.Replicas, info2.PreviousSpec.Mode.Replicated.Replicas], ['2', 0, 1], 'updated');
  const stale = await expectStatus(svc.update({ version: info.Version.Index, ...info.Spec }), 500, 'update with a stale version');
  has(stale.json && stale.json.message, 'update out of sequence', 'message');
  await until(async () => (await docker.listTasks({ filters: { service: [svc.id], 'desired-state': ['running'] } })).length === 0, 'scaled to 0');
  const dup = await expectStatus(docker.createService(spec), 409, 'a second service of the same name');
  has(dup.json && dup.json.message, 'already exists', 'message');
  await svc.remove();
  await expectStatus(svc.inspect(), 404, 'a removed service');
}

async function tSecretsConfigs() {
  needSwarm();
  const sec = await docker.createSecret({ Name: P + '-sec', Labels: LABELS, Data: Buffer.from('s3cret').toString('base64') });
  const si = await sec.inspect();
  eq([si.Spec.Name, 'Data' in si.Spec], [P + '-sec', false], 'a secret\'s data is never shown');
  await sec.update({ version: si.Version.Index, Name: P + '-sec', Labels: { ...LABELS, x: 'y' }, Data: si.Spec.Data });
  eq((await sec.inspect()).Spec.Labels.x, 'y', 'secret labels updated');
  eq((await docker.listSecrets({ filters: { name: [P + '-sec'] } })).map((s) => s.ID), [sec.id], 'list by name');
  const dupS = await expectStatus(docker.createSecret({ Name: P + '-sec', Data: 'eA==' }), 409, 'a duplicate secret');
  has(dupS.json && dupS.json.message, 'already exists', 'message');
  await sec.remove();
  await expectStatus(sec.inspect(), 404, 'a removed secret');

  const cfg = await docker.createConfig({ Name: P + '-cfg', Labels: LABELS, Data: Buffer.from('key=value\n').toString('base64') });
  const ci = await cfg.inspect();
  eq(Buffer.from(ci.Spec.Data, 'base64').toString(), 'key=value\n', 'a config\'s data is shown');
  const e = await expectStatus(cfg.update({ version: ci.Version.Index, Name: P + '-cfg', Labels: LABELS, Data: Buffer.from('other').toString('base64') }), 400, 'changing a config\'s data');
  has(e.json && e.json.message, 'only updates to Labels are allowed', 'message');
  await cfg.update({ version: ci.Version.Index, Name: P + '-cfg', Labels: { ...LABELS, z: '1' }, Data: ci.Spec.Data });
  eq((await docker.listConfigs({ filters: { label: ['z=1'] } })).map((c) => c.ID), [cfg.id], 'list by label');
  await cfg.remove();
  await expectStatus(cfg.inspect(), 404, 'a removed config');
}

async function tSwarmLeave() {
  needSwarm();
  await docker.swarmLeave({ force: true });
  swarm.joined = false;
  eq((await docker.info()).Swarm.LocalNodeState, 'inactive', 'left');
  await expectStatus(docker.swarmLeave({ force: true }), 503, 'leave when not in a swarm');
  await expectStatus(docker.listServices(), 503, 'services without a swarm');
}

// ---- dockerode's own tests, retold (test/docker.js, container.js, image.js, networks.js,
// swarm.js, plugin.js, promises.js, buildkit_test.js; see peers/dockerode_suite_coverage.txt)

const fs = require('fs');
const os = require('os');
const path = require('path');

let scratchDir = null;
// scratch gives a fresh directory under the run's temporary directory (removed at the end).
function scratch(name) {
  if (!scratchDir) scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), P + '-'));
  const d = path.join(scratchDir, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

// writeTree writes {relative name: content} under dir (a name ending in / is a directory).
function writeTree(dir, files) {
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    if (name.endsWith('/')) { fs.mkdirSync(p, { recursive: true }); continue; }
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

// buildAndWait runs a build stream to its end with followProgress: its messages; a message with
// an error fails.
async function buildAndWait(streamP, what) {
  const msgs = await followProgress(await streamP);
  const e = msgs.find((m) => m.error || m.errorDetail);
  if (e) throw new Fail(`${what}: ${e.error || e.errorDetail.message}`);
  return msgs;
}

// runOut runs image with cmd (no terminal) and gives its stdout; the container is removed.
async function runOut(image, cmd) {
  const out = new PassThrough();
  const outP = streamToBuffer(out);
  const [data, c] = await docker.run(image, cmd, [out, new PassThrough()], { Labels: LABELS, Tty: false });
  await c.remove();
  eq(data.StatusCode, 0, `exit of ${cmd.join(' ')}`);
  return (await outP).toString();
}

async function tDaemonBasics() {
  // #getPing, #version, #info, #df's neighbours, #listContainers/#listImages/#listVolumes/#listNetworks
  const pong = await docker.ping();
  eq(Buffer.isBuffer(pong) ? pong.toString() : pong, 'OK', 'ping');
  const v = await docker.version();
  ok(v.ApiVersion && v.Version && v.Os === 'linux', `version ${JSON.stringify(v).slice(0, 200)}`);
  const info = await docker.info();
  ok(typeof info.Containers === 'number' && info.Images >= 1 && info.ID, `info ${JSON.stringify(info).slice(0, 200)}`);
  ok(Array.isArray(await docker.listContainers({ all: 1 })), 'listContainers({all: 1}) is a list');
  const imgs = await docker.listImages({ all: 1 });
  ok(Array.isArray(imgs) && imgs.some((i) => (i.RepoTags || []).includes(IMAGE)), `listImages({all: 1}) has ${IMAGE}`);
  const vols = await docker.listVolumes({});
  ok(vols && typeof vols === 'object' && Array.isArray(vols.Volumes || []) && 'Warnings' in vols, `listVolumes gives an object: ${JSON.stringify(vols).slice(0, 200)}`);
  const nets = await docker.listNetworks({});
  ok(Array.isArray(nets) && nets.some((n) => n.Name === 'bridge'), 'listNetworks has bridge');
}

async function tCheckAuth() {
  if (!REG) throw new Skip('PEERS_REGISTRY not set');
  const e = await expectStatus(docker.checkAuth({ username: 'xpto', password: 'dang', email: 'xpto@pxpto.pt', serveraddress: REG }), 500, 'bad credentials (dockerd 20.10: 500)');
  has(e.json && e.json.message, '401 Unauthorized', 'message');
  const good = await docker.checkAuth(REG_AUTH);
  eq(good.Status, 'Login Succeeded', 'good credentials');
}

async function tClientTimeout() {
  // #testTimeout: a client with a timeout gives up on an answer that takes longer (a stop
  // answers when the process is gone: sleep as pid 1 ignores TERM, killed after t)
  const c = await running('sleep 300');
  const impatient = new Docker({ timeout: 500 });
  const t0 = Date.now();
  let err = null;
  try { await impatient.getContainer(c.id).stop({ t: 4 }); } catch (e) { err = e; }
  ok(err, 'a stop of 4 s answered within 500 ms');
  ok(Date.now() - t0 < 3000, `the timeout took ${Date.now() - t0}ms`);
  eq((await c.wait()).StatusCode, 137, 'the daemon went on with the stop: killed after t');
  await c.remove({ force: true });
}

function buildContext(df, more = {}) {
  return tarOf({ Dockerfile: df, ...more });
}

async function tBuildTarFileStream() {
  // #buildImage from a tar file, from a readable stream, with a Promise
  const dir = scratch('tarbuild');
  const file = path.join(dir, 'test.tar');
  fs.writeFileSync(file, buildContext(`FROM ${IMAGE}\nRUN echo test > /built\nLABEL dockwire.peers=${P}\nCMD ["cat", "/built"]\n`));
  const a = await buildAndWait(docker.buildImage(file, { t: P + '-build:file' }), 'from a file');
  ok(a.some((m) => /Successfully tagged/.test(m.stream || '')), `the build's last messages: ${JSON.stringify(a.slice(-2))}`);
  ok(a.some((m) => m.aux && /^sha256:/.test(m.aux.ID)), 'an aux message with the image ID');
  await buildAndWait(new Promise((resolve, reject) => docker.buildImage(fs.createReadStream(file), { t: P + '-build:stream' }, (err, s) => (err ? reject(err) : resolve(s)))), 'from a stream (callback)');
  eq(await runOut(P + '-build:stream', []), 'test\n', 'the built image runs');
  const same = [(await docker.getImage(P + '-build:file').inspect()).Id, (await docker.getImage(P + '-build:stream').inspect()).Id];
  eq(same[0], same[1], 'the second build of the same context is all cache');
  // a build that fails reports it in the stream
  const bad = await progressError(docker.buildImage(buildContext(`FROM ${IMAGE}\nRUN exit 3\n`), { t: P + '-build:bad' }));
  has(bad, 'returned a non-zero code: 3', 'a failing RUN');
}

async function tBuildContextSrc() {
  // #buildImage from {context, src}: dockerode tars (and gzips) the listed files itself; a
  // .dockerignore in the context is honoured; src is not mutated; cachefrom is sent as JSON
  const dir = scratch('ctx');
  writeTree(dir, {
    Dockerfile: `FROM ${IMAGE}\nCOPY . /ctx/\nLABEL dockwire.peers=${P}\n`,
    '.dockerignore': '# Ignore dirs\nignore-dir\n# Ignore blobs\n*.txt\n# Override rules\n!MC-hammer.txt\n',
    'MC-hammer.txt': 'cannot touch this\n',
    'foo.txt': 'ignored\n',
    'ignore-dir/x.bin': 'ignored\n',
  });
  const src = ['Dockerfile', 'MC-hammer.txt', 'ignore-dir', 'foo.txt'];
  await buildAndWait(docker.buildImage({ context: dir, src }, { t: P + '-ctx:ignore' }), 'honour .dockerignore');
  eq(src, ['Dockerfile', 'MC-hammer.txt', 'ignore-dir', 'foo.txt'], 'src not mutated');
  eq((await runOut(P + '-ctx:ignore', ['find', '/ctx'])).split('\n').filter(Boolean).sort(), ['/ctx', '/ctx/Dockerfile', '/ctx/MC-hammer.txt'], 'what reached the build');
  await buildAndWait(docker.buildImage({ context: dir, src: ['Dockerfile'] }, { t: P + '-ctx:cache', cachefrom: [IMAGE] }), 'with cachefrom');
  await docker.getImage(P + '-ctx:cache').inspect();
  // a .dockerignore inside the archive: the classic builder leaves the filtering to the
  // client, except that it drops the Dockerfile and the .dockerignore when they are named
  await buildAndWait(docker.buildImage(buildContext(`FROM ${IMAGE}\nCOPY . /ctx/\nLABEL dockwire.peers=${P}\n`, { '.dockerignore': '*.txt\n.dockerignore\nDockerfile\n', 'keep.txt': 'k', 'sub/': '', 'sub/x.txt': 'x' }), { t: P + '-ctx:daemon' }), 'a .dockerignore in the archive');
  eq((await runOut(P + '-ctx:daemon', ['find', '/ctx'])).split('\n').filter(Boolean).sort(), ['/ctx', '/ctx/keep.txt', '/ctx/sub', '/ctx/sub/x.txt'], 'what the daemon kept of the archive');
}

async function tBuildKit() {
  // #buildImage with buildKit and buildkit_test.js's integration: version "2" opens a session
  // and the progress comes as moby.buildkit.trace messages that docker.followProgress decodes
  const dir = scratch('bk');
  writeTree(dir, { 'buildkit.Dockerfile': `FROM ${IMAGE}\nRUN --mount=type=cache,target=/test echo test\nLABEL dockwire.peers=${P}\n` });
  const s = await docker.buildImage({ context: dir, src: ['buildkit.Dockerfile'] }, { dockerfile: 'buildkit.Dockerfile', version: '2', t: P + '-bk:v2' });
  const events = [];
  const out = await new Promise((resolve, reject) => docker.followProgress(s, (err, o) => (err ? reject(err) : resolve(o)), (e) => events.push(e)));
  const e = out.find((m) => m.error || m.errorDetail);
  if (e) throw new Fail(`buildkit build: ${e.error || e.errorDetail.message}`);
  // the decoded trace: vertex names as stream lines
  ok(out.some((m) => /\[internal\] load remote build context/.test(m.stream || '')), `no decoded BuildKit vertex: ${JSON.stringify(out.slice(0, 3)).slice(0, 300)}`);
  ok(out.some((m) => /RUN --mount=type=cache,target=\/test echo test/.test(m.stream || '')), `no RUN vertex: ${JSON.stringify(out).slice(0, 600)}`);
  ok(events.length > 0, 'onProgress was called');
  await docker.getImage(P + '-bk:v2').inspect();
}

async function tBuildClassicMount() {
  // buildkit_test.js's "regular builds too": the same Dockerfile without version 2 goes to
  // the classic builder, which reads RUN --mount and refuses it when the step runs
  const dir = scratch('bk1');
  writeTree(dir, { 'buildkit.Dockerfile': `FROM ${IMAGE}\nLABEL dockwire.peers=${P}\nRUN --mount=type=cache,target=/test echo test\n` });
  const events = [];
  const out = await new Promise((resolve, reject) => docker.buildImage({ context: dir, src: ['buildkit.Dockerfile'] }, { dockerfile: 'buildkit.Dockerfile', t: P + '-bk:v1' }, (err, s) => {
    if (err) return reject(err);
    docker.followProgress(s, (e, o) => (e ? reject(e) : resolve(o)), (ev) => events.push(ev));
  }));
  ok(events.every((e) => typeof e === 'object'), 'progress events are objects');
  const steps = out.filter((m) => /^Step \d/.test(m.stream || '')).map((m) => m.stream.trim());
  eq(steps, ['Step 1/3 : FROM ' + IMAGE, 'Step 2/3 : LABEL dockwire.peers=' + P, 'Step 3/3 : RUN --mount=type=cache,target=/test echo test'], 'the steps it reached');
  const e = out.find((m) => m.error);
  eq(e && e.error, 'the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled', 'the step\'s refusal');
  // a malformed mount is the Dockerfile's parse error, before the stream
  const bad = await expectStatus(docker.buildImage(buildContext(`FROM ${IMAGE}\nRUN --mount=type=nonsense true\n`), { t: P + '-bk:v0' }), 400, 'an unknown mount type');
  has(bad.message, 'dockerfile parse error line 2: unsupported mount type "nonsense"', 'message');
}

async function tLoadImport() {
  // #loadImage from a readable stream (a docker save), #importImage from a tar archive
  await docker.getImage(IMAGE).tag({ repo: P + '-load', tag: 'x' });
  const file = path.join(scratch('load'), 'save.tar');
  await new Promise(async (resolve, reject) => {
    const s = await docker.getImage(P + '-load:x').get();
    s.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject);
  });
  await docker.getImage(P + '-load:x').remove();
  const loaded = (await streamToBuffer(await docker.loadImage(fs.createReadStream(file), {}))).toString();
  has(loaded, `Loaded image: ${P}-load:x`, 'load output');
  eq((await docker.getImage(P + '-load:x').inspect()).Id, (await docker.getImage(IMAGE).inspect()).Id, 'loaded back');
  const quiet = (await streamToBuffer(await docker.loadImage(fs.createReadStream(file), { quiet: true }))).toString();
  ok(quiet.trim().split('\n').every((l) => JSON.parse(l)), `quiet load output is JSON lines: ${quiet}`);
  // an import of a one-file tar, read by docker-modem from the stream
  const tfile = path.join(scratch('import'), 'one.tar');
  fs.writeFileSync(tfile, tarOf({ 'hello.txt': 'hi\n' }));
  const msgs = await followProgress(await docker.importImage(fs.createReadStream(tfile), { repo: P + '-import', tag: 'v1', changes: ['LABEL dockwire.peers=' + P, 'CMD ["/nothing"]'] }));
  const id = msgs[msgs.length - 1].status;
  ok(/^sha256:[0-9a-f]{64}$/.test(id), `import status ${JSON.stringify(msgs)}`);
  const info = await docker.getImage(P + '-import:v1').inspect();
  eq([info.Id, info.Config.Cmd, info.RootFS.Layers.length], [id, ['/nothing'], 1], 'imported');
  const empty = await followProgress(await docker.importImage(fs.createReadStream(path.join(scratch('import'), 'one.tar')), { repo: P + '-import', tag: 'v2', changes: ['LABEL dockwire.peers=' + P] }));
  ok(/^sha256:[0-9a-f]{64}$/.test(empty[empty.length - 1].status), `a second import: ${JSON.stringify(empty)}`);
  eq((await docker.getImage(P + '-import:v2').inspect()).RepoTags, [P + '-import:v2'], 'the second import\'s tag');
}

async function tPullProgress() {
  // #pull: from a registry (loopback, not the hub), followProgress with and without
  // onProgress, destroyed after the first message; #createImage fromImage
  if (!REG) throw new Skip('PEERS_REGISTRY not set');
  const ref = `${REG}/${P}/pull`;
  await docker.getImage(IMAGE).tag({ repo: ref, tag: 'v1' });
  await followProgress(await docker.getImage(ref + ':v1').push({ authconfig: REG_AUTH }));
  const locate = async () => (await docker.listImages()).find((i) => (i.RepoTags || []).includes(ref + ':v1'));
  await docker.getImage(ref + ':v1').remove();
  ok(!(await locate()), 'removed before the pull');
  const s = await docker.pull(ref + ':v1', { authconfig: REG_AUTH });
  await new Promise((resolve) => { s.resume(); s.once('end', resolve); });
  ok(await locate(), 'found by listImages after the pull');
  const seen = [];
  const out = await new Promise((resolve, reject) => docker.pull(ref + ':v1', { authconfig: REG_AUTH }, (err, st) => {
    if (err) return reject(err);
    docker.modem.followProgress(st, (e, o) => (e ? reject(e) : resolve(o)), (ev) => seen.push(ev));
  }));
  ok(Array.isArray(out) && out.length === seen.length && out.length > 0, `followProgress output ${out.length}, onProgress ${seen.length}`);
  has(out[out.length - 1].status, 'Image is up to date for ' + ref + ':v1', 'the second pull');
  const endOnly = await followProgress(await docker.pull(ref + ':v1', { authconfig: REG_AUTH }));
  ok(Array.isArray(endOnly) && endOnly.length > 0, 'followProgress without onProgress');
  // destroyed after the first message: onFinished still comes
  const paused = await new Promise((resolve) => docker.pull(ref + ':v1', { authconfig: REG_AUTH }, (err, st) => {
    docker.modem.followProgress(st, (e, o) => resolve(o), () => st.destroy());
  }));
  ok(Array.isArray(paused), 'followProgress after destroy gives a list');
  await docker.getImage(ref + ':v1').remove();
  const created = await followProgress(await docker.createImage(REG_AUTH, { fromImage: ref, tag: 'v1' }));
  has(created[created.length - 1].status, 'Downloaded newer image for ' + ref + ':v1', 'createImage fromImage');
  const missing = await progressError(docker.pull(`${REG}/${P}/nosuch:v1`, { authconfig: REG_AUTH }));
  ok(missing && /not found|manifest unknown/.test(missing), `a missing repository: ${missing}`);
}

async function tRun() {
  // #run: with create options, the hub's events (container, stream, start, data), runPromise
  const hub = { container: 0, stream: 0, start: null, data: null };
  const out = new PassThrough();
  const outP = streamToBuffer(out);
  const [data, c] = await new Promise((resolve, reject) => {
    const ee = docker.run(IMAGE, ['sh', '-c', 'uname -s; sleep 1'], out, { Labels: LABELS, Env: ['RUNOPT=1'], HostConfig: { CpuShares: 256 } }, (err, d, ct) => (err ? reject(err) : resolve([d, ct])));
    ee.on('container', () => { hub.container++; });
    ee.on('stream', () => { hub.stream++; });
    ee.on('start', (ct) => { hub.start = ct.inspect().then((i) => i.State.Status); });
    ee.on('data', (d) => { hub.data = d; });
  });
  eq([hub.container, hub.stream, await hub.start, hub.data], [1, 1, 'running', data], 'the run\'s events');
  eq([data.StatusCode, (await outP).toString()], [0, 'Linux\r\n'], 'the output through a terminal (run\'s default Tty)');
  const info = await c.inspect();
  eq([info.HostConfig.CpuShares, info.Config.Tty, info.Config.Env.includes('RUNOPT=1')], [256, true, true], 'create options');
  await c.remove();
  const sink = new PassThrough();
  sink.resume();
  const [d2, c2] = await docker.run(IMAGE, ['sh', '-c', 'exit 5'], sink, { Labels: LABELS });
  eq(d2.StatusCode, 5, 'runPromise gives the exit');
  await c2.remove();
}

async function tVolumesCreate() {
  // #createVolume: named (with a driver) and default (an anonymous name)
  const v = await docker.createVolume({ Name: P + '-tardis', Driver: 'local', Labels: LABELS });
  const info = await v.inspect();
  eq([info.Name, info.Driver, info.Scope, info.Labels], [P + '-tardis', 'local', 'local', LABELS], 'named volume');
  ok(info.Mountpoint.endsWith('/volumes/' + P + '-tardis/_data'), `mountpoint ${info.Mountpoint}`);
  await v.remove();
  await expectStatus(v.inspect(), 404, 'a removed volume');
  const short = await expectStatus(docker.createVolume({ Name: 'a', Labels: LABELS }), 400, 'a one-character name');
  eq(short.json && short.json.message, 'create a: volume name is too short, names should be at least two alphanumeric characters', 'message');
  const slash = await expectStatus(docker.createVolume({ Name: '/' + P, Labels: LABELS }), 400, 'a name with a slash');
  has(slash.json && slash.json.message, 'includes invalid characters for a local volume name', 'message');
  const anon = await docker.createVolume({ Labels: LABELS });
  const ai = await anon.inspect();
  ok(/^[0-9a-f]{64}$/.test(ai.Name), `a default volume's name: ${ai.Name}`);
  await anon.remove();
}

async function tCreateNamed() {
  // #createContainer: create, inspect by the handle, remove
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['/bin/sh'], name: P + '-test', Labels: LABELS });
  const info = await c.inspect();
  eq([info.Name, info.State.Status, info.Config.Cmd], ['/' + P + '-test', 'created', ['/bin/sh']], 'created');
  eq((await docker.getContainer(P + '-test').inspect()).Id, c.id, 'by name');
  const dup = await expectStatus(docker.createContainer({ Image: IMAGE, Cmd: ['/bin/sh'], name: P + '-test', Labels: LABELS }), 409, 'the same name twice');
  has(dup.json && dup.json.message, 'is already in use', 'message');
  await c.remove();
  await expectStatus(c.inspect(), 404, 'removed');
}

async function tLabelsAndFilters() {
  // #labelsAndFilters: an empty-valued label, a valued one; filters as a JSON string and a map
  const a = await create('true', { Labels: { ...LABELS, 'dockerode-test-label': '' } });
  const b = await create('true', { Labels: { ...LABELS, 'dockerode-test-label': '', 'dockerode-test-value-label': 'assigned' } });
  eq((await a.inspect()).Config.Labels, { ...LABELS, 'dockerode-test-label': '' }, 'an empty value is kept');
  const ids = (l) => l.map((x) => x.Id).sort();
  eq(ids(await docker.listContainers({ limit: 3, filters: `{"label": ["dockerode-test-label", "${LBL}"]}` })), [a.id, b.id].sort(), 'valueless (limit implies all)');
  eq(ids(await docker.listContainers({ limit: 3, filters: `{"label": ["dockerode-test-label", "dockerode-test-value-label=assigned", "${LBL}"]}` })), [b.id], 'valued');
  eq(ids(await docker.listContainers({ limit: 3, filters: { label: ['dockerode-test-label', 'dockerode-test-value-label=assigned', LBL] } })), [b.id], 'map of valued labels');
  eq(ids(await docker.listContainers({ filters: { label: ['dockerode-test-label', LBL] } })), [], 'without all or limit: running ones only');
  eq(ids(await docker.listContainers({ all: true, filters: { label: ['dockerode-test-label=', LBL] } })), [a.id, b.id].sort(), 'label= matches the empty value');
  await a.remove();
  await b.remove();
}

// eventsOf gives the actions of the events of container id since (unix seconds) until now,
// with a die's exit code and a kill's signal: ["create", "kill/15", "die/137"...].
async function eventsOf(id, since) {
  const s = await docker.getEvents({ since, until: Math.floor(Date.now() / 1000) + 1, filters: { container: [id] } });
  const text = (await streamToBuffer(s)).toString();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.Type === 'container').map((e) => {
    const a = e.Actor.Attributes;
    return e.Action + (a.signal ? '/' + a.signal : '') + (a.exitCode ? '/' + a.exitCode : '');
  });
}

async function tContainerTtyLifecycle() {
  // container.js's test container: a terminal, tail -f, through each describe in order
  const since = Math.floor(Date.now() / 1000) - 1;
  const c = await docker.createContainer({
    Image: IMAGE, AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: true,
    Cmd: ['/bin/sh', '-c', 'tail -f /etc/resolv.conf'], OpenStdin: false, StdinOnce: false, Labels: LABELS,
  });
  ok((await c.inspect()).Id === c.id && (await c.inspect({})).Id === c.id, 'inspect, with and without opts');
  // #archive on a created container: get, put (a tar file by name), info
  const got = untar(await streamToBuffer(await c.getArchive({ path: '/etc/resolv.conf' })));
  eq(got.map((e) => e.name), ['resolv.conf'], 'getArchive of a file');
  const tfile = path.join(scratch('archive'), 'test.tar');
  fs.writeFileSync(tfile, tarOf({ Dockerfile: 'FROM scratch\n' }));
  await c.putArchive(tfile, { path: '/tmp' });
  const st = await c.infoArchive({ path: '/tmp/Dockerfile' });
  eq(JSON.parse(Buffer.from(st.headers['x-docker-container-path-stat'], 'base64').toString()).size, 13, 'infoArchive of the put file');
  await c.start();
  await c.resize({ h: 24, w: 80 });
  await c.update({ CpuShares: 512 });
  const stats = await c.stats();
  ok(stats.pipe, 'stats gives a stream');
  await readUntil(stats, /\n/, 10000, 'a stats line');
  stats.destroy();
  const before = (await c.inspect()).State.StartedAt;
  await c.restart({ t: 1 });
  const after = await c.inspect();
  ok(after.State.Running && after.State.StartedAt !== before && after.RestartCount === 0, `restarted: ${JSON.stringify(after.State)}`);
  const ex = untar(await streamToBuffer(await c.export()));
  ok(ex.some((e) => e.name === 'tmp/Dockerfile'), 'export has the put file');
  const top = await c.top();
  ok(top.Processes.some((p) => p.join(' ').includes('tail -f /etc/resolv.conf')), `top ${JSON.stringify(top.Processes)}`);
  const logs = await c.logs({ follow: true, stdout: true, stderr: true, timestamps: true });
  ok(logs.pipe, 'a followed log is a stream');
  const first = await readUntil(logs, /\n/, 5000, 'a followed log line (a terminal: no frames)');
  ok(/^\d{4}-\d\d-\d\dT[\d:.]+Z /.test(first), `timestamped: ${JSON.stringify(first)}`);
  logs.destroy();
  const e1 = await c.exec({ Cmd: ['echo', "'foo'"] });
  const s1 = await new Promise((resolve, reject) => e1.start((err, s) => (err ? reject(err) : resolve(s))));
  ok(s1.pipe, 'exec start (callback) gives a stream');
  await streamToBuffer(s1);
  const i1 = await until(async () => { const i = await e1.inspect(); return i.Running ? null : i; }, 'exec end');
  eq([i1.ExitCode, i1.ProcessConfig.arguments], [0, ["'foo'"]], 'exec inspect');
  const e2 = await c.exec({ Cmd: ['echo', 'bar'], AttachStdout: true });
  const s2 = await e2.start();
  eq(demux(await streamToBuffer(s2)).out, 'bar\n', 'exec start (promise): an exec without Tty is framed even in a terminal container');
  const cm = await c.commit({ comment: 'dockerode commit test', repo: P + '-tty', tag: 'c' });
  eq((await docker.getImage(cm.Id).inspect()).Comment, 'dockerode commit test', 'commit');
  const t0 = Date.now();
  await c.stop({ t: 1 });
  const stopped = (await c.inspect()).State;
  eq([stopped.Running, stopped.ExitCode], [false, 137], 'tail as pid 1 ignores TERM: killed after the timeout');
  ok(Date.now() - t0 >= 900, `stop took ${Date.now() - t0}ms`);
  const again = await expectStatus(c.stop(), 304, 'stop a stopped container');
  ok(again, 'not modified');
  await c.remove();
  // as dockerd 20.10 logs them (a stat of a path logs nothing; tail as pid 1 ignores TERM)
  eq(await eventsOf(c.id, since), [
    'create', 'archive-path', 'extract-to-dir', 'start', 'resize', 'update', 'kill/15', 'kill/9', 'die/137', 'stop',
    'start', 'restart', 'export', 'top', "exec_create: echo 'foo'", "exec_start: echo 'foo'", 'exec_die/0',
    'exec_create: echo bar', 'exec_start: echo bar', 'exec_die/0', 'pause', 'commit', 'unpause',
    'kill/15', 'kill/9', 'die/137', 'stop', 'destroy',
  ], 'the container\'s events');
}

async function tNonResponsive() {
  // #non-responsive container: restart and stop forced after the timeout
  const c = await running("trap 'echo no' TERM; while true; do sleep 0.2; done", { Tty: true });
  await sleep(300);
  let t0 = Date.now();
  await c.restart({ t: 1 });
  ok(Date.now() - t0 >= 900, `restart waited ${Date.now() - t0}ms`);
  eq((await c.inspect()).State.Running, true, 'running after the restart');
  await sleep(300);
  t0 = Date.now();
  await c.stop({ t: 1 });
  ok(Date.now() - t0 >= 900, `stop waited ${Date.now() - t0}ms`);
  const st = (await c.inspect()).State;
  eq([st.Running, st.ExitCode], [false, 137], 'killed');
  has((await c.logs({ stdout: true })).toString(), 'no', 'the trap ran');
  await c.remove();
}

async function tPromises() {
  // promises.js: start->resize->stop->remove with a custom Promise (dockerode's Promise option)
  class MyPromise extends Promise {}
  const dp = new Docker({ Promise: MyPromise });
  const p = dp.createContainer({ Image: IMAGE, Tty: true, Cmd: ['/bin/sh', '-c', 'sleep 60'], Labels: LABELS });
  ok(p instanceof MyPromise, 'the custom Promise is used');
  const c = await p;
  await c.start();
  await c.resize({ h: 10, w: 10 });
  await c.stop({ t: 1 });
  await c.remove();
  await expectStatus(c.inspect(), 404, 'removed');
  const built = await buildAndWait(docker.buildImage(buildContext(`FROM ${IMAGE}\nLABEL dockwire.peers=${P}\n`), { t: P + '-promise:b' }), 'build (promise)');
  ok(built.length > 0, 'build messages');
}

async function tImageGet() {
  // image.js: inspect (with manifest=1 too: a query API 1.41 does not know, so the same
  // answer), history, get (one image's tar); #distribution is in image.push_pull_auth
  const img = docker.getImage(IMAGE);
  const info = await img.inspect();
  const withManifest = await img.inspect({ manifest: 1 });
  if ((await docker.version()).ApiVersion === '1.41') eq(withManifest, info, 'inspect with manifest=1 on API 1.41');
  ok(Array.isArray(await img.history()), 'history');
  const tar = untar(await streamToBuffer(await img.get()));
  const man = JSON.parse(tar.find((e) => e.name === 'manifest.json').data.toString());
  eq([man.length, man[0].RepoTags, man[0].Config.replace(/\.json$/, '')], [1, [IMAGE], info.Id.replace(/^sha256:/, '')], 'manifest');
  ok(tar.some((e) => e.name === man[0].Layers[0]), 'the layer is in the tar');
  await expectStatus(docker.getImage(P + '-nosuch:x').inspect(), 404, 'a missing image');
}

async function tNetworkIPRange() {
  // networks.js: a network with Subnet, IPRange and Gateway; connect, inspect, get, disconnect
  const n = await docker.createNetwork({
    Name: P + '-isolated', Driver: 'bridge', Labels: LABELS,
    IPAM: { Config: [{ Subnet: '10.216.0.0/16', IPRange: '10.216.10.0/24', Gateway: '10.216.10.12' }] },
  });
  const c = await running('sleep 300', { Tty: true });
  await n.connect({ Container: c.id });
  const ni = await n.inspect();
  eq(ni.IPAM.Config, [{ Subnet: '10.216.0.0/16', IPRange: '10.216.10.0/24', Gateway: '10.216.10.12' }], 'IPAM config');
  const ep = ni.Containers[c.id];
  ok(ep && /^10\.216\.10\.\d+\/16$/.test(ep.IPv4Address) && ep.IPv4Address !== '10.216.10.12/16', `an address from the range: ${JSON.stringify(ep)}`);
  eq((await docker.getNetwork(n.id).inspect()).Id, n.id, 'get by id');
  const cn = (await c.inspect()).NetworkSettings.Networks[P + '-isolated'];
  eq([cn.Gateway, cn.IPPrefixLen], ['10.216.10.12', 16], 'the container\'s view');
  await n.disconnect({ Container: c.id });
  eq(Object.keys((await n.inspect()).Containers), [], 'disconnected');
  await c.kill();
  await c.remove();
  await n.remove();
}

async function tPluginsMissing() {
  // plugin.js beyond the hub: the privileges of a plugin on a closed port (dockerd 20.10
  // drops the fetch's error: nothing to grant), a remote that does not parse, and enabling,
  // disabling and removing a plugin that is not there
  if ((await docker.version()).ApiVersion === '1.41') {
    eq(await docker.getPlugin('127.0.0.1:9/' + P + '-sshfs').privileges(), [], 'privileges of an unreachable plugin (API 1.41)');
    const bad = await expectStatus(docker.getPlugin('127.0.0.1:9/UPPER').privileges(), 500, 'privileges of an invalid remote (API 1.41)');
    has(bad.json && bad.json.message, 'invalid reference format: repository name must be lowercase', 'message');
  }
  const pl = docker.getPlugin(P + '-sshfs');
  await expectStatus(pl.enable({ timeout: 5 }), 404, 'enable');
  await expectStatus(pl.disable(), 404, 'disable');
  await expectStatus(pl.remove(), 404, 'remove');
}

async function tSwarmLists() {
  // swarm.js: the lists, a service with the logs followed as a stream, a manager node's removal
  needSwarm();
  ok(Array.isArray(await docker.listSecrets({})) && Array.isArray(await docker.listConfigs({})), 'secrets and configs lists');
  const imageId = (await docker.getImage(IMAGE).inspect()).Id;
  const spec = {
    Name: P + '-redis', Labels: LABELS,
    TaskTemplate: { ContainerSpec: { Image: imageId, Command: ['sh', '-c', 'echo ready; sleep 300'] }, Resources: { Limits: {}, Reservations: {} }, RestartPolicy: {}, Placement: {} },
    Mode: { Replicated: { Replicas: 1 } }, UpdateConfig: { Parallelism: 1 },
  };
  const svc = await docker.createService(spec);
  ok((await docker.listServices()).some((s) => s.ID === svc.id), 'listServices (callback-less, no opts)');
  ok((await docker.listServices({})).some((s) => s.ID === svc.id), 'listServices({})');
  const d = await svc.inspect();
  const up = await svc.update({ ...spec, version: parseInt(d.Version.Index, 10) });
  ok(up && 'Warnings' in up, `update answer ${JSON.stringify(up)}`);
  const t = await until(async () => (await docker.listTasks({ filters: { service: [svc.id] } })).find((x) => x.Status.State === 'running'), 'a running task', 100, 200);
  ok((await docker.getTask(t.ID).inspect()).ID === t.ID && Array.isArray(await docker.listTasks()), 'tasks');
  const logs = await svc.logs({ follow: true, stdout: true, stderr: true, timestamps: true });
  ok(logs.pipe, 'followed service logs are a stream');
  const line = await readUntil(logs, /ready/, 15000, 'the service\'s line', (b) => { try { return demux(b).out; } catch (e) { return ''; } });
  ok(/^\d{4}-\d\d-\d\dT[\d:.]+Z .*ready/.test(line.split('\n').find((l) => l.includes('ready'))), `timestamped: ${JSON.stringify(line)}`);
  logs.destroy();
  await svc.remove();
  const nodes = await docker.listNodes();
  const e = await expectStatus(docker.getNode(nodes[0].ID).remove(), 400, 'remove the manager node');
  has(e.json && e.json.message, 'must be demoted to worker before removal', 'message');
}

const checks = [
  ['attach.tty_stdin_wc', tAttachTtyStdin],
  ['attach.stdin_shell', tAttachStdin, 15000],
  ['attach.hijack_stdin', tAttachHijack, 15000],
  ['attach.demux_stream', tDemuxStream],
  ['exec.hijack_cat_frames', tExecHijackCat],
  ['exec.inspect_fields', tExecInspect],
  ['exec.resize', tExecResize],
  ['container.resize', tContainerResize],
  ['container.inspect_size', tInspectSize],
  ['containers.list_filters', tListFilters],
  ['container.update', tUpdate],
  ['container.export', tExport],
  ['container.changes', tChanges],
  ['container.top_ps_args', tTopPsArgs],
  ['container.stats_stream_oneshot', tStats],
  ['container.commit_changes', tCommit],
  ['logs.since_until_tail', tLogsWindow],
  ['logs.follow_until', tLogsFollowUntil],
  ['wait.conditions', tWaitConditions],
  ['archive.edges', tArchiveEdges],
  ['checkpoint.refused', tCheckpoint],
  ['events.stream', tEventsStream],
  ['image.history_tag_untag', tImageHistoryTag],
  ['image.get_several', tImageGetSeveral],
  ['image.prune_dangling', tImagePrune],
  ['image.push_pull_auth', tPushAuth],
  ['network.connect_static_ip', tNetworkConnect],
  ['volume.prune_filters', tVolumePruneFilters],
  ['system.df', tSystemDf],
  ['plugins.list_missing', tPlugins],
  ['daemon.ping_version_info_lists', tDaemonBasics],
  ['daemon.check_auth', tCheckAuth],
  ['client.timeout', tClientTimeout],
  ['build.tar_file_stream', tBuildTarFileStream],
  ['build.context_src_dockerignore', tBuildContextSrc],
  ['build.buildkit_v2', tBuildKit],
  ['build.classic_refuses_mount', tBuildClassicMount],
  ['image.load_import', tLoadImport],
  ['image.pull_follow_progress', tPullProgress],
  ['image.inspect_history_get', tImageGet],
  ['run.events_create_options_promise', tRun],
  ['volume.create_named_default', tVolumesCreate],
  ['container.create_named', tCreateNamed],
  ['containers.labels_and_filters', tLabelsAndFilters],
  ['container.tty_lifecycle', tContainerTtyLifecycle],
  ['container.non_responsive_restart_stop', tNonResponsive],
  ['promises.custom_promise', tPromises],
  ['network.iprange_gateway', tNetworkIPRange],
  ['plugins.missing_enable_disable_remove', tPluginsMissing],
  ['swarm.init_inspect_update', tSwarm],
  ['nodes.list_inspect_update', tNodes],
  ['services.create_tasks_logs_update', tServices],
  ['secrets_configs.crud', tSecretsConfigs],
  ['swarm.lists_service_logs_node_remove', tSwarmLists, 60000],
  ['swarm.leave', tSwarmLeave],
];

run.main(async () => {
  // PEERS_ONLY (a regexp) runs the checks it matches, for a quick look at a few
  const only = process.env.PEERS_ONLY ? new RegExp(process.env.PEERS_ONLY) : null;
  for (const [name, fn, ms] of checks) if (!only || only.test(name)) await check(name, fn, ms);
}, {
  finally: async () => {
    if (boxC) await boxC.remove({ force: true }).catch(() => {});
    if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
  },
});

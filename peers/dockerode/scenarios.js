#!/usr/bin/env node
// dockerode scenarios: what dockerode users do every day, against DOCKER_HOST.
//
//   cd peers/dockerode && npm ci && DOCKER_HOST=unix:///path.sock PEERS_IMAGE=busybox:latest node scenarios.js
//
// Prints `PASS name`, `FAIL name: reason` or `SKIP name: reason` per check and, as its
// last line, `N passed, N failed`; exits 0 only if nothing failed. Everything it creates is
// labelled and named with a per-run prefix and removed at the end; the last check fails
// if anything is left behind.
//
// Variables: PEERS_IMAGE (base image, default busybox:local), PEERS_SUBNET (network
// checks, default 10.214.0.0/24), PEERS_PULL (a name the daemon can pull; the pull check
// is skipped without it).
'use strict';

const Docker = require('dockerode');
const { PassThrough, Readable } = require('stream');

const IMAGE = process.env.PEERS_IMAGE || 'busybox:local';
const SUBNET = process.env.PEERS_SUBNET || '10.214.0.0/24';
const PULL = process.env.PEERS_PULL || '';
const P = 'dwnode' + (process.pid % 100000);
const LBL = 'dockwire.peers=' + P;
const LABELS = { 'dockwire.peers': P };
const START = Math.floor(Date.now() / 1000);

const docker = new Docker();
const results = { pass: 0, fail: 0, skip: 0 };

class Fail extends Error {}
class Skip extends Error {}

function eq(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Fail(`${what}: got ${g}, want ${w}`);
}
function has(hay, needle, what) {
  if (!hay || !hay.includes(needle)) throw new Fail(`${what}: ${JSON.stringify(needle)} not in ${JSON.stringify(hay)}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => { t = setTimeout(() => rej(new Fail(`${what}: timed out after ${ms}ms`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

async function check(name, fn) {
  try {
    await withTimeout(fn(), 60000, name);
    results.pass++;
    console.log(`PASS ${name}`);
  } catch (e) {
    if (e instanceof Skip) {
      results.skip++;
      console.log(`SKIP ${name}: ${e.message}`);
      return;
    }
    results.fail++;
    const where = e instanceof Fail ? '' : ` (${(e.stack || '').split('\n').slice(1, 3).map((s) => s.trim()).join(' ')})`;
    console.log(`FAIL ${name}: ${String(e.message || e).replace(/\n/g, ' ')}${where}`);
  }
}

// ---- helpers ------------------------------------------------------------------------

function streamToBuffer(s) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    s.on('data', (c) => chunks.push(Buffer.from(c)));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

// demux splits an 8-byte-framed buffer into stdout and stderr strings.
function demux(buf) {
  let out = '';
  let err = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const n = buf.readUInt32BE(i + 4);
    const data = buf.slice(i + 8, i + 8 + n).toString();
    if (buf[i] === 2) err += data; else out += data;
    i += 8 + n;
  }
  return { out, err };
}

// tarOf makes a ustar archive of {name: content}.
function tarOf(files) {
  const blocks = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

// untar lists a tar archive: {name: content} (regular files) and dirs.
function untar(buf) {
  const files = {};
  const dirs = [];
  let i = 0;
  let longName = null;
  while (i + 512 <= buf.length) {
    const h = buf.slice(i, i + 512);
    if (h.every((b) => b === 0)) break;
    let name = h.slice(0, 100).toString().replace(/\0.*$/s, '');
    const prefix = h.slice(345, 500).toString().replace(/\0.*$/s, '');
    if (prefix) name = prefix + '/' + name;
    const size = parseInt(h.slice(124, 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 48);
    const data = buf.slice(i + 512, i + 512 + size);
    if (longName !== null) { name = longName; longName = null; }
    if (type === 'L') longName = data.toString().replace(/\0.*$/s, '');
    else if (type === '5') dirs.push(name.replace(/\/$/, ''));
    else if (type === '0' || type === '\0') files[name] = data.toString();
    i += 512 + Math.ceil(size / 512) * 512;
  }
  return { files, dirs };
}

function followProgress(stream) {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

async function createRunning(cmd, extra = {}) {
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['sh', '-c', cmd], Labels: LABELS, ...extra });
  await c.start();
  return c;
}

async function expectStatus(p, code, what) {
  try {
    await p;
  } catch (e) {
    if (e.statusCode !== code) throw new Fail(`${what}: statusCode ${e.statusCode} (${e.message}), want ${code}`);
    return e;
  }
  throw new Fail(`${what}: no error, want ${code}`);
}

// ---- system ---------------------------------------------------------------------------

async function tPing() {
  const r = await docker.ping();
  eq(Buffer.from(r).toString(), 'OK', 'ping body');
  const v = await docker.version();
  if (!v.ApiVersion || !v.Version) throw new Fail(`version ${JSON.stringify(v)}`);
  const info = await docker.info();
  if (!('Containers' in info) || !info.ServerVersion) throw new Fail('info lacks Containers/ServerVersion');
}

// ---- containers -----------------------------------------------------------------------

async function tRun() {
  const out = new PassThrough();
  const err = new PassThrough();
  const outP = streamToBuffer(out);
  const errP = streamToBuffer(err);
  const [data, c] = await docker.run(IMAGE, ['sh', '-c', 'echo hello; echo oops >&2; exit 3'], [out, err],
    { Labels: LABELS, name: P + '-run', Tty: false });
  eq(data.StatusCode, 3, 'exit status');
  eq((await outP).toString(), 'hello\n', 'stdout');
  eq((await errP).toString(), 'oops\n', 'stderr');
  const info = await c.inspect();
  eq(info.Name, '/' + P + '-run', 'name with slash');
  eq(info.State.ExitCode, 3, 'inspect exit code');
  await c.remove();
}

async function tLifecycle() {
  const c = await docker.createContainer({
    Image: IMAGE, Cmd: ['sh', '-c', 'echo start; echo e >&2; sleep 0.2; echo end'], Labels: LABELS,
    name: P + '-life', Env: ['A=1'], WorkingDir: '/tmp',
  });
  const att = await c.attach({ stream: true, stdout: true, stderr: true });
  const attP = streamToBuffer(att);
  const waitP = c.wait({ condition: 'next-exit' });
  await c.start();
  const w = await waitP;
  eq(w.StatusCode, 0, 'wait');
  const got = demux(await attP);
  eq(got.out, 'start\nend\n', 'attached stdout');
  eq(got.err, 'e\n', 'attached stderr');
  const logs = await c.logs({ stdout: true, stderr: true });
  const l = demux(logs);
  eq(l.out, 'start\nend\n', 'logs stdout');
  eq(l.err, 'e\n', 'logs stderr');
  const tail = demux(await c.logs({ stdout: true, tail: 1 }));
  eq(tail.out, 'end\n', 'logs tail');
  const ts = demux(await c.logs({ stdout: true, timestamps: true })).out.split('\n')[0];
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z start$/.test(ts)) throw new Fail(`timestamped line ${JSON.stringify(ts)}`);
  const info = await c.inspect();
  has(info.Config.Env, 'A=1', 'env');
  eq(info.Config.WorkingDir, '/tmp', 'workdir');
  eq(info.Config.Labels['dockwire.peers'], P, 'label');
  const list = await docker.listContainers({ all: true, filters: { label: [LBL] } });
  if (!list.some((x) => x.Id === c.id && x.Names[0] === '/' + P + '-life')) throw new Fail('listContainers misses it');
  await c.rename({ name: P + '-life2' });
  eq((await c.inspect()).Name, '/' + P + '-life2', 'renamed');
  await c.remove();
}

async function tLogsFollow() {
  const c = await createRunning('for i in 1 2 3; do echo f$i; sleep 0.2; done');
  const s = await c.logs({ follow: true, stdout: true, stderr: true });
  eq(demux(await streamToBuffer(s)).out, 'f1\nf2\nf3\n', 'followed logs');
  await c.remove();
}

async function tTty() {
  const c = await createRunning('echo tty', { Tty: true });
  await c.wait();
  const logs = await c.logs({ stdout: true });
  eq(Buffer.from(logs).toString(), 'tty\r\n', 'tty logs');
  await c.remove();
}

async function tStates() {
  const c = await createRunning('sleep 60', { name: P + '-states' });
  await c.pause();
  eq((await c.inspect()).State.Status, 'paused', 'paused');
  await expectStatus(c.start(), 409, 'start a paused container');
  await c.unpause();
  await expectStatus(c.start(), 304, 'start a running container');
  await c.stop({ t: 1 });
  const st = (await c.inspect()).State;
  eq([st.Status, st.ExitCode], ['exited', 137], 'stopped (sleep as pid 1 ignores TERM)');
  await expectStatus(c.stop(), 304, 'stop a stopped container');
  await c.start();
  await c.kill({ signal: 'SIGKILL' });
  eq((await c.wait()).StatusCode, 137, 'killed');
  const top = await createRunning('sleep 60', { name: P + '-top' });
  const t = await top.top();
  if (!t.Titles || !t.Processes.length) throw new Fail(`top ${JSON.stringify(t)}`);
  const stats = await top.stats({ stream: false });
  if (!stats.memory_stats || !stats.cpu_stats) throw new Fail('stats lacks memory_stats/cpu_stats');
  await top.remove({ force: true });
  await c.remove();
}

async function tExec() {
  const c = await createRunning('sleep 60', { name: P + '-exec' });
  const ex = await c.exec({ Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 5'], AttachStdout: true, AttachStderr: true });
  const s = await ex.start({});
  const got = demux(await streamToBuffer(s));
  eq([got.out, got.err], ['out\n', 'err\n'], 'exec output');
  let info = await ex.inspect();
  for (let i = 0; info.Running && i < 50; i++) { await sleep(100); info = await ex.inspect(); }
  eq(info.ExitCode, 5, 'exec exit code');
  // stdin with hijack: the JSON options body is not stdin; half-close ends it
  const ex2 = await c.exec({ Cmd: ['sh', '-c', 'cat; echo done'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const s2 = await ex2.start({ hijack: true, stdin: true });
  const outP = streamToBuffer(s2);
  s2.write('piped\n');
  s2.end();
  eq(demux(await outP).out, 'piped\ndone\n', 'exec stdin');
  const ex3 = await c.exec({ Cmd: ['pwd'], AttachStdout: true, WorkingDir: '/etc', User: '1000' });
  eq(demux(await streamToBuffer(await ex3.start({}))).out, '/etc\n', 'exec workdir');
  const ex4 = await c.exec({ Cmd: ['sh', '-c', 'touch /tmp/detached'] });
  await ex4.start({ Detach: true });
  await sleep(200);
  const ex5 = await c.exec({ Cmd: ['ls', '/tmp/detached'], AttachStdout: true });
  eq(demux(await streamToBuffer(await ex5.start({}))).out, '/tmp/detached\n', 'detached exec ran');
  await c.remove({ force: true });
}

async function tArchive() {
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '60'], Labels: LABELS, name: P + '-arch' });
  await c.putArchive(tarOf({ 'dir/a.txt': 'alpha\n', 'b.txt': 'beta' }), { path: '/tmp' });
  // a streamed (chunked) upload
  await c.putArchive(Readable.from([tarOf({ 'c.txt': 'gamma\n' })]), { path: '/tmp' });
  const st = await c.infoArchive({ path: '/tmp/b.txt' });
  const stat = JSON.parse(Buffer.from(st.headers['x-docker-container-path-stat'], 'base64').toString());
  eq([stat.name, stat.size], ['b.txt', 4], 'path stat');
  const tarS = await c.getArchive({ path: '/tmp/dir' });
  const t = untar(await streamToBuffer(tarS));
  eq(t.files['dir/a.txt'], 'alpha\n', 'archive content');
  await expectStatus(c.infoArchive({ path: '/nonexistent' }), 404, 'missing path');
  await c.start();
  const ex = await c.exec({ Cmd: ['cat', '/tmp/b.txt', '/tmp/c.txt'], AttachStdout: true });
  eq(demux(await streamToBuffer(await ex.start({}))).out, 'betagamma\n', 'files seen by the process');
  await c.remove({ force: true });
}

// ---- images ---------------------------------------------------------------------------

async function tImages() {
  const img = docker.getImage(IMAGE);
  const info = await img.inspect();
  if (!info.Id.startsWith('sha256:')) throw new Fail(`id ${info.Id}`);
  has(info.RepoTags, IMAGE, 'tags');
  const list = await docker.listImages();
  if (!list.some((x) => x.Id === info.Id)) throw new Fail('listImages misses the image');
  await img.tag({ repo: P + '-tag', tag: 'v1' });
  const byName = await docker.listImages({ filters: { reference: [P + '-tag'] } });
  eq(byName.map((x) => x.Id), [info.Id], 'list by reference');
  const hist = await img.history();
  if (!hist.length || !hist[0].Id) throw new Fail('history');
  eq((await docker.getImage(info.Id.slice(7, 19)).inspect()).Id, info.Id, 'short id');
  const del = await docker.getImage(P + '-tag:v1').remove();
  if (!del.some((x) => x.Untagged === P + '-tag:v1')) throw new Fail(`remove ${JSON.stringify(del)}`);
}

async function tBuild() {
  const ctx = tarOf({
    Dockerfile: `FROM ${IMAGE}\nARG WHO=nobody\nWORKDIR /app\nCOPY hello.txt .\nRUN echo "$WHO" >> hello.txt\nCMD ["cat", "/app/hello.txt"]\n`,
    'hello.txt': 'hi\n',
  });
  const s = await docker.buildImage(Readable.from([ctx]), {
    t: P + '-built:1', buildargs: { WHO: 'node' }, labels: LABELS, forcerm: true,
  });
  const out = await followProgress(s);
  if (!out.some((m) => m.aux && m.aux.ID)) throw new Fail('no aux.ID in the build stream');
  if (!out.some((m) => (m.stream || '').includes('Successfully tagged ' + P + '-built:1'))) throw new Fail('not tagged');
  const runOut = new PassThrough();
  const runP = streamToBuffer(runOut);
  const [data, c] = await docker.run(P + '-built:1', [], [runOut, new PassThrough()], { Labels: LABELS, Tty: false });
  eq(data.StatusCode, 0, 'built image runs');
  eq((await runP).toString(), 'hi\nnode\n', 'built image output');
  await c.remove();
  const bad = await docker.buildImage(Readable.from([tarOf({ Dockerfile: `FROM ${IMAGE}\nRUN exit 3\n` })]), { forcerm: true, labels: LABELS });
  let failed = null;
  try {
    const msgs = await followProgress(bad);
    const e = msgs.find((m) => m.error || m.errorDetail);
    if (e) failed = e.error || e.errorDetail.message;
  } catch (e) {
    failed = e.message;
  }
  if (!failed) throw new Fail('failing RUN did not fail the build');
  has(failed, 'returned a non-zero code: 3', 'build error');
  await docker.getImage(P + '-built:1').remove();
}

async function tSaveLoad() {
  await docker.getImage(IMAGE).tag({ repo: P + '-save', tag: 'v1' });
  const id = (await docker.getImage(IMAGE).inspect()).Id;
  const tar = await streamToBuffer(await docker.getImage(P + '-save:v1').get());
  has(Object.keys(untar(tar).files), 'manifest.json', 'saved archive');
  await docker.getImage(P + '-save:v1').remove();
  const s = await docker.loadImage(Readable.from([tar]), { quiet: false });
  const msgs = await followProgress(s);
  if (!msgs.some((m) => (m.stream || '').includes('Loaded image: ' + P + '-save:v1'))) throw new Fail(`load said ${JSON.stringify(msgs)}`);
  eq((await docker.getImage(P + '-save:v1').inspect()).Id, id, 'loaded id');
  await docker.getImage(P + '-save:v1').remove();
}

async function tPull() {
  if (!PULL) throw new Skip('PEERS_PULL not set');
  const msgs = await followProgress(await docker.pull(PULL));
  if (!msgs.some((m) => /Status: (Downloaded newer image|Image is up to date)/.test(m.status || ''))) throw new Fail(`pull said ${JSON.stringify(msgs.slice(-2))}`);
  await docker.getImage(PULL).inspect();
}

async function tPullMissing() {
  let failed = null;
  try {
    const msgs = await followProgress(await docker.pull('127.0.0.1:1/dockwire-nope:latest'));
    const e = msgs.find((m) => m.error || m.errorDetail);
    if (e) failed = e.error || e.errorDetail.message;
  } catch (e) {
    failed = e.statusCode ? `HTTP ${e.statusCode}` : e.message;
  }
  if (!failed) throw new Fail('pull of a missing image succeeded');
}

// ---- networks and volumes -------------------------------------------------------------

async function tNetworks() {
  const n = await docker.createNetwork({ Name: P + '-net', Driver: 'bridge', Labels: LABELS, IPAM: { Config: [{ Subnet: SUBNET }] } });
  const ni = await n.inspect();
  eq(ni.IPAM.Config[0].Subnet, SUBNET, 'subnet');
  const c = await createRunning('sleep 60', { name: P + '-netc' });
  await n.connect({ Container: c.id, EndpointConfig: { Aliases: ['alias1'] } });
  const ep = (await c.inspect()).NetworkSettings.Networks[P + '-net'];
  has(ep.Aliases || [], 'alias1', 'alias');
  if (!ep.IPAddress.startsWith(SUBNET.split('.').slice(0, 3).join('.'))) throw new Fail(`address ${ep.IPAddress}`);
  const ls = await docker.listNetworks({ filters: { label: [LBL] } });
  eq(ls.map((x) => x.Name), [P + '-net'], 'list by label');
  await n.disconnect({ Container: c.id });
  eq(Object.keys((await n.inspect()).Containers || {}), [], 'disconnected');
  await c.remove({ force: true });
  await n.remove();
  await expectStatus(n.inspect(), 404, 'removed network');
  await docker.createNetwork({ Name: P + '-net2', Labels: LABELS });
  const pr = await docker.pruneNetworks({ filters: { label: [LBL] } });
  has(pr.NetworksDeleted || [], P + '-net2', 'prune');
}

async function tVolumes() {
  const v = await docker.createVolume({ Name: P + '-vol', Labels: LABELS });
  if (typeof v.inspect !== 'function') throw new Fail('createVolume did not give a Volume object');
  eq((await v.inspect()).Driver, 'local', 'driver');
  const ls = await docker.listVolumes({ filters: { label: [LBL] } });
  if (!Array.isArray(ls.Volumes)) throw new Fail('listVolumes shape');
  eq(ls.Volumes.map((x) => x.Name), [P + '-vol'], 'list by label');
  const w = await docker.createContainer({ Image: IMAGE, Cmd: ['sh', '-c', 'echo kept > /data/f'], Labels: LABELS, HostConfig: { Binds: [P + '-vol:/data'] } });
  await w.start();
  await w.wait();
  await expectStatus(v.remove(), 409, 'volume in use');
  await w.remove();
  const out = new PassThrough();
  const outP = streamToBuffer(out);
  const [, r] = await docker.run(IMAGE, ['cat', '/data/f'], [out, new PassThrough()], { Labels: LABELS, Tty: false, HostConfig: { Binds: [P + '-vol:/data:ro'], AutoRemove: true } });
  eq((await outP).toString(), 'kept\n', 'volume content shared');
  for (let i = 0; i < 50; i++) {
    try { await r.inspect(); } catch (e) { break; }
    await sleep(100);
  }
  await v.remove();
  await docker.createVolume({ Name: P + '-vol2', Labels: LABELS });
  const ver = (await docker.version()).ApiVersion.split('.').map(Number);
  const filters = { label: [LBL] };
  if (ver[0] > 1 || ver[1] >= 42) filters.all = ['true'];
  const pr = await docker.pruneVolumes({ filters });
  has(pr.VolumesDeleted || [], P + '-vol2', 'prune');
}

async function tEvents() {
  const until = Math.floor(Date.now() / 1000);
  const s = await docker.getEvents({ since: START, until, filters: { label: [LBL], type: ['container'] } });
  const lines = (await streamToBuffer(s)).toString().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const actions = lines.map((e) => e.Action);
  for (const a of ['create', 'start', 'die', 'destroy']) has(actions, a, 'container events');
  if (!lines.every((e) => e.Actor.Attributes['dockwire.peers'] === P)) throw new Fail('an event without the label attribute');
  const ns = await docker.getEvents({ since: START, until, filters: { network: [P + '-net'] } });
  const nl = (await streamToBuffer(ns)).toString();
  has(nl, '"connect"', 'network events');
  const t0 = Date.now();
  const fs = await docker.getEvents({ since: Math.floor(Date.now() / 1000), until: Math.floor(Date.now() / 1000) + 1 });
  await streamToBuffer(fs);
  if (Date.now() - t0 > 10000) throw new Fail('a future until did not end the stream');
}

// ---- errors ---------------------------------------------------------------------------

async function tErrors() {
  const e1 = await expectStatus(docker.getContainer(P + '-nosuch').inspect(), 404, 'missing container');
  has(e1.json && e1.json.message, 'No such container', 'message in json');
  const e2 = await expectStatus(docker.getImage(P + '-nosuch:latest').inspect(), 404, 'missing image');
  has(e2.json && e2.json.message, 'No such image', 'image message');
  const e3 = await expectStatus(docker.createContainer({ Image: P + '-nosuch:latest', Labels: LABELS }), 404, 'create from a missing image');
  has(e3.json && e3.json.message, 'No such image', 'create message');
  const c = await createRunning('sleep 60', { name: P + '-conflict' });
  await expectStatus(c.remove(), 409, 'remove running');
  await expectStatus(docker.createContainer({ Image: IMAGE, Cmd: ['true'], name: P + '-conflict', Labels: LABELS }), 409, 'name in use');
  await expectStatus(docker.getImage(IMAGE).remove(), 409, 'image in use');
  try {
    await docker.createNetwork({ Name: P + '-bad', IPAM: { Config: [{ Subnet: 'nonsense' }] }, Labels: LABELS });
    throw new Fail('bad subnet accepted');
  } catch (e) {
    if (e instanceof Fail) throw e;
    // dockerd 20.10 answers 500, newer ones 400
    if (e.statusCode !== 400 && e.statusCode !== 500) throw new Fail(`bad subnet: ${e.statusCode}`);
    has(e.json && e.json.message, 'invalid CIDR address: nonsense', 'bad subnet message');
  }
  await c.remove({ force: true });
  await expectStatus(docker.getExec('0000000000000000000000000000000000000000000000000000000000000000').inspect(), 404, 'missing exec');
}

// ---- cleanup --------------------------------------------------------------------------

async function cleanup() {
  const ignore = () => {};
  for (const c of await docker.listContainers({ all: true, filters: { label: [LBL] } })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignore);
  for (const i of await docker.listImages()) {
    for (const t of i.RepoTags || []) if (t.startsWith(P)) await docker.getImage(t).remove({ force: true }).catch(ignore);
  }
  for (const n of await docker.listNetworks({ filters: { label: [LBL] } })) await docker.getNetwork(n.Id).remove().catch(ignore);
  const vs = (await docker.listVolumes({ filters: { label: [LBL] } })).Volumes || [];
  for (const v of vs) await docker.getVolume(v.Name).remove({ force: true }).catch(ignore);
}

async function tCleanup() {
  await cleanup();
  const left = [];
  for (const c of await docker.listContainers({ all: true, filters: { label: [LBL] } })) left.push(c.Names[0]);
  for (const i of await docker.listImages()) for (const t of i.RepoTags || []) if (t.startsWith(P)) left.push(t);
  for (const n of await docker.listNetworks({ filters: { label: [LBL] } })) left.push(n.Name);
  for (const v of (await docker.listVolumes({ filters: { label: [LBL] } })).Volumes || []) left.push(v.Name);
  if (left.length) throw new Fail(`left behind: ${left.join(' ')}`);
}

async function main() {
  const dv = require('dockerode/package.json').version;
  const mv = require('docker-modem/package.json').version;
  console.log(`# dockerode ${dv}, docker-modem ${mv}, DOCKER_HOST=${process.env.DOCKER_HOST || '(default)'}, image ${IMAGE}, prefix ${P}`);
  const checks = [
    ['ping_version_info', tPing],
    ['run', tRun],
    ['create_attach_start_wait_logs', tLifecycle],
    ['logs.follow', tLogsFollow],
    ['logs.tty', tTty],
    ['states_top_stats', tStates],
    ['exec', tExec],
    ['archive', tArchive],
    ['images', tImages],
    ['buildImage', tBuild],
    ['save_load', tSaveLoad],
    ['pull', tPull],
    ['pull.missing', tPullMissing],
    ['networks', tNetworks],
    ['volumes', tVolumes],
    ['errors', tErrors],
  ];
  try {
    for (const [name, fn] of checks) await check(name, fn);
    await sleep(1100); // events: `until` (whole seconds) must come after the last event
    await check('events.since_until', tEvents);
  } finally {
    await check('cleanup', tCleanup);
  }
  console.log(`# elapsed ${Math.round(Date.now() / 1000 - START)}s`);
  console.log(`${results.pass} passed, ${results.fail} failed`);
  process.exit(results.fail ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL main: ${e.stack || e}`);
  console.log(`${results.pass} passed, ${results.fail + 1} failed`);
  process.exit(1);
});

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
// Variables: PEERS_IMAGE (base image: a static busybox with a link per applet, default
// busybox:local), PEERS_SUBNET (network checks, default 10.214.0.0/24; the checks of
// issue 12 use 10.214.10-12.0/24, its first two octets), PEERS_SWARM_POOL (the swarm's
// default address pool, default 10.236.0.0/16), PEERS_PULL (a name the daemon can pull; the
// pull check is skipped without it). It makes the daemon a single-node swarm (on 127.0.0.1)
// and leaves it again: run it alone on a daemon others use. scripts/peers.sh runs it
// against the mock or the real dockerd.
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

const H = require('./harness');

const {
  Fail, Skip, eq, has, sleep, check, streamToBuffer, frames, demux, tarOf, untar, filesOf, freePort,
  expectStatus,
} = H;

const docker = new Docker();
const run = new H.Run(docker, { prefix: P, label: LBL });
const swarm = Object.assign(run.swarm, { services: {} });

// ---- helpers ------------------------------------------------------------------------

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
  const t = filesOf(untar(await streamToBuffer(tarS)));
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
  has(Object.keys(filesOf(untar(tar)).files), 'manifest.json', 'saved archive');
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

// ---- issue 12 §3: what dockerd does that a mock must too -------------------------------
// Each check below covers one divergence class of issue 12 §3, the way dockerode users (and
// dockerode's own tests) meet it. peers/known-mock-failures.txt lists the ones today's mock
// fails.

const SWARM_POOL = process.env.PEERS_SWARM_POOL || '10.236.0.0/16';
const NET_BASE = SUBNET.split('.').slice(0, 2).join('.'); // "10.214": the checks' own /24s below

// readToEnd collects a stream until it ends; Fail when it stays open for ms.
function readToEnd(s, ms, what) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const done = () => { clearTimeout(t); resolve(Buffer.concat(chunks)); };
    const t = setTimeout(() => reject(new Fail(`${what}: stream still open after ${ms}ms (read ${JSON.stringify(Buffer.concat(chunks).toString())})`)), ms);
    s.on('data', (c) => chunks.push(Buffer.from(c)));
    s.on('end', done);
    s.on('close', done);
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

// stillOpen resolves true when the stream neither ends nor errors within ms.
function stillOpen(s, ms) {
  return new Promise((resolve) => {
    const t = setTimeout(() => { s.removeListener('end', gone); s.removeListener('close', gone); resolve(true); }, ms);
    const gone = () => { clearTimeout(t); resolve(false); };
    s.once('end', gone);
    s.once('close', gone);
  });
}

async function waitExec(ex) {
  let info = await ex.inspect();
  for (let i = 0; info.Running && i < 50; i++) { await sleep(100); info = await ex.inspect(); }
  return info;
}

// execRun runs cmd in c and gives {out, err, code} (raw: the unframed output of a TTY exec).
async function execRun(c, cmd, opts = {}) {
  const tty = !!opts.Tty;
  const ex = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...opts });
  const buf = await streamToBuffer(await ex.start({ Tty: tty }));
  const info = await waitExec(ex);
  if (tty) return { out: buf.toString(), err: '', code: info.ExitCode };
  const d = demux(buf);
  return { out: d.out, err: d.err, code: info.ExitCode };
}

let boxC = null;
async function box() {
  if (!boxC) boxC = await createRunning('sleep 300', { name: P + '-box', HostConfig: { ExtraHosts: ['peerhost:127.0.0.1'] } });
  return boxC;
}

async function imageId() {
  return (await docker.getImage(IMAGE).inspect()).Id;
}

async function runOut(image, cmd, extra = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  const outP = streamToBuffer(out);
  const errP = streamToBuffer(err);
  const [data, c] = await docker.run(image, cmd, [out, err], { Labels: LABELS, Tty: false, ...extra });
  const res = { code: data.StatusCode, out: (await outP).toString(), err: (await errP).toString() };
  await c.remove({ v: true });
  return res;
}

// -- JSON decoding like dockerd's: service specs, secrets, swarm ---------------------------

async function tSwarmIngress() {
  if ((await docker.info()).Swarm.LocalNodeState !== 'inactive') throw new Fail('the daemon is already in a swarm: run alone');
  await docker.swarmInit({ ListenAddr: `127.0.0.1:${await freePort()}`, AdvertiseAddr: '127.0.0.1', DefaultAddrPool: [SWARM_POOL], SubnetSize: 24 });
  swarm.inited = swarm.joined = true;
  let ing = [];
  for (let i = 0; i < 40 && !ing.length; i++) { // dockerd makes it a moment after init
    ing = (await docker.listNetworks({ filters: { name: ['ingress'] } })).filter((n) => n.Name === 'ingress');
    if (!ing.length) await sleep(200);
  }
  if (!ing.length) throw new Fail('no ingress network after swarm init');
  const n = await docker.getNetwork(ing[0].Id).inspect();
  eq([n.Driver, n.Scope, n.Ingress], ['overlay', 'swarm', true], 'ingress network');
}

function needSwarm() {
  if (!swarm.joined) throw new Fail('no swarm (swarm.init_ingress failed)');
}

async function taskTemplate(extra = {}) {
  return {
    ContainerSpec: { Image: await imageId(), Command: ['sleep', '300'], Labels: LABELS },
    RestartPolicy: { Condition: 'none' },
    // a constraint no node meets: the services are specs only, no task ever runs
    Placement: { Constraints: [`node.labels.dockwire_peers==${P}-nowhere`] },
    ...extra,
  };
}

async function tServiceKeys() {
  needSwarm();
  // keys as people copy them from other clients and docs: lower case, and a field dockerd
  // does not know (dockerode's own test sends EndpointSpec.ExposedPorts)
  const svc = await docker.createService({
    Name: P + '-svc', Labels: LABELS, TaskTemplate: await taskTemplate(),
    Mode: { replicated: { Replicas: 0 } },
    RollbackConfig: { order: 'start-first', parallelism: 2 },
    EndpointSpec: { ExposedPorts: [{ Protocol: 'tcp', Port: 6379 }] },
  });
  swarm.services.svc = svc.id;
  const spec = (await svc.inspect()).Spec;
  eq(spec.Mode, { Replicated: { Replicas: 0 } }, 'mode');
  eq([spec.RollbackConfig && spec.RollbackConfig.Order, spec.RollbackConfig && spec.RollbackConfig.Parallelism], ['start-first', 2], 'rollback config');
  const glob = await docker.createService({ Name: P + '-glob', Labels: LABELS, TaskTemplate: await taskTemplate(), Mode: { global: {} } });
  swarm.services.glob = glob.id;
  eq((await glob.inspect()).Spec.Mode, { Global: {} }, 'global mode');
  const ls = await docker.listServices({ filters: { label: [LBL] } });
  eq(ls.map((x) => x.Spec.Name).sort(), [P + '-glob', P + '-svc'], 'services by label');
}

async function tSecretKeys() {
  needSwarm();
  const sec = await docker.createSecret({ name: P + '-sec', labels: LABELS, data: Buffer.from('secret').toString('base64'), templating: { name: 'golang' } });
  const spec = (await sec.inspect()).Spec;
  eq([spec.Name, spec.Labels, spec.Templating], [P + '-sec', LABELS, { Name: 'golang' }], 'secret spec');
  await sec.remove();
}

async function tServiceNetworkByName() {
  needSwarm();
  const net = await docker.createNetwork({ Name: P + '-ov', Driver: 'overlay', Attachable: true, Labels: LABELS });
  const svc = await docker.createService({
    Name: P + '-netsvc', Labels: LABELS, Mode: { Replicated: { Replicas: 0 } },
    TaskTemplate: await taskTemplate({ Networks: [{ Target: P + '-ov', Aliases: ['svc'] }] }),
  });
  swarm.services.net = svc.id;
  eq((await svc.inspect()).Spec.TaskTemplate.Networks, [{ Target: net.id, Aliases: ['svc'] }], 'the network name resolved to its id');
}

async function tServiceForceUpdate() {
  needSwarm();
  if (!swarm.services.svc) throw new Fail('no service (services.lowercase_and_unknown_keys failed)');
  const svc = docker.getService(swarm.services.svc);
  const info = await svc.inspect();
  eq(info.Spec.TaskTemplate.ForceUpdate, 0, 'ForceUpdate present, 0');
  // the usual way to redeploy unchanged: bump ForceUpdate (version goes in the query)
  const spec = info.Spec;
  await svc.update({ version: info.Version.Index, ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: spec.TaskTemplate.ForceUpdate + 1 } });
  const after = await svc.inspect();
  eq(after.Spec.TaskTemplate.ForceUpdate, 1, 'ForceUpdate after the update');
  eq(after.Spec.TaskTemplate.ContainerSpec.Command, ['sleep', '300'], 'spec kept');
  if (!(after.Version.Index > info.Version.Index)) throw new Fail('version not bumped');
}

// -- exec and attach framing --------------------------------------------------------------

async function tExecTtyAtStart() {
  const c = await box();
  // a terminal for the process (create Tty), but start without Tty: framed output
  const ex = await c.exec({ Cmd: ['printf', 'yay, interactive exec!'], AttachStdout: true, Tty: true });
  const buf = await readToEnd(await ex.start({ hijack: true, stdin: false }), 10000, 'exec start');
  eq(frames(buf, 'tty at create only'), [[1, 'yay, interactive exec!']], 'one stdout frame');
  // no terminal, Tty at start: raw output, and dockerd drops stderr
  const ex2 = await c.exec({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], AttachStdout: true, AttachStderr: true });
  eq((await streamToBuffer(await ex2.start({ Tty: true }))).toString(), 'out\n', 'raw output of a tty start');
}

async function detachWith(s, keys, what) {
  const endP = readToEnd(s, 3000, what);
  for (const k of keys) { s.write(k); await sleep(300); }
  return (await endP).toString();
}

async function tExecDetachKeys() {
  const c = await box();
  const ex = await c.exec({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true, Tty: true, DetachKeys: 'ctrl-x,x' });
  const s = await ex.start({ hijack: true, stdin: true, Tty: true });
  s.write('\x10\x11'); // the default keys are not this exec's
  if (!(await stillOpen(s, 1000))) throw new Fail('ctrl-p,ctrl-q detached an exec whose keys are ctrl-x,x');
  const got = await detachWith(s, ['hello\n', '\x18', 'x'], 'the exec\'s keys ctrl-x,x');
  has(got, 'hello\r\n', 'the terminal echoes');
  has(got, 'exec attach failed: error on attach stdin: read escape sequence', 'end of the stream');
  const info = await waitExec(ex);
  eq([info.Running, info.ExitCode], [false, 126], 'exec after the detach');
}

async function tAttachDetachKeys() {
  const c = await createRunning('cat', { Tty: true, OpenStdin: true, name: P + '-adetach' });
  let s = await c.attach({ stream: true, stdin: true, stdout: true, hijack: true });
  const got = await detachWith(s, ['hello\n', '\x10', '\x11'], 'default keys ctrl-p,ctrl-q');
  has(got, 'hello', 'the terminal echoes');
  eq((await c.inspect()).State.Status, 'running', 'running after the detach');
  s = await c.attach({ stream: true, stdin: true, stdout: true, hijack: true, detachKeys: 'ctrl-a,a' });
  s.write('\x10\x11');
  if (!(await stillOpen(s, 1000))) throw new Fail('ctrl-p,ctrl-q detached although detachKeys=ctrl-a,a');
  await detachWith(s, ['\x01', 'a'], 'detachKeys=ctrl-a,a');
  eq((await c.inspect()).State.Status, 'running', 'running after the detach');
  await c.remove({ force: true });
}

async function tAttachLogsOnce() {
  const c = await createRunning('echo one; sleep 1.5; echo two; echo three >&2', { name: P + '-alogs' });
  await sleep(500); // "one" is in the log: logs gives it, the stream must not repeat it
  const s = await c.attach({ stream: true, logs: true, stdout: true, stderr: true });
  const d = demux(await readToEnd(s, 10000, 'attach'));
  eq([d.out, d.err], ['one\ntwo\n', 'three\n'], 'each line once');
  await c.remove();
}

// -- the shell and its applets; exec errors; UTF-8 ------------------------------------------

async function tShellTop() {
  const r = await execRun(await box(), ['top', '-b', '-n1']);
  eq(r.code, 0, `top exit code (${r.err})`);
  has(r.out, 'PID', 'top header');
  has(r.out, 'sleep 300', 'the container\'s process');
}

async function tShellPing() {
  const c = await box();
  let r = await execRun(c, ['ping', '-c1', '127.0.0.1']);
  eq(r.code, 0, `ping loopback (${r.out}${r.err})`);
  has(r.out, '1 packets received', 'ping loopback');
  r = await execRun(c, ['ping', '-c1', 'peerhost']); // an /etc/hosts name (ExtraHosts)
  eq(r.code, 0, `ping peerhost (${r.out}${r.err})`);
  has(r.out, 'PING peerhost (127.0.0.1)', 'ping by /etc/hosts name');
}

async function tShellCutSpace() {
  const r = await execRun(await box(), ['sh', '-c', 'echo "a b c" | cut -d" " -f2; echo "x y z" | cut -d " " -f1,3']);
  eq([r.code, r.out, r.err], [0, 'b\nx z\n', ''], 'cut with a space delimiter');
}

async function tShellTestT() {
  const r = await execRun(await box(), ['sh', '-c', 'test -t 0 && echo in; test -t 1 && echo out; true'], { Tty: true });
  eq(r.out, 'in\r\nout\r\n', 'test -t under a tty');
}

async function tShellUnknownApplet() {
  const r = await execRun(await box(), ['sh', '-c', 'nosuchapplet arg']);
  eq([r.code, r.out, r.err], [127, '', 'sh: nosuchapplet: not found\n'], 'an applet busybox lacks');
}

async function tExecUnknownUser() {
  const r = await execRun(await box(), ['id'], { User: 'nosuchuser' });
  eq(r.code, 126, 'exit code');
  has(r.out + r.err, 'unable to find user nosuchuser: no matching entries in passwd file', 'message');
}

async function tExecMissingWorkdir() {
  const r = await execRun(await box(), ['pwd'], { WorkingDir: '/no/such/dir' });
  eq(r.code, 126, `exit code (${r.out}${r.err})`);
  has(r.out + r.err, 'chdir to cwd ("/no/such/dir")', 'message');
}

async function tUtf8() {
  const words = 'grüße ü 日本 🐳';
  let r = await runOut(IMAGE, ['echo', words]);
  eq(r.out, words + '\n', 'exec-form Cmd');
  r = await runOut(IMAGE, ['ö', 'ä'], { Entrypoint: ['sh', '-c', 'echo "$0|$1|$G"'], Env: ['G=grüße'] });
  eq(r.out, 'ö|ä|grüße\n', 'exec-form Entrypoint, Env');
}

// -- the legacy builder ---------------------------------------------------------------------

// build runs buildImage and gives its stream lines; a failed build is a Fail with its error.
async function build(ctx, opts) {
  const msgs = await followProgress(await docker.buildImage(ctx, { labels: LABELS, forcerm: true, ...opts }));
  const e = msgs.find((m) => m.error || m.errorDetail);
  if (e) throw new Fail(`build ${opts.t}: ${e.error || e.errorDetail.message}`);
  return msgs.map((m) => m.stream || '');
}

const df = (text) => text.split('{IMAGE}').join(IMAGE);

async function tBuildTarget() {
  await build(Readable.from([tarOf({ Dockerfile: df('FROM {IMAGE} AS base\nRUN echo base > /stage\nFROM base AS second\nRUN echo second >> /stage\nCMD ["cat", "/stage"]\nFROM {IMAGE} AS final\nRUN echo final > /stage\nCMD ["cat", "/stage"]\n') })]), { t: P + '-target:1', target: 'second' });
  eq((await runOut(P + '-target:1', [])).out, 'base\nsecond\n', 'the target stage\'s image');
}

async function tBuildContextDir() {
  // buildImage({context, src}) sends a gzip-compressed tar
  const fs = require('fs');
  const os = require('os');
  const path = require('path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), P + '-ctx'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), df('FROM {IMAGE}\nCOPY hello.txt /\nCMD ["cat", "/hello.txt"]\n'));
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello from gzip\n');
    const lines = await build({ context: dir, src: ['Dockerfile', 'hello.txt'] }, { t: P + '-gzip:1' });
    if (!lines.some((l) => l.includes('Successfully tagged ' + P + '-gzip:1'))) throw new Fail('not tagged');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  eq((await runOut(P + '-gzip:1', [])).out, 'hello from gzip\n', 'the gzip context');
}

async function tBuildCache() {
  const ctx = () => Readable.from([tarOf({ Dockerfile: df('FROM {IMAGE}\nENV FOO=bar\nRUN echo one > /one\nRUN echo two > /two\n') })]);
  await build(ctx(), { t: P + '-cache:1' });
  const cached = (lines) => lines.filter((l) => l.includes('Using cache')).length;
  // ENV, RUN, RUN and the LABEL step of labels=
  eq(cached(await build(ctx(), { t: P + '-cache:2' })), 4, 'steps from the cache');
  eq((await docker.getImage(P + '-cache:2').inspect()).Id, (await docker.getImage(P + '-cache:1').inspect()).Id, 'the same image');
  eq(cached(await build(ctx(), { t: P + '-cache:3', cachefrom: JSON.stringify([P + '-cache:1']) })), 4, 'steps from cachefrom');
  eq(cached(await build(ctx(), { t: P + '-cache:4', nocache: true })), 0, 'nocache');
}

async function tBuildAddTar() {
  const ctx = tarOf({
    Dockerfile: df('FROM {IMAGE}\nADD archive.tar /unpacked/\nCMD ["cat", "/unpacked/dir/member.txt"]\n'),
    'archive.tar': tarOf({ 'dir/member.txt': 'member of the tar\n' }),
  });
  await build(Readable.from([ctx]), { t: P + '-addtar:1' });
  eq((await runOut(P + '-addtar:1', [])).out, 'member of the tar\n', 'ADD unpacked the tar');
}

async function tBuildExtraHosts() {
  await build(Readable.from([tarOf({ Dockerfile: df('FROM {IMAGE}\nRUN grep -q extrahost /etc/hosts && ping -c1 extrahost\nRUN cp /etc/hosts /hosts-file\nCMD ["cat", "/hosts-file"]\n') })]),
    { t: P + '-hosts:1', extrahosts: 'extrahost:127.0.0.1' });
  has((await runOut(P + '-hosts:1', [])).out, '127.0.0.1\textrahost', 'RUN saw the extra host');
}

// -- networks and endpoints -----------------------------------------------------------------

async function tNetworkIpam() {
  const b = NET_BASE + '.10';
  const n = await docker.createNetwork({
    Name: P + '-ipam', Labels: LABELS, CheckDuplicate: true,
    IPAM: { Driver: 'default', Options: { opt: 'v' }, Config: [{ Subnet: b + '.0/24', IPRange: b + '.128/25', Gateway: b + '.1', AuxiliaryAddresses: { reserved: b + '.5' } }] },
  });
  const ipam = (await n.inspect()).IPAM;
  eq(ipam.Config, [{ Subnet: b + '.0/24', IPRange: b + '.128/25', Gateway: b + '.1', AuxiliaryAddresses: { reserved: b + '.5' } }], 'IPAM config');
  eq(ipam.Options, { opt: 'v' }, 'IPAM options');
  await n.remove();
}

async function tNetworkConnectCreated() {
  const b = NET_BASE + '.12';
  const n = await docker.createNetwork({ Name: P + '-conn', Labels: LABELS, IPAM: { Config: [{ Subnet: b + '.0/24' }] } });
  const peer = await docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '60'], Labels: LABELS, name: P + '-peer' });
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '60'], Labels: LABELS, name: P + '-connc' });
  const ipamc = { IPv4Address: b + '.20', LinkLocalIPs: ['169.254.20.20'] };
  await n.connect({ Container: c.id, EndpointConfig: { IPAMConfig: ipamc, Aliases: ['connected'], Links: [P + '-peer:peeralias'], DriverOpts: { k: 'v' } } });
  const ep = (await c.inspect()).NetworkSettings.Networks[P + '-conn'];
  eq(ep.IPAMConfig, ipamc, 'IPAMConfig');
  eq(ep.Links, [P + '-peer:peeralias'], 'links');
  has(ep.Aliases || [], 'connected', 'aliases');
  eq(ep.DriverOpts, { k: 'v' }, 'DriverOpts');
  await n.connect({ Container: peer.id });
  await peer.start();
  await c.start();
  eq((await c.inspect()).NetworkSettings.Networks[P + '-conn'].IPAddress, b + '.20', 'address after start');
  await c.remove({ force: true });
  await peer.remove({ force: true });
  await n.remove();
}

async function tNetworkDisabled() {
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['ls', '/sys/class/net'], NetworkDisabled: true, Labels: LABELS, name: P + '-nonet' });
  eq((await c.inspect()).Config.NetworkDisabled, true, 'Config.NetworkDisabled');
  await c.start();
  await c.wait();
  eq(demux(await c.logs({ stdout: true })).out, 'lo\n', 'only loopback');
  await c.remove();
}

// -- containers and images ------------------------------------------------------------------

async function tEnvWithoutEquals() {
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['env'], Env: ['Foo', 'Other=one', 'Blank='], Labels: LABELS, name: P + '-env' });
  const env = (await c.inspect()).Config.Env;
  for (const w of ['Foo', 'Other=one', 'Blank=']) has(env, w, 'Config.Env as given');
  await c.start();
  await c.wait();
  const lines = demux(await c.logs({ stdout: true })).out.split('\n');
  has(lines, 'Other=one', 'process env');
  if (lines.some((l) => l === 'Foo' || l.startsWith('Foo='))) throw new Fail(`a name without = reached the process: ${lines}`);
  await c.remove();
}

async function linkedPair(n) {
  const db = await createRunning('sleep 60', { name: `${P}-db${n}`, Env: ['DBPASS=secret'], ExposedPorts: { '5432/tcp': {} } });
  const app = await docker.createContainer({ Image: IMAGE, Cmd: ['sh', '-c', 'env | grep ^DB_ | sort; grep -c "\\bdb\\b" /etc/hosts'], Labels: LABELS, name: `${P}-app${n}`, HostConfig: { Links: [`${P}-db${n}:db`] } });
  return [db, app];
}

async function tLegacyLinks() {
  const [db, app] = await linkedPair(1);
  await app.start();
  eq((await app.wait()).StatusCode, 0, 'exit code (the alias in /etc/hosts)');
  const lines = demux(await app.logs({ stdout: true })).out.split('\n');
  has(lines, `DB_NAME=/${P}-app1/db`, 'link name variable');
  has(lines, 'DB_ENV_DBPASS=secret', 'link env variable');
  has(lines, 'DB_PORT_5432_TCP_PORT=5432', 'link port variable');
  await app.remove();
  await db.remove({ force: true });
}

async function tRemoveLink() {
  const [db, app] = await linkedPair(2);
  eq((await app.inspect()).HostConfig.Links, [`/${P}-db2:/${P}-app2/db`], 'links');
  await docker.getContainer(`${P}-app2/db`).remove({ link: true });
  eq((await app.inspect()).HostConfig.Links, null, 'links after the link\'s removal');
  eq((await db.inspect()).State.Status, 'running', 'the linked container stays');
  await app.remove();
  await db.remove({ force: true });
}

async function tLoadBrokenTar() {
  let msgs;
  try {
    msgs = await followProgress(await docker.loadImage(Readable.from([Buffer.from('this is not a tar archive')])));
  } catch (e) {
    throw new Fail(`an HTTP error ${e.statusCode || ''}, not an error in the stream: ${e.message}`);
  }
  const e = msgs.find((m) => m.error || m.errorDetail);
  if (!e) throw new Fail(`load of a broken tar said ${JSON.stringify(msgs)}`);
  has(e.error || e.errorDetail.message, 'unexpected EOF', 'load error');
}

async function tNameFilterSlash() {
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['true'], Labels: LABELS, name: P + '-named' });
  for (const pat of [`^/${P}-named$`, `^${P}-named$`]) {
    const ls = await docker.listContainers({ all: true, filters: { name: [pat] } });
    eq(ls.map((x) => x.Id), [c.id], `name filter ${pat}`);
  }
  await c.remove();
}

async function tArchiveHardlink() {
  const c = await createRunning('mkdir -p /data && echo linked > /data/orig && ln /data/orig /data/hard && sleep 60', { name: P + '-hard' });
  for (let i = 0; i < 50 && (await execRun(c, ['test', '-f', '/data/hard'])).code !== 0; i++) await sleep(100);
  const t = filesOf(untar(await streamToBuffer(await c.getArchive({ path: '/data/hard' }))));
  eq([t.files, t.dirs], [{ hard: 'linked\n' }, []], 'one regular file');
  await c.remove({ force: true });
}

async function tAnonymousBind() {
  const c = await createRunning('echo in > /anon/f; cat /anon/f', { name: P + '-anon', HostConfig: { Binds: ['/anon'] } });
  eq((await c.wait()).StatusCode, 0, 'exit code');
  eq(demux(await c.logs({ stdout: true, stderr: true })).out, 'in\n', 'the anonymous volume is writable');
  const m = (await c.inspect()).Mounts;
  eq(m.map((x) => [x.Type, x.Destination]), [['volume', '/anon']], 'mounts');
  await c.remove({ v: true });
  await expectStatus(docker.getVolume(m[0].Name).inspect(), 404, 'anonymous volume after remove v');
}

async function tBindWriteThrough() {
  const fs = require('fs');
  const os = require('os');
  const path = require('path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), P + '-bind'));
  try {
    fs.writeFileSync(path.join(dir, 'host.txt'), 'from-host\n');
    const r = await runOut(IMAGE, ['sh', '-c', 'cat /h/host.txt; echo from-c > /h/out; echo m > /m/mout; { echo x > /ro/x; } 2>/dev/null || echo ro-refused; { echo x > /mro/x; } 2>/dev/null || echo mro-refused'],
      { HostConfig: { Binds: [`${dir}:/h`, `${dir}:/ro:ro`], Mounts: [{ Type: 'bind', Source: dir, Target: '/m' }, { Type: 'bind', Source: dir, Target: '/mro', ReadOnly: true }] } });
    eq(r.out, 'from-host\nro-refused\nmro-refused\n', 'container output');
    eq([fs.readFileSync(path.join(dir, 'out'), 'utf8'), fs.readFileSync(path.join(dir, 'mout'), 'utf8')], ['from-c\n', 'm\n'], 'written through to the host');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function tVolumesFrom() {
  const src = await createRunning('echo shared > /vol/f', { name: P + '-vfsrc', Volumes: { '/vol': {} } });
  eq((await src.wait()).StatusCode, 0, 'source wrote');
  const r = await runOut(IMAGE, ['cat', '/vol/f'], { HostConfig: { VolumesFrom: [P + '-vfsrc:ro'] } });
  eq(r.out, 'shared\n', 'the source\'s volume');
  await src.remove({ v: true });
}

async function tMountVolumeLabels() {
  const c = await docker.createContainer({ Image: IMAGE, Cmd: ['true'], Labels: LABELS, name: P + '-mvc', HostConfig: { Mounts: [{ Type: 'volume', Source: P + '-mv', Target: '/mv', VolumeOptions: { Labels: LABELS } }] } });
  eq((await docker.getVolume(P + '-mv').inspect()).Labels, LABELS, 'labels of the volume the mount made');
  await c.remove();
  await docker.getVolume(P + '-mv').remove();
}

async function tStatsPrecpu() {
  const st = await (await box()).stats({ stream: false });
  const pre = st.precpu_stats || {};
  if (!st.preread || st.preread.startsWith('0001')) throw new Fail(`preread ${st.preread}: no previous sample`);
  if (!(pre.cpu_usage && pre.cpu_usage.total_usage)) throw new Fail(`precpu_stats.cpu_usage empty: ${JSON.stringify(pre)}`);
  if (!pre.system_cpu_usage) throw new Fail(`precpu_stats.system_cpu_usage empty: ${JSON.stringify(pre)}`);
}

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
const issue12Checks = [ // issue 12 §3, class by class (peers/known-mock-failures.txt)
  ['swarm.init_ingress', tSwarmIngress],
  ['services.lowercase_and_unknown_keys', tServiceKeys],
  ['secrets.lowercase_keys', tSecretKeys],
  ['services.network_by_name', tServiceNetworkByName],
  ['services.force_update', tServiceForceUpdate],
  ['exec.tty_at_start', tExecTtyAtStart],
  ['exec.detach_keys', tExecDetachKeys],
  ['attach.detach_keys', tAttachDetachKeys],
  ['attach.logs_stream_once', tAttachLogsOnce],
  ['shell.top', tShellTop],
  ['shell.ping', tShellPing],
  ['shell.cut_space', tShellCutSpace],
  ['shell.test_t', tShellTestT],
  ['shell.unknown_applet', tShellUnknownApplet],
  ['exec.unknown_user', tExecUnknownUser],
  ['exec.missing_workdir', tExecMissingWorkdir],
  ['utf8', tUtf8],
  ['build.target', tBuildTarget],
  ['build.context_dir_gzip', tBuildContextDir],
  ['build.cache', tBuildCache],
  ['build.add_local_tar', tBuildAddTar],
  ['build.extrahosts', tBuildExtraHosts],
  ['networks.ipam_aux_addresses', tNetworkIpam],
  ['networks.connect_created', tNetworkConnectCreated],
  ['networks.network_disabled', tNetworkDisabled],
  ['containers.env_without_equals', tEnvWithoutEquals],
  ['containers.legacy_link_env', tLegacyLinks],
  ['containers.remove_link', tRemoveLink],
  ['images.load_broken_tar', tLoadBrokenTar],
  ['containers.name_filter_slash', tNameFilterSlash],
  ['containers.archive_hardlink', tArchiveHardlink],
  ['containers.anonymous_bind', tAnonymousBind],
  ['containers.bind_write_through', tBindWriteThrough],
  ['containers.volumes_from', tVolumesFrom],
  ['containers.mount_volume_labels', tMountVolumeLabels],
  ['stats.precpu', tStatsPrecpu],
];
run.main(async () => {
  for (const [name, fn] of checks) await check(name, fn);
  await sleep(1100); // events: `until` (whole seconds) must come after the last event
  // before the checks of issue 12: dockerd keeps only the last 1024 events for `since`
  await check('events.since_until', tEvents);
  for (const [name, fn] of issue12Checks) await check(name, fn);
});

// harness.js: the check protocol, stream helpers and cleanup shared by peers/dockerode's
// scenarios.js and suite.js.
//
// A check prints `PASS name`, `FAIL name: reason` or `SKIP name: reason`; summary() prints
// `N passed, N failed` as the last line (the lines scripts/peers.sh judges).
'use strict';

const net = require('net');

class Fail extends Error {}
class Skip extends Error {}

const results = { pass: 0, fail: 0, skip: 0 };

// canon is JSON with object keys sorted: key order carries no meaning in an answer.
function canon(v) {
  return JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x) && !Buffer.isBuffer(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
}

function eq(got, want, what) {
  const g = canon(got);
  const w = canon(want);
  if (g !== w) throw new Fail(`${what}: got ${g}, want ${w}`);
}

function has(hay, needle, what) {
  if (!hay || !hay.includes(needle)) throw new Fail(`${what}: ${JSON.stringify(needle)} not in ${JSON.stringify(hay)}`);
}

function ok(cond, what) {
  if (!cond) throw new Fail(what);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => { t = setTimeout(() => rej(new Fail(`${what}: timed out after ${ms}ms`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

// check runs fn as the check name, within ms.
async function check(name, fn, ms = 60000) {
  const t0 = Date.now();
  try {
    await withTimeout(fn(), ms, name);
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
  const secs = (Date.now() - t0) / 1000;
  if (secs > 5) console.log(`# slow check ${name}: ${secs.toFixed(1)}s`);
}

function summary() {
  console.log(`${results.skip} skipped`);
  console.log(`${results.pass} passed, ${results.fail} failed`);
  return results.fail ? 1 : 0;
}

// streamToBuffer reads s to its end (or close).
function streamToBuffer(s) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    s.on('data', (c) => chunks.push(Buffer.from(c)));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

// frames splits an 8-byte-framed buffer into [[stream, text]...]; a torn frame fails.
function frames(buf, what) {
  const out = [];
  let i = 0;
  while (i < buf.length) {
    if (i + 8 > buf.length) throw new Fail(`${what}: a torn frame header at byte ${i} of ${buf.length}`);
    const n = buf.readUInt32BE(i + 4);
    if (buf[i] > 2 || buf[i + 1] || buf[i + 2] || buf[i + 3]) throw new Fail(`${what}: not a frame header at byte ${i}: ${buf.slice(i, i + 8).toString('hex')}`);
    if (i + 8 + n > buf.length) throw new Fail(`${what}: a frame of ${n} bytes cut at ${buf.length - i - 8}`);
    out.push([buf[i], buf.slice(i + 8, i + 8 + n).toString()]);
    i += 8 + n;
  }
  return out;
}

// demux gives the framed buffer's stdout and stderr.
function demux(buf, what = 'framed stream') {
  let out = '';
  let err = '';
  for (const [k, t] of frames(buf, what)) if (k === 2) err += t; else out += t;
  return { out, err };
}

// tarOf makes a ustar archive of {name: content} (a string or a Buffer); a name ending in
// / is a directory, an object {link: target} a symlink.
function tarOf(files) {
  const blocks = [];
  for (const [name, content] of Object.entries(files)) {
    const isDir = name.endsWith('/');
    const isLink = typeof content === 'object' && content !== null && !Buffer.isBuffer(content);
    const data = isDir || isLink ? Buffer.alloc(0) : Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write(isDir ? '0000755\0' : '0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136);
    h.write('        ', 148);
    h.write(isDir ? '5' : isLink ? '2' : '0', 156);
    if (isLink) h.write(content.link, 157, 100);
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

// untar lists a tar archive: entries [{name, type, data}] in order (pax and GNU long names
// applied).
function untar(buf) {
  const entries = [];
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
    const link = h.slice(157, 257).toString().replace(/\0.*$/s, '');
    const data = buf.slice(i + 512, i + 512 + size);
    i += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') { longName = data.toString().replace(/\0.*$/s, ''); continue; }
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString());
      if (m) longName = m[1];
      continue;
    }
    if (type === 'g') continue;
    if (longName !== null) { name = longName; longName = null; }
    entries.push({ name: name.replace(/\/$/, ''), type, link, data });
  }
  return entries;
}

// freePort gives a TCP port free on 127.0.0.1 now.
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// expectStatus awaits p and wants it to fail with HTTP status code; gives the error.
async function expectStatus(p, code, what) {
  try {
    await p;
  } catch (e) {
    if (e.statusCode !== code) throw new Fail(`${what}: statusCode ${e.statusCode} (${e.message}), want ${code}`);
    return e;
  }
  throw new Fail(`${what}: no error, want ${code}`);
}

// until polls fn (an async predicate) every ms up to n times; gives its last truthy value.
async function until(fn, what, n = 50, ms = 200) {
  for (let i = 0; i < n; i++) {
    const v = await fn();
    if (v) return v;
    await sleep(ms);
  }
  throw new Fail(`${what}: not after ${(n * ms) / 1000}s`);
}

// filesOf sorts untar's entries into {files: {name: content} of regular files, dirs: [name]}.
function filesOf(entries) {
  const files = {};
  const dirs = [];
  for (const e of entries) {
    if (e.type === '5') dirs.push(e.name);
    else if (e.type === '0' || e.type === '\0') files[e.name] = e.data.toString();
  }
  return { files, dirs };
}

// Run is one run of checks against one daemon: what it creates is labelled `label` and
// named with `prefix` (images may also be tagged under `registry`/prefix/), and a swarm it
// joined ({joined}) is left again.
class Run {
  constructor(docker, { prefix, label, registry = '' }) {
    this.docker = docker;
    this.prefix = prefix;
    this.label = label;
    this.registry = registry;
    this.swarm = { inited: false, joined: false };
  }

  ours(tag) {
    return tag.startsWith(this.prefix) || (this.registry !== '' && tag.startsWith(`${this.registry}/${this.prefix}/`));
  }

  // cleanup removes what the run made: its services, secrets and configs and the swarm,
  // then containers (with their anonymous volumes), images, networks and volumes.
  async cleanup() {
    const { docker } = this;
    const f = { filters: { label: [this.label] } };
    const ignore = () => {};
    if (this.swarm.joined) {
      for (const s of await docker.listServices(f).catch(() => [])) await docker.getService(s.ID).remove().catch(ignore);
      for (const s of await docker.listSecrets(f).catch(() => [])) await docker.getSecret(s.ID).remove().catch(ignore);
      for (const s of await docker.listConfigs(f).catch(() => [])) await docker.getConfig(s.ID).remove().catch(ignore);
      await docker.swarmLeave({ force: true }).then(() => { this.swarm.joined = false; }, ignore);
    }
    for (const c of await docker.listContainers({ all: true, ...f })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignore);
    for (const i of await docker.listImages()) {
      for (const t of i.RepoTags || []) if (this.ours(t)) await docker.getImage(t).remove({ force: true }).catch(ignore);
    }
    for (const i of await docker.listImages(f)) await docker.getImage(i.Id).remove({ force: true }).catch(ignore);
    for (const n of await docker.listNetworks(f)) await docker.getNetwork(n.Id).remove().catch(ignore);
    for (const v of (await docker.listVolumes(f)).Volumes || []) await docker.getVolume(v.Name).remove({ force: true }).catch(ignore);
  }

  // leftBehind cleans up and fails naming whatever is still there.
  async leftBehind() {
    await this.cleanup();
    const { docker } = this;
    const f = { filters: { label: [this.label] } };
    const left = [];
    for (const c of await docker.listContainers({ all: true, ...f })) left.push(c.Names[0]);
    for (const i of await docker.listImages()) for (const t of i.RepoTags || []) if (this.ours(t)) left.push(t);
    for (const i of await docker.listImages(f)) left.push(i.Id);
    for (const n of await docker.listNetworks(f)) left.push(n.Name);
    for (const v of (await docker.listVolumes(f)).Volumes || []) left.push(v.Name);
    if (this.swarm.inited && (await docker.info()).Swarm.LocalNodeState !== 'inactive') left.push('the swarm (still a member)');
    if (left.length) throw new Fail(`left behind: ${left.join(' ')}`);
  }

  // main prints the versions, runs body (which runs the checks), then the cleanup check
  // and the summary, and exits with its status.
  main(body, { finally: last = async () => {} } = {}) {
    const start = Date.now();
    const dv = require('dockerode/package.json').version;
    const mv = require('docker-modem/package.json').version;
    console.log(`# dockerode ${dv}, docker-modem ${mv}, DOCKER_HOST=${process.env.DOCKER_HOST || '(default)'}, prefix ${this.prefix}`);
    const run = async () => {
      try {
        await body();
      } finally {
        await last();
        await check('cleanup', () => this.leftBehind());
      }
      console.log(`# elapsed ${Math.round((Date.now() - start) / 1000)}s`);
      process.exit(summary());
    };
    run().catch((e) => {
      console.log(`FAIL main: ${e.stack || e}`);
      console.log(`${results.pass} passed, ${results.fail + 1} failed`);
      process.exit(1);
    });
  }
}

module.exports = {
  Fail, Skip, results, eq, has, ok, sleep, withTimeout, check, summary, streamToBuffer, frames,
  demux, tarOf, untar, filesOf, freePort, expectStatus, until, Run,
};

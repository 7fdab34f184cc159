#!/usr/bin/python3
"""docker-py scenarios: what docker-py users do every day, against DOCKER_HOST.

Run with Debian's python3-docker (5.x) and /usr/bin/python3:

    DOCKER_HOST=unix:///path.sock PEERS_IMAGE=busybox:latest /usr/bin/python3 peers/dockerpy_scenarios.py

Prints `PASS name`, `FAIL name: reason` or `SKIP name: reason` per check and, as its last
line, `N passed, N failed`; exits 0 only if nothing failed. Everything it creates is
labelled and named with a per-run prefix and removed at the end; the last check fails if
anything is left behind.

Variables: PEERS_IMAGE (base image, default busybox:local), PEERS_SUBNET (network checks,
default 10.213.0.0/24).
"""

import io
import os
import socket
import sys
import tarfile
import tempfile
import threading
import time
import traceback

import docker
import docker.errors

IMAGE = os.environ.get("PEERS_IMAGE", "busybox:local")
SUBNET = os.environ.get("PEERS_SUBNET", "10.213.0.0/24")
P = "dwpy%d" % (os.getpid() % 100000)
LBL = "dockwire.peers=" + P
LABELS = {"dockwire.peers": P}
START = time.time()

client = None
api = None
results = {"pass": 0, "fail": 0, "skip": 0}


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def eq(got, want, what):
    if got != want:
        raise Fail("%s: got %r, want %r" % (what, got, want))


def has(hay, needle, what):
    if needle not in hay:
        raise Fail("%s: %r not in %r" % (what, needle, hay))


def check(name, fn):
    try:
        fn()
    except Skip as e:
        results["skip"] += 1
        print("SKIP %s: %s" % (name, e), flush=True)
    except Fail as e:
        results["fail"] += 1
        print("FAIL %s: %s" % (name, e), flush=True)
    except Exception as e:  # an unexpected exception is a failure too
        results["fail"] += 1
        tb = traceback.extract_tb(e.__traceback__)
        where = "line %d" % tb[-1].lineno if tb else ""
        print("FAIL %s: %s: %s (%s)" % (name, type(e).__name__, str(e).replace("\n", " "), where), flush=True)
    else:
        results["pass"] += 1
        print("PASS %s" % name, flush=True)


def run_d(cmd, **kw):
    """A detached labelled container running cmd under sh -c."""
    kw.setdefault("labels", LABELS)
    return client.containers.run(IMAGE, ["sh", "-c", cmd], detach=True, **kw)


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            if isinstance(data, str):
                data = data.encode()
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = int(time.time())
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


# ---- system -------------------------------------------------------------------------

def t_from_env():
    global client, api
    client = docker.from_env(version="auto", timeout=60)
    api = client.api
    v = api.api_version
    if not v or not v[0].isdigit():
        raise Fail("negotiated version %r" % v)


def t_ping():
    eq(client.ping(), True, "ping")


def t_version():
    v = client.version()
    for k in ("ApiVersion", "Version", "Os", "Arch"):
        if not v.get(k):
            raise Fail("version lacks %s: %r" % (k, v))
    eq(v["ApiVersion"], api.api_version, "ApiVersion verbatim as the prefix")
    info = client.info()
    if "Containers" not in info or "ServerVersion" not in info:
        raise Fail("info: %r" % sorted(info)[:20])


# ---- containers ---------------------------------------------------------------------

def t_run_foreground():
    out = client.containers.run(IMAGE, ["sh", "-c", "echo hello; echo err >&2"], labels=LABELS,
                                name=P + "-fg")
    eq(out, b"hello\n", "run output (stdout only)")
    c = client.containers.get(P + "-fg")
    eq(c.status, "exited", "status")
    eq(c.attrs["State"]["ExitCode"], 0, "exit code")
    eq(c.name, P + "-fg", "name without slash")
    c.remove()


def t_run_remove():
    out = client.containers.run(IMAGE, ["sh", "-c", "echo bye"], labels=LABELS, name=P + "-rm", remove=True)
    eq(out, b"bye\n", "run output")
    for _ in range(50):
        try:
            client.containers.get(P + "-rm")
        except docker.errors.NotFound:
            return
        time.sleep(0.1)
    raise Fail("container still there after remove=True")


def t_run_error():
    try:
        client.containers.run(IMAGE, ["sh", "-c", "echo out; echo boom >&2; exit 3"], labels=LABELS,
                              name=P + "-err")
    except docker.errors.ContainerError as e:
        eq(e.exit_status, 3, "exit status")
        has(e.stderr or b"", b"boom", "stderr in ContainerError")
    else:
        raise Fail("no ContainerError")
    finally:
        try:
            client.containers.get(P + "-err").remove(force=True)
        except docker.errors.NotFound:
            pass


def t_run_detached_logs():
    c = run_d("echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three", name=P + "-logs", environment={"A": "1"})
    eq(c.wait(timeout=30)["StatusCode"], 0, "wait")
    eq(c.logs(), b"one\ntwo\nthree\n", "logs both")
    eq(c.logs(stderr=False), b"one\nthree\n", "logs stdout")
    eq(c.logs(stdout=False), b"two\n", "logs stderr")
    eq(c.logs(tail=1), b"three\n", "logs tail")
    ts = c.logs(timestamps=True, stderr=False).decode().splitlines()
    eq(len(ts), 2, "timestamped lines")
    if not (ts[0].endswith(" one") and ts[0][:4].isdigit() and "T" in ts[0]):
        raise Fail("timestamp line %r" % ts[0])
    c.reload()
    has(c.attrs["Config"]["Env"], "A=1", "env")
    eq(c.labels.get("dockwire.peers"), P, "label")
    c.remove()


def t_logs_follow():
    c = run_d("for i in 1 2 3; do echo f$i; sleep 0.2; done", name=P + "-follow")
    got = b"".join(c.logs(stream=True, follow=True))
    eq(got, b"f1\nf2\nf3\n", "followed logs")
    c.remove()


def t_tty_logs():
    c = run_d("echo tty", tty=True, name=P + "-tty")
    c.wait(timeout=30)
    eq(c.logs(), b"tty\r\n", "tty logs (bytes, \\r\\n)")
    c.remove()


def t_exec_run():
    c = run_d("sleep 60", name=P + "-exec")
    r = c.exec_run(["sh", "-c", "echo out; echo err >&2; exit 4"])
    eq(r.exit_code, 4, "exit code")
    eq(sorted(r.output.splitlines()), [b"err", b"out"], "output (stdout and stderr)")
    r = c.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
    eq(r.exit_code, 0, "exit code")
    eq(r.output, (b"out\n", b"err\n"), "demux")
    r = c.exec_run("pwd", workdir="/tmp", environment={"X": "y"}, user="1000")
    eq(r.output, b"/tmp\n", "workdir")
    r = c.exec_run(["sh", "-c", "echo $X; id -u"], environment={"X": "y"}, user="1000")
    eq(r.output, b"y\n1000\n", "env and user")
    r = c.exec_run(["nosuchprog"])
    if r.exit_code in (0, None):
        raise Fail("unknown program exit code %r" % r.exit_code)
    r = c.exec_run(["sh", "-c", "echo tty"], tty=True)
    eq(r.output, b"tty\r\n", "tty exec")
    c.kill()
    c.remove()


def t_exec_stream():
    c = run_d("sleep 60", name=P + "-execs")
    r = c.exec_run(["sh", "-c", "echo a; echo b"], stream=True)
    eq(b"".join(r.output), b"a\nb\n", "streamed exec")
    eid = api.exec_create(c.id, ["sh", "-c", "exit 7"])["Id"]
    api.exec_start(eid)
    info = api.exec_inspect(eid)
    eq(info["ExitCode"], 7, "exec_inspect exit code")
    eq(info["Running"], False, "exec_inspect running")
    c.remove(force=True)


def t_attach_socket():
    c = client.containers.create(IMAGE, ["sh", "-c", "read x; echo got:$x; cat"], stdin_open=True,
                                 labels=LABELS, name=P + "-attach")
    s = c.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    sock = s._sock
    c.start()
    sock.sendall(b"hello\nrest\n")
    sock.shutdown(socket.SHUT_WR)
    data = b""
    sock.settimeout(20)
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    # multiplexed frames: strip 8-byte headers
    out = b""
    while len(data) >= 8:
        n = int.from_bytes(data[4:8], "big")
        eq(data[0], 1, "frame stream type")
        out += data[8:8 + n]
        data = data[8 + n:]
    eq(out, b"got:hello\nrest\n", "attached output")
    eq(c.wait(timeout=30)["StatusCode"], 0, "exit")
    c.remove()


def t_attach_stream():
    c = run_d("sleep 0.3; echo late; echo e >&2", name=P + "-att2")
    got = b"".join(c.attach(stream=True, logs=True))
    eq(sorted(got.splitlines()), [b"e", b"late"], "attach stream output")
    c.remove()


def t_lifecycle():
    c = client.containers.create(IMAGE, ["sleep", "60"], labels=LABELS, name=P + "-life")
    eq(c.status, "created", "created")
    c.start()
    c.reload()
    eq(c.status, "running", "running")
    c.pause()
    c.reload()
    eq(c.status, "paused", "paused")
    c.unpause()
    c.stop(timeout=1)
    c.reload()
    eq(c.status, "exited", "stopped")
    eq(c.attrs["State"]["ExitCode"], 137, "sleep as pid 1 ignores SIGTERM, killed")
    c.rename(P + "-life2")
    c.reload()
    eq(c.name, P + "-life2", "renamed")
    c.start()
    c.kill()
    eq(c.wait(timeout=30)["StatusCode"], 137, "kill exit code")
    c2 = run_d("trap 'exit 0' TERM; while true; do sleep 0.1; done", name=P + "-trap")
    time.sleep(0.3)
    c2.stop(timeout=5)
    eq(c2.wait(timeout=30)["StatusCode"], 0, "trapped TERM")
    ids = {x.id for x in client.containers.list(all=True, filters={"label": LBL})}
    if not {c.id, c2.id} <= ids:
        raise Fail("list by label misses containers")
    running = client.containers.list(filters={"label": LBL, "status": "running"})
    if any(x.id in (c.id, c2.id) for x in running):
        raise Fail("exited containers listed as running")
    got = client.containers.get(c.short_id)
    eq(got.id, c.id, "get by short id")
    c.remove()
    c2.remove(v=True)


def t_top_stats():
    c = run_d("sleep 60", name=P + "-top")
    top = c.top()
    if "Titles" not in top or not top["Processes"]:
        raise Fail("top: %r" % top)
    st = c.stats(stream=False)
    if "memory_stats" not in st or "cpu_stats" not in st:
        raise Fail("stats keys %r" % sorted(st))
    gen = c.stats(stream=True, decode=True)
    first = next(gen)
    if "read" not in first:
        raise Fail("streamed stats %r" % sorted(first))
    gen.close()
    c.remove(force=True)


def t_archive():
    c = client.containers.create(IMAGE, ["sleep", "60"], labels=LABELS, name=P + "-arch")
    ok = c.put_archive("/tmp", tar_of({"dir/a.txt": "alpha\n", "b.txt": "beta"}))
    eq(ok, True, "put_archive")
    bits, stat = c.get_archive("/tmp/dir")
    eq(stat["name"], "dir", "stat name")
    if not stat["mode"] & (1 << 31):
        raise Fail("stat mode not a directory: %o" % stat["mode"])
    data = b"".join(bits)
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        names = sorted(tf.getnames())
        has(names, "dir/a.txt", "archive names")
        eq(tf.extractfile("dir/a.txt").read(), b"alpha\n", "file content")
    bits, stat = c.get_archive("/tmp/b.txt")
    eq(stat["size"], 4, "stat size")
    try:
        c.get_archive("/nonexistent/x")
    except docker.errors.NotFound:
        pass
    else:
        raise Fail("missing path: no NotFound")
    c.start()
    r = c.exec_run(["cat", "/tmp/dir/a.txt", "/tmp/b.txt"])
    eq(r.output, b"alpha\nbeta", "files seen by the process")
    c.remove(force=True)


def t_diff_commit():
    c = run_d("echo x > /newfile", name=P + "-commit")
    c.wait(timeout=30)
    ch = c.diff()
    if not any(x["Path"] == "/newfile" and x["Kind"] == 1 for x in ch):
        raise Fail("diff %r" % ch)
    img = c.commit(repository=P + "-committed", tag="v1", conf={"Labels": LABELS})
    out = client.containers.run(img.id, ["cat", "/newfile"], labels=LABELS, remove=True)
    eq(out, b"x\n", "committed file")
    c.remove()
    client.images.remove(P + "-committed:v1")


# ---- images -------------------------------------------------------------------------

def t_images():
    img = client.images.get(IMAGE)
    if not img.id.startswith("sha256:"):
        raise Fail("image id %r" % img.id)
    eq(len(img.short_id), 17, "short id length")
    eq(client.images.get(img.short_id).id, img.id, "get by short id")
    has(img.tags, IMAGE, "tags")
    ids = [i.id for i in client.images.list()]
    has(ids, img.id, "list")
    eq(img.tag(P + "-tag", "v1"), True, "tag")
    img.reload()
    has(img.tags, P + "-tag:v1", "new tag")
    eq([i.id for i in client.images.list(name=P + "-tag")], [img.id], "list by name")
    hist = img.history()
    if not hist or "Id" not in hist[0]:
        raise Fail("history %r" % hist)
    client.images.remove(P + "-tag:v1")
    img.reload()
    if P + "-tag:v1" in img.tags:
        raise Fail("untag")


def t_build_fileobj():
    df = io.BytesIO(("FROM %s\nRUN echo built > /b.txt\nENV K=v\nCMD [\"cat\", \"/b.txt\"]\n" % IMAGE).encode())
    img, logs = client.images.build(fileobj=df, tag=P + "-built:1", labels=LABELS, rm=True, forcerm=True)
    logs = list(logs)
    if not any("Successfully built" in x.get("stream", "") for x in logs):
        raise Fail("no Successfully built in %r" % logs[-3:])
    has(img.tags, P + "-built:1", "built tag")
    eq(img.labels.get("dockwire.peers"), P, "build label")
    out = client.containers.run(P + "-built:1", labels=LABELS, remove=True)
    eq(out, b"built\n", "run built image")
    client.images.remove(P + "-built:1")


def t_build_path():
    with tempfile.TemporaryDirectory(prefix=P) as d:
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write("FROM %s\nARG WHO=nobody\nWORKDIR /app\nCOPY hello.txt .\n"
                    "RUN echo \"$WHO\" >> hello.txt\nCMD [\"cat\", \"/app/hello.txt\"]\n" % IMAGE)
        with open(os.path.join(d, "hello.txt"), "w") as f:
            f.write("hi\n")
        with open(os.path.join(d, ".dockerignore"), "w") as f:
            f.write("secret\n")
        with open(os.path.join(d, "secret"), "w") as f:
            f.write("no\n")
        img, _ = client.images.build(path=d, tag=P + "-built:2", buildargs={"WHO": "py"}, labels=LABELS,
                                     rm=True, forcerm=True)
    out = client.containers.run(img.id, labels=LABELS, remove=True)
    eq(out, b"hi\npy\n", "run built image")
    try:
        client.images.build(fileobj=io.BytesIO(("FROM %s\nRUN exit 3\n" % IMAGE).encode()), labels=LABELS,
                             rm=True, forcerm=True)
    except docker.errors.BuildError as e:
        has(str(e), "returned a non-zero code: 3", "build error")
    else:
        raise Fail("no BuildError")
    client.images.remove(P + "-built:2")


def t_save_load():
    img = client.images.get(IMAGE)
    img.tag(P + "-save", "v1")
    data = b"".join(client.images.get(P + "-save:v1").save(named=P + "-save:v1"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        has(tf.getnames(), "manifest.json", "save tar")
    client.images.remove(P + "-save:v1")
    loaded = client.images.load(data)
    eq(len(loaded), 1, "loaded images")
    eq(loaded[0].id, img.id, "loaded id")
    has(loaded[0].tags, P + "-save:v1", "loaded tag")
    client.images.remove(P + "-save:v1")


def t_pull_missing():
    try:
        client.images.pull("127.0.0.1:1/dockwire-nope", tag="latest")
    except docker.errors.APIError as e:
        if e.status_code is None or e.status_code < 400:
            raise Fail("status %r" % e.status_code)
    else:
        raise Fail("pull of a missing image succeeded")


# ---- networks and volumes -----------------------------------------------------------

def t_networks():
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=SUBNET)])
    n = client.networks.create(P + "-net", driver="bridge", ipam=ipam, labels=LABELS)
    eq(n.name, P + "-net", "name")
    eq(client.networks.get(n.id).attrs["IPAM"]["Config"][0]["Subnet"], SUBNET, "subnet")
    c = run_d("sleep 60", name=P + "-netc")
    n.connect(c, aliases=["alias1"])
    n.reload()
    has(list(n.attrs["Containers"]), c.id, "connected")
    c.reload()
    ep = c.attrs["NetworkSettings"]["Networks"][P + "-net"]
    has(ep["Aliases"] or [], "alias1", "alias")
    if not ep["IPAddress"].startswith(SUBNET.rsplit(".", 1)[0]):
        raise Fail("address %r not in %s" % (ep["IPAddress"], SUBNET))
    names = [x.name for x in client.networks.list(filters={"label": LBL})]
    eq(names, [P + "-net"], "list by label")
    n.disconnect(c)
    n.reload()
    eq(n.attrs["Containers"] or {}, {}, "disconnected")
    c.remove(force=True)
    n.remove()
    try:
        client.networks.get(P + "-net")
    except docker.errors.NotFound:
        pass
    else:
        raise Fail("network still there")
    n2 = client.networks.create(P + "-net2", labels=LABELS)
    pr = client.networks.prune(filters={"label": LBL})
    has(pr.get("NetworksDeleted") or [], P + "-net2", "prune")
    del n2


def t_volumes():
    v = client.volumes.create(P + "-vol", labels=LABELS)
    eq(v.name, P + "-vol", "name")
    eq(client.volumes.get(P + "-vol").attrs["Driver"], "local", "driver")
    names = [x.name for x in client.volumes.list(filters={"label": LBL})]
    eq(names, [P + "-vol"], "list by label")
    client.containers.run(IMAGE, ["sh", "-c", "echo kept > /data/f"], labels=LABELS, remove=True,
                          volumes={P + "-vol": {"bind": "/data", "mode": "rw"}})
    out = client.containers.run(IMAGE, ["cat", "/data/f"], labels=LABELS, remove=True,
                                volumes=[P + "-vol:/data:ro"])
    eq(out, b"kept\n", "volume content shared")
    c = client.containers.create(IMAGE, ["true"], labels=LABELS, volumes=[P + "-vol:/data"])
    try:
        v.remove()
    except docker.errors.APIError as e:
        eq(e.status_code, 409, "volume in use")
    else:
        raise Fail("removed a volume in use")
    c.remove()
    v.remove()
    client.volumes.create(P + "-vol2", labels=LABELS)
    flt = {"label": [LBL]}
    if docker.utils.version_gte(api.api_version, "1.42"):
        flt["all"] = ["true"]  # since 1.42 prune takes only anonymous volumes unless all
    r = client.volumes.prune(filters=flt)
    has(r.get("VolumesDeleted") or [], P + "-vol2", "prune")


def t_events():
    until = time.time()
    evs = list(client.events(since=START, until=until, decode=True, filters={"label": LBL, "type": "container"}))
    actions = {e["Action"] for e in evs}
    for a in ("create", "start", "die", "destroy"):
        has(actions, a, "container events")
    if not all(e["Actor"]["Attributes"].get("dockwire.peers") == P for e in evs):
        raise Fail("an event without the label attribute")
    nev = list(client.events(since=START, until=until, decode=True, filters={"network": P + "-net"}))
    has({e["Action"] for e in nev}, "connect", "network events")
    t0 = time.time()
    gen = client.events(since=time.time(), until=time.time() + 1, decode=True)
    list(gen)
    if time.time() - t0 > 10:
        raise Fail("future until did not end the stream")


# ---- errors -------------------------------------------------------------------------

def t_errors():
    try:
        client.containers.get(P + "-nosuch")
    except docker.errors.NotFound as e:
        if isinstance(e, docker.errors.ImageNotFound):
            raise Fail("container lookup gave ImageNotFound")
        has(str(e), "No such container", "message")
    else:
        raise Fail("no NotFound")
    try:
        client.images.get(P + "-nosuch:latest")
    except docker.errors.ImageNotFound as e:
        eq(e.status_code, 404, "status")
    else:
        raise Fail("no ImageNotFound")
    try:
        api.create_container(P + "-nosuch:latest", ["true"], labels=LABELS)
    except docker.errors.ImageNotFound as e:
        has(str(e), "No such image", "message")
    else:
        raise Fail("create from a missing image succeeded")
    c = run_d("sleep 60", name=P + "-conflict")
    try:
        c.remove()
    except docker.errors.APIError as e:
        eq(e.status_code, 409, "remove running")
        eq(e.is_client_error(), True, "client error")
        if isinstance(e, docker.errors.NotFound):
            raise Fail("409 as NotFound")
    else:
        raise Fail("removed a running container")
    try:
        client.containers.create(IMAGE, ["true"], name=P + "-conflict", labels=LABELS)
    except docker.errors.APIError as e:
        eq(e.status_code, 409, "name in use")
    else:
        raise Fail("duplicate name accepted")
    try:
        client.images.remove(IMAGE)
    except docker.errors.APIError as e:
        eq(e.status_code, 409, "image in use")
    else:
        raise Fail("removed an image in use")
    c.remove(force=True)
    try:
        api.inspect_container("")
    except docker.errors.NullResource:
        pass


# ---- cleanup ------------------------------------------------------------------------

def cleanup():
    for c in client.containers.list(all=True, filters={"label": LBL}):
        try:
            c.remove(force=True, v=True)
        except docker.errors.APIError:
            pass
    for img in client.images.list():
        for t in img.tags:
            if t.startswith(P):
                try:
                    client.images.remove(t, force=True)
                except docker.errors.APIError:
                    pass
    for n in client.networks.list(filters={"label": LBL}):
        try:
            n.remove()
        except docker.errors.APIError:
            pass
    for v in client.volumes.list(filters={"label": LBL}):
        try:
            v.remove(force=True)
        except docker.errors.APIError:
            pass
    try:
        client.images.prune(filters={"dangling": True, "label": LBL})
    except docker.errors.APIError:
        pass


def t_cleanup():
    cleanup()
    left = [c.name for c in client.containers.list(all=True, filters={"label": LBL})]
    left += [t for i in client.images.list() for t in i.tags if t.startswith(P)]
    left += [n.name for n in client.networks.list(filters={"label": LBL})]
    left += [v.name for v in client.volumes.list(filters={"label": LBL})]
    if left:
        raise Fail("left behind: %r" % left)


def main():
    print("# docker-py %s, DOCKER_HOST=%s, image %s, prefix %s"
          % (docker.__version__, os.environ.get("DOCKER_HOST", "(default)"), IMAGE, P), flush=True)
    check("from_env.version_auto", t_from_env)
    if client is None:
        print("0 passed, 1 failed")
        return 1
    checks = [
        ("ping", t_ping),
        ("version_info", t_version),
        ("run.foreground", t_run_foreground),
        ("run.remove", t_run_remove),
        ("run.container_error", t_run_error),
        ("run.detached_logs", t_run_detached_logs),
        ("logs.follow", t_logs_follow),
        ("logs.tty", t_tty_logs),
        ("exec_run", t_exec_run),
        ("exec.stream_inspect", t_exec_stream),
        ("attach_socket.stdin", t_attach_socket),
        ("attach.stream", t_attach_stream),
        ("lifecycle", t_lifecycle),
        ("top_stats", t_top_stats),
        ("archive", t_archive),
        ("diff_commit", t_diff_commit),
        ("images", t_images),
        ("build.fileobj", t_build_fileobj),
        ("build.path", t_build_path),
        ("save_load", t_save_load),
        ("pull.missing", t_pull_missing),
        ("networks", t_networks),
        ("volumes", t_volumes),
        ("errors", t_errors),
    ]
    try:
        for name, fn in checks:
            check(name, fn)
        time.sleep(1.1)  # events: `until` must be after the last event, to the nanosecond
        check("events.since_until", t_events)
    finally:
        check("cleanup", t_cleanup)
    print("# elapsed %ds" % (time.time() - START))
    print("%d passed, %d failed" % (results["pass"], results["fail"]))
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())

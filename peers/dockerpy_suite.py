#!/usr/bin/python3
"""docker-py's own integration tests, retold: what they exercise, checked in our words.

docker-py (github.com/docker/docker-py, tests/integration/) tests itself against a real
dockerd. Each check below mirrors one of those tests (or a group of them), grouped by the
test module it follows (api_container_test.py -> containers.*, api_exec_test.py -> exec.*,
...). The checks are written for this project: busybox:dockwire (PEERS_IMAGE) instead of
docker.io images, registries only on 127.0.0.1, nothing that needs a kernel feature the
dockerd here refuses.

Run with Debian's python3-docker (5.x) and /usr/bin/python3, like dockerpy_scenarios.py
(whose helpers it imports: the same PASS/FAIL/SKIP lines, the same labels and per-run
prefix, the same cleanup):

    DOCKER_HOST=unix:///path.sock PEERS_IMAGE=busybox:latest /usr/bin/python3 peers/dockerpy_suite.py

It makes the daemon a single-node swarm (on 127.0.0.1) for the swarm checks and leaves it
again: run it alone on a daemon others use. Its networks take PEERS_SUBNET's first two octets
with third octets 20-29. scripts/peers.sh pysuite runs it against the mock; --real pysuite
against dockerd.
"""

import base64
import datetime
import io
import os
import re
import signal
import socket
import sys
import tarfile
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockerpy_scenarios as S  # noqa: E402  (the helpers: check, eq, has, labels, cleanup)

import docker  # noqa: E402
import docker.errors  # noqa: E402
from docker.utils.socket import next_frame_header, read_exactly  # noqa: E402

eq, has, Fail, Skip = S.eq, S.has, S.Fail, S.Skip
IMAGE, P, LBL, LABELS = S.IMAGE, S.P, S.LBL, S.LABELS
NET = S.NET_BASE  # "10.213"


def cl():
    return S.client


def api():
    return S.api


def create(cmd, **kw):
    """api.create_container with our labels; returns the id."""
    kw.setdefault("labels", LABELS)
    return api().create_container(IMAGE, cmd, **kw)["Id"]


def hc(**kw):
    return api().create_host_config(**kw)


def started(cmd, **kw):
    cid = create(cmd, **kw)
    api().start(cid)
    return cid


def run_wait(cmd, **kw):
    """Create, start, wait: (id, exit code, logs)."""
    cid = started(cmd, **kw)
    code = api().wait(cid, timeout=30)["StatusCode"]
    return cid, code, api().logs(cid)


def rm(*ids):
    for i in ids:
        try:
            api().remove_container(i, force=True, v=True)
        except docker.errors.NotFound:
            pass


def raises(exc, fn, *a, **kw):
    """The exception fn raised, which must be an exc; Fail if none or another."""
    line = sys._getframe(1).f_lineno
    if sys._getframe(1).f_code.co_name == "api_error":
        line = sys._getframe(2).f_lineno
    try:
        fn(*a, **kw)
    except exc as e:
        return e
    except Exception as e:  # noqa: BLE001 - reported as the wrong kind
        raise Fail("line %d: %s raised %s (%s), want %s" % (line, getattr(fn, "__name__", fn), type(e).__name__, e,
                                                    exc.__name__ if isinstance(exc, type) else exc))
    raise Fail("line %d: %s raised nothing, want %s" % (line, getattr(fn, "__name__", fn),
                                                exc.__name__ if isinstance(exc, type) else exc))


def api_error(status, fn, *a, **kw):
    e = raises(docker.errors.APIError, fn, *a, **kw)
    eq(e.status_code, status, "status of %s (%s)" % (getattr(fn, "__name__", fn), e.explanation))
    return e


def until(fn, what, timeout=15):
    end = time.time() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.time() > end:
            raise Fail("%s: not within %ds" % (what, timeout))
        time.sleep(0.1)


def image_id():
    return cl().images.get(IMAGE).id


def raw_upgrade(path, body):
    """POST path (JSON body) on a connection of our own to DOCKER_HOST's unix socket, asking
    for an upgraded stream: (status, everything after the head until the daemon closes)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not host.startswith("unix://"):
        raise Skip("DOCKER_HOST %s is not a unix socket" % host)
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(15)
    s.connect(host[len("unix://"):])
    s.sendall(("POST /v%s%s HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
               "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: %d\r\n\r\n"
               % (api().api_version, path, len(body))).encode() + body)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), rest


# ---- api_container_test.py ----------------------------------------------------------

def t_list_containers():
    before = len(api().containers(all=True))
    cid = started("true")
    api().wait(cid, timeout=30)
    after = api().containers(all=True)
    eq(len(after), before + 1, "one more container")
    mine = [x for x in after if x["Id"] == cid]
    eq(len(mine), 1, "listed once")
    x = mine[0]
    eq(x["Command"], "true", "Command")
    eq(x["Image"], IMAGE, "Image as given")
    for k in ("Status", "State", "Created", "Names", "Labels", "HostConfig", "NetworkSettings", "Mounts"):
        has(x, k, "list entry")
    eq(x["State"], "exited", "State")
    if not x["Status"].startswith("Exited (0)"):
        raise Fail("Status %r" % x["Status"])
    eq(len(api().containers(all=True, quiet=True, filters={"label": LBL})[0]), 1, "quiet: only the Id")
    short = api().containers(all=True, trunc=True, filters={"id": cid})
    eq([y["Id"] for y in short], [cid[:12]], "trunc (client side)")
    eq([y["Id"] for y in api().containers(all=True, filters={"id": cid[:12]})], [cid], "id filter by prefix")
    eq(api().containers(filters={"id": cid}), [], "not running: hidden without all")
    eq([y["Id"] for y in api().containers(all=True, filters={"exited": 0, "label": LBL}) if y["Id"] == cid],
       [cid], "exited filter")
    eq([y["Id"] for y in api().containers(all=True, limit=1, filters={"label": LBL})], [cid], "limit=1: newest")
    rm(cid)


def t_create_pid_host():
    cid = started(["true"], host_config=hc(pid_mode="host", network_mode="none"))
    h = api().inspect_container(cid)["HostConfig"]
    eq(h["PidMode"], "host", "PidMode")
    eq(h["NetworkMode"], "none", "NetworkMode")
    rm(cid)


def t_create_modes():
    box = started(["sleep", "60"], name=P + "-modes", host_config=hc(ipc_mode="shareable"))
    cid, code, logs = run_wait(["sh", "-c", "hostname; ps -o comm | grep -xc sleep"],
                               host_config=hc(uts_mode="host", ipc_mode="container:" + box,
                                              pid_mode="container:" + box, network_mode="container:" + box))
    eq(code, 0, "exit code (%r)" % logs)
    lines = logs.decode().split()
    eq(lines[0], socket.gethostname(), "uts host: the host's name")
    eq(lines[1], "1", "pid container: the other's sleep seen")
    h = api().inspect_container(cid)["HostConfig"]
    eq((h["UTSMode"], h["IpcMode"], h["PidMode"], h["NetworkMode"]),
       ("host", "container:" + box, "container:" + box, "container:" + box), "modes kept")
    rm(cid, box)


def t_create_with_links():
    a = started("cat", stdin_open=True, environment={"FOO": "1"})
    b = started("cat", stdin_open=True, environment={"FOO": "2"})
    na = api().inspect_container(a)["Name"][1:]
    nb = api().inspect_container(b)["Name"][1:]
    cid, code, logs = run_wait("env", host_config=hc(links={na: "mylink1", nb: "mylink2"}, network_mode="bridge"))
    eq(code, 0, "exit")
    env = logs.decode().splitlines()
    me = api().inspect_container(cid)["Name"]
    has(env, "MYLINK1_NAME=%s/mylink1" % me, "link 1 name")
    has(env, "MYLINK1_ENV_FOO=1", "link 1 env")
    has(env, "MYLINK2_NAME=%s/mylink2" % me, "link 2 name")
    has(env, "MYLINK2_ENV_FOO=2", "link 2 env")
    links = sorted(api().inspect_container(cid)["HostConfig"]["Links"])
    eq(links, sorted(["/%s:%s/mylink1" % (na, me), "/%s:%s/mylink2" % (nb, me)]), "HostConfig.Links")
    rm(cid, a, b)


def t_restart_policy():
    cid = started(["sleep", "30"], host_config=hc(restart_policy={"Name": "always", "MaximumRetryCount": 0},
                                                  network_mode="none"))
    e = api_error(409, api().remove_container, cid)
    has(e.explanation, "You cannot remove a running container", "message")
    has(e.explanation, "Stop the container before attempting removal or force remove", "message")
    eq(api().inspect_container(cid)["HostConfig"]["RestartPolicy"], {"Name": "always", "MaximumRetryCount": 0},
       "RestartPolicy")
    api().remove_container(cid, force=True)
    # on-failure restarts a failing container: RestartCount grows, then it stays exited
    cid = started(["sh", "-c", "exit 3"], host_config=hc(restart_policy={"Name": "on-failure",
                                                                          "MaximumRetryCount": 2}))
    until(lambda: api().inspect_container(cid)["RestartCount"] == 2 and
          not api().inspect_container(cid)["State"]["Running"] and
          not api().inspect_container(cid)["State"]["Restarting"], "two restarts", timeout=20)
    st = api().inspect_container(cid)["State"]
    eq(st["ExitCode"], 3, "exit code after the retries")
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
              host_config=hc(restart_policy={"Name": "always", "MaximumRetryCount": 3}))
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
              host_config=hc(restart_policy={"Name": "sometimes"}))
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
              host_config=hc(restart_policy={"Name": "always"}, auto_remove=True))
    rm(cid)


def t_volumes_from_two():
    a = create(["true"], name=P + "-vf0", volumes=["/va"], host_config=hc(binds=["/va"]))
    b = create(["true"], name=P + "-vf1", volumes=["/vb"], host_config=hc(binds=["/vb"]))
    cid = started("cat", stdin_open=True, host_config=hc(volumes_from=[P + "-vf0", P + "-vf1"],
                                                         network_mode="none"))
    info = api().inspect_container(cid)
    eq(info["HostConfig"]["VolumesFrom"], [P + "-vf0", P + "-vf1"], "VolumesFrom")
    eq(sorted(m["Destination"] for m in info["Mounts"]), ["/va", "/vb"], "the sources' volumes")
    e = api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
                  host_config=hc(volumes_from=[P + "-nosuch"]))
    eq(e.explanation, "No such container: %s-nosuch" % P, "volumes_from a missing container")
    rm(cid, a, b)


def t_readonly_rootfs():
    cid, code, logs = run_wait(["mkdir", "/shrine"], host_config=hc(read_only=True, network_mode="none"))
    if code == 0:
        raise Fail("mkdir on a read-only rootfs succeeded")
    has(logs, b"Read-only file system", "message")
    eq(api().inspect_container(cid)["HostConfig"]["ReadonlyRootfs"], True, "ReadonlyRootfs")
    rm(cid)


def t_name_privileged():
    # created, not started: the dockerd here may not grant every capability
    cid = create(["true"], name=P + "-named", host_config=hc(privileged=True, network_mode="none"))
    info = api().inspect_container(cid)
    eq(info["Name"], "/" + P + "-named", "Name")
    eq(info["HostConfig"]["Privileged"], True, "Privileged")
    eq(info["Id"], cid, "Id")
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS, name="bad name!")
    e = api_error(409, api().create_container, IMAGE, ["true"], labels=LABELS, name=P + "-named")
    has(e.explanation, 'Conflict. The container name "/%s-named" is already in use' % P, "message")
    rm(cid)


def t_mac_address():
    cid = started(["sleep", "60"], mac_address="02:42:ac:11:00:0a")
    info = api().inspect_container(cid)
    eq(info["NetworkSettings"]["MacAddress"], "02:42:ac:11:00:0a", "MacAddress")
    eq(info["Config"]["MacAddress"], "02:42:ac:11:00:0a", "Config.MacAddress")
    r = api().exec_start(api().exec_create(cid, ["cat", "/sys/class/net/eth0/address"]))
    eq(r, b"02:42:ac:11:00:0a\n", "the interface's address")
    rm(cid)


def t_group_add():
    for groups in ([1000, 1001], ["1000", "1001"]):
        cid, code, logs = run_wait("id -G", host_config=hc(group_add=groups))
        got = logs.decode().split()
        has(got, "1000", "groups %r" % groups)
        has(got, "1001", "groups %r" % groups)
        eq(api().inspect_container(cid)["HostConfig"]["GroupAdd"], [str(g) for g in groups], "GroupAdd")
        rm(cid)


def t_log_config():
    lc = docker.types.LogConfig(type="json-file", config={"max-file": "100"})
    cid = started(["true"], host_config=hc(log_config=lc))
    eq(api().inspect_container(cid)["HostConfig"]["LogConfig"], {"Type": "json-file", "Config": {"max-file": "100"}},
       "json-file with options")
    rm(cid)
    cid = started(["true"], host_config=hc(log_config=docker.types.LogConfig(type="", config={"max-file": "100"})))
    eq(api().inspect_container(cid)["HostConfig"]["LogConfig"], {"Type": "json-file", "Config": {"max-file": "100"}},
       "the default driver filled in")
    rm(cid)
    cid = started(["true"], host_config=hc(log_config=docker.types.LogConfig(type="json-file", config=None)))
    eq(api().inspect_container(cid)["HostConfig"]["LogConfig"]["Config"], {}, "no options: {}")
    rm(cid)
    # (an unknown driver is refused too, but dockerd looks for a plugin of that name for 15 s
    # first: mockdaemon's TestCreateVerifiesLikeDockerd holds its answer)
    e = raises(docker.errors.APIError, api().create_container, IMAGE, ["true"], labels=LABELS,
               host_config=hc(log_config=docker.types.LogConfig(type="json-file", config={"nope": "1"})))
    has(e.explanation, "unknown log opt 'nope' for json-file log driver", "unknown option")
    cid = started(["echo", "x"], host_config=hc(log_config=docker.types.LogConfig(type="none")))
    api().wait(cid, timeout=30)
    e = raises(docker.errors.APIError, api().logs, cid)
    has(e.explanation, "configured logging driver does not support reading", "logs of driver none")
    rm(cid)


def t_memory_cpu():
    cid = started(["true"], host_config=hc(memswap_limit="1G", mem_limit="700M", mem_reservation="100M",
                                           cpu_shares=512, cpuset_cpus="0,1", cpu_period=100000, cpu_quota=50000,
                                           oom_kill_disable=True, pids_limit=100))
    h = api().inspect_container(cid)["HostConfig"]
    eq(h["Memory"], 700 * 1024 * 1024, "Memory")
    eq(h["MemorySwap"], 1024 ** 3, "MemorySwap")
    eq(h["MemoryReservation"], 100 * 1024 * 1024, "MemoryReservation")
    eq(h["CpuShares"], 512, "CpuShares")
    eq(h["CpusetCpus"], "0,1", "CpusetCpus")
    eq((h["CpuPeriod"], h["CpuQuota"]), (100000, 50000), "CpuPeriod/CpuQuota")
    eq(h["OomKillDisable"], True, "OomKillDisable")
    eq(h["PidsLimit"], 100, "PidsLimit")
    rm(cid)
    cid = create(["true"], host_config=hc(mem_swappiness=40))
    eq(api().inspect_container(cid)["HostConfig"]["MemorySwappiness"], 40, "MemorySwappiness")
    rm(cid)
    e = api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS, host_config=hc(mem_limit="1M"))
    has(e.explanation, "Minimum memory limit allowed is 6MB", "too little memory")
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
              host_config=hc(mem_limit="100M", memswap_limit="50M"))
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS, host_config=hc(mem_swappiness=101))
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
              host_config=hc(nano_cpus=10 ** 9, cpu_quota=50000))


def t_env_no_value():
    cid = create(["echo"], environment={"Foo": None, "Other": "one", "Blank": ""})
    eq(sorted(api().inspect_container(cid)["Config"]["Env"])[:3], ["Blank=", "Foo", "Other=one"], "Env")
    rm(cid)


def t_create_misc_options():
    cid = create(["echo", "test"], stop_timeout=25, runtime="runc", stop_signal="SIGUSR1", domainname="example.test",
                 hostname="h1", working_dir="/tmp", user="1000:1000", entrypoint=["/bin/sh", "-c"],
                 host_config=hc(tmpfs={"/tmp1": "size=3M"}, isolation="default", auto_remove=True, init=True,
                                device_cgroup_rules=["c 7:128 rwm"], shm_size="32M", cap_add=["NET_ADMIN"],
                                cap_drop=["MKNOD"], dns=["127.0.0.9"], dns_search=["example.test"],
                                dns_opt=["ndots:2"], extra_hosts={"h2": "127.0.0.2"}, oom_score_adj=100,
                                security_opt=["no-new-privileges"], sysctls={"net.ipv4.ip_forward": "1"},
                                ulimits=[docker.types.Ulimit(name="nofile", soft=1024, hard=2048)],
                                userns_mode="host", cgroup_parent="dockwire-test", volume_driver="local",
                                publish_all_ports=True))
    info = api().inspect_container(cid)
    h, c = info["HostConfig"], info["Config"]
    eq(h["Tmpfs"], {"/tmp1": "size=3M"}, "Tmpfs")
    eq(h["Isolation"], "default", "Isolation")
    eq(h["AutoRemove"], True, "AutoRemove")
    eq(h["Init"], True, "Init")
    eq(h["Runtime"], "runc", "Runtime")
    eq(h["DeviceCgroupRules"], ["c 7:128 rwm"], "DeviceCgroupRules")
    eq(h["ShmSize"], 32 * 1024 * 1024, "ShmSize")
    eq((h["CapAdd"], h["CapDrop"]), (["NET_ADMIN"], ["MKNOD"]), "capabilities")
    eq((h["Dns"], h["DnsSearch"], h["DnsOptions"]), (["127.0.0.9"], ["example.test"], ["ndots:2"]), "dns")
    eq(h["ExtraHosts"], ["h2:127.0.0.2"], "ExtraHosts")
    eq(h["OomScoreAdj"], 100, "OomScoreAdj")
    eq(h["SecurityOpt"], ["no-new-privileges"], "SecurityOpt")
    eq(h["Sysctls"], {"net.ipv4.ip_forward": "1"}, "Sysctls")
    eq(h["Ulimits"], [{"Name": "nofile", "Soft": 1024, "Hard": 2048}], "Ulimits")
    eq((h["UsernsMode"], h["CgroupParent"], h["VolumeDriver"]), ("host", "dockwire-test", "local"), "modes")
    eq(h["PublishAllPorts"], True, "PublishAllPorts")
    eq(c["StopTimeout"], 25, "StopTimeout")
    eq(c["StopSignal"], "SIGUSR1", "StopSignal")
    eq((c["Hostname"], c["Domainname"]), ("h1", "example.test"), "names")
    eq((c["WorkingDir"], c["User"]), ("/tmp", "1000:1000"), "WorkingDir/User")
    eq((c["Entrypoint"], c["Cmd"]), (["/bin/sh", "-c"], ["echo", "test"]), "Entrypoint/Cmd")
    rm(cid)


def t_device_cgroup_rules_seen():
    if cl().info().get("CgroupVersion") != "1":
        raise Skip("the daemon reports cgroup v%s: no devices.list" % cl().info().get("CgroupVersion"))
    cid, code, logs = run_wait("cat /sys/fs/cgroup/devices/devices.list",
                               host_config=hc(device_cgroup_rules=["c 7:128 rwm"]))
    eq(code, 0, "exit (%r)" % logs)
    has(logs.decode(), "c 7:128 rwm", "the rule in the devices cgroup")
    rm(cid)


def t_ulimits_init_seen():
    cid, code, logs = run_wait(["sh", "-c", "ulimit -n; ulimit -Hn; cat /proc/1/cmdline | tr '\\0' ' '; echo"],
                               host_config=hc(init=True, ulimits=[docker.types.Ulimit(name="nofile", soft=1024,
                                                                                      hard=2048)]))
    eq(code, 0, "exit (%r)" % logs)
    lines = logs.decode().splitlines()
    eq(lines[:2], ["1024", "2048"], "ulimits in the process")
    if "init" not in lines[2]:
        raise Fail("pid 1 is not an init: %r" % lines[2])
    rm(cid)


def bind_setup():
    d = tempfile.mkdtemp(prefix=P + "-vb")
    cid, code, _ = run_wait(["touch", "/mnt/shared.txt"], volumes=["/mnt"],
                            host_config=hc(binds={d: {"bind": "/mnt", "ro": False}}, network_mode="none"))
    eq(code, 0, "touch through the bind")
    rm(cid)
    return d


def mount_of(cid, dest):
    ms = [m for m in api().inspect_container(cid)["Mounts"] if m["Destination"] == dest]
    eq(len(ms), 1, "mounts at %s" % dest)
    return ms[0]


def t_binds_rw_ro():
    d = bind_setup()
    try:
        for ro in (False, True):
            cid, code, logs = run_wait(["ls", "/mnt"], volumes=["/mnt"],
                                       host_config=hc(binds={d: {"bind": "/mnt", "ro": ro}}, network_mode="none"))
            has(logs.decode(), "shared.txt", "file seen (ro=%s)" % ro)
            m = mount_of(cid, "/mnt")
            eq((m["Type"], m["Source"], m["RW"], m["Mode"]), ("bind", d, not ro, "ro" if ro else "rw"),
               "bind mount (ro=%s)" % ro)
            eq(api().inspect_container(cid)["HostConfig"]["Binds"], ["%s:/mnt:%s" % (d, "ro" if ro else "rw")],
               "Binds")
            rm(cid)
        for ro in (False, True):
            cid, code, logs = run_wait(["ls", "/mnt"], host_config=hc(mounts=[docker.types.Mount(
                "/mnt", d, type="bind", read_only=ro)]))
            has(logs.decode(), "shared.txt", "file seen (mount, ro=%s)" % ro)
            m = mount_of(cid, "/mnt")
            eq((m["Type"], m["Source"], m["RW"]), ("bind", d, not ro), "mount (ro=%s)" % ro)
            rm(cid)
        e = api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
                      host_config=hc(mounts=[docker.types.Mount("/mnt", d + "/nosuch", type="bind")]))
        has(e.explanation, "bind source path does not exist", "missing bind source")
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def t_volume_mount():
    name = P + "-vmount"
    cid = create(["true"], host_config=hc(mounts=[docker.types.Mount("/mnt", name, type="volume",
                                                                     labels={"com.dockerpy.test": "true"})]))
    m = mount_of(cid, "/mnt")
    eq((m["Type"], m["Name"], m["RW"], m["Driver"]), ("volume", name, True, "local"), "volume mount")
    eq(api().inspect_volume(name)["Labels"], {"com.dockerpy.test": "true"}, "volume labels from the mount")
    rm(cid)
    api().remove_volume(name)
    cid = create(["true"], host_config=hc(mounts=[docker.types.Mount("/t", None, type="tmpfs",
                                                                     tmpfs_size=1 << 20)]))
    m = mount_of(cid, "/t")
    eq(m["Type"], "tmpfs", "tmpfs mount")
    rm(cid)


def t_archive_get_stat():
    data = "The Maid and the Pocket Watch of Blood"
    cid, code, _ = run_wait('sh -c "echo -n %s > /vol1/data.txt"' % data, volumes=["/vol1"])
    strm, stat = api().get_archive(cid, "/vol1/data.txt")
    with tarfile.open(fileobj=io.BytesIO(b"".join(strm))) as tf:
        eq(tf.extractfile("data.txt").read().decode(), data, "content")
    eq(stat["name"], "data.txt", "stat name")
    eq(stat["size"], len(data), "stat size")
    eq(stat["mode"], 0o644, "stat mode")
    eq(stat["linkTarget"], "", "stat linkTarget")
    st = api().get_archive(cid, "/vol1/")[1]
    eq(st["name"], "vol1", "a directory's stat name")
    eq(st["mode"] & 0o777 | (1 << 31), st["mode"], "a directory's mode has the dir bit")
    e = raises(docker.errors.NotFound, api().get_archive, cid, "/vol1/nosuch")
    has(e.explanation, "Could not find the file /vol1/nosuch in container", "message")
    rm(cid)


def t_archive_put():
    cid = create("cat /vol1/file.txt", volumes=["/vol1"])
    eq(api().put_archive(cid, "/vol1", S.tar_of({"file.txt": "Deaf To All But The Song"})), True, "put file")
    api().start(cid)
    api().wait(cid, timeout=30)
    eq(api().logs(cid), b"Deaf To All But The Song", "file seen")
    rm(cid)
    cid = create("ls -p /vol1", volumes=["/vol1"])
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for dname in ("foo", "bar"):
            ti = tarfile.TarInfo(dname)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            tf.addfile(ti)
        for fname in ("a.py", "b.py", "foo/b.py"):
            ti = tarfile.TarInfo(fname)
            ti.size = 1
            tf.addfile(ti, io.BytesIO(b"x"))
    api().put_archive(cid, "/vol1", buf.getvalue())
    api().start(cid)
    api().wait(cid, timeout=30)
    eq(sorted(api().logs(cid).decode().split()), ["a.py", "b.py", "bar/", "foo/"], "ls -p")
    e = raises(docker.errors.NotFound, api().put_archive, cid, "/nosuch", S.tar_of({"x": "y"}))
    has(e.explanation, "Could not find the file /nosuch in container", "put to a missing directory")
    e = api_error(500, api().put_archive, cid, "/vol1/a.py", S.tar_of({"x": "y"}))
    eq(e.explanation, "extraction point is not a directory", "put onto a file")
    rm(cid)


def t_rename():
    cid = create("true")
    api().rename(cid, P + "-hong")
    eq(api().inspect_container(cid)["Name"], "/" + P + "-hong", "renamed")
    other = create("true", name=P + "-other")
    e = api_error(409, api().rename, cid, P + "-other")
    has(e.explanation, "is already in use by container", "message")
    e = api_error(400, api().rename, cid, P + "-hong")
    has(e.explanation, "Renaming a container with the same name as its current name", "message")
    api_error(404, api().rename, P + "-nosuch", P + "-x")
    rm(cid, other)


def t_start_dict_and_shlex():
    res = api().create_container(IMAGE, "true", labels=LABELS)
    api().start(res)
    eq(api().wait(res, timeout=30)["StatusCode"], 0, "start/wait with the create response dict")
    info = api().inspect_container(res)
    eq(info["State"]["Running"], False, "not running")
    eq(info["State"]["ExitCode"], 0, "exit code")
    rm(res["Id"])
    for cmd in ['true', 'echo "The Young Descendant of Tepes & Septette"', '/bin/sh -c "echo Hello World"',
                "/bin/sh -c 'echo \"Hello World\"'", 'echo "\\"Night of Nights\\""', 'true && echo "Night"']:
        cid, code, _ = run_wait(cmd)
        eq(code, 0, "exit of %r" % cmd)
        rm(cid)
    cid, _, logs = run_wait("/bin/sh -c 'echo \"Hello World\"'")
    eq(logs, b"Hello World\n", "shlex-split command")
    eq(api().inspect_container(cid)["Config"]["Cmd"], ["/bin/sh", "-c", 'echo "Hello World"'], "Cmd")
    rm(cid)
    cid = started(["sleep", "30"])
    api().start(cid)  # starting a running container is not an error
    eq(api().inspect_container(cid)["State"]["Running"], True, "still running")
    rm(cid)
    api_error(404, api().start, P + "-nosuch")
    cid = create(["/no/such/binary"])
    e = api_error(400, api().start, cid)
    has(e.explanation, "no such file or directory", "start of a missing binary")
    eq(api().inspect_container(cid)["State"]["ExitCode"], 127, "exit code of a failed start")
    rm(cid)


def t_wait():
    cid = started(["sleep", "1"])
    eq(api().wait(cid, timeout=30), {"StatusCode": 0, "Error": None}, "wait result")
    st = api().inspect_container(cid)["State"]
    eq((st["Running"], st["ExitCode"], st["Status"]), (False, 0, "exited"), "state after wait")
    eq(api().wait(cid, timeout=30)["StatusCode"], 0, "wait on an exited container")
    rm(cid)
    cid = create("true")
    e = raises(requests.exceptions.RequestException, api().wait, cid, condition="removed", timeout=1)
    del e
    rm(cid)
    cid = started(["sh", "-c", "sleep 1; exit 5"], host_config=hc(auto_remove=True))
    eq(api().wait(cid, condition="removed", timeout=10)["StatusCode"], 5, "wait removed")
    raises(docker.errors.NotFound, api().inspect_container, cid)
    cid = create(["sh", "-c", "exit 6"])

    def start_soon():
        time.sleep(0.3)
        api().start(cid)
    import threading
    th = threading.Thread(target=start_soon)
    th.start()
    eq(api().wait(cid, condition="next-exit", timeout=10)["StatusCode"], 6, "wait next-exit on a created one")
    th.join()
    eq(api().wait(cid, condition="whenever", timeout=10)["StatusCode"], 6, "an unknown condition: not-running")
    api_error(404, api().wait, P + "-nosuch")
    rm(cid)


def t_logs_options():
    snippet = "Flowering Nights (Sakuya Iyazoi)"
    cid, code, logs = run_wait('echo "%s"' % snippet)
    eq(logs, (snippet + "\n").encode(), "logs")
    eq(api().logs({"Id": cid}), (snippet + "\n").encode(), "logs with a dict")
    eq(api().logs(cid, tail=0), b"", "tail=0")
    eq(api().logs(cid, until=1), b"", "until=1")
    eq(api().logs(cid, until=datetime.datetime.now() + datetime.timedelta(seconds=5)),
       (snippet + "\n").encode(), "until later")
    eq(api().logs(cid, since=int(time.time()) + 5), b"", "since later")
    eq(api().logs(cid, since=1), (snippet + "\n").encode(), "since=1")
    rm(cid)
    cid, code, _ = run_wait('echo "Line1\nLine2\nLine3"')
    eq(api().logs(cid, tail=1), b"Line3\n", "tail=1")
    eq(api().logs(cid, tail=2), b"Line2\nLine3\n", "tail=2")
    eq(api().logs(cid, tail="all"), b"Line1\nLine2\nLine3\n", "tail=all")
    ts = api().logs(cid, timestamps=True).decode().splitlines()
    eq(len(ts), 3, "timestamped lines")
    for line in ts:
        if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z Line\d$", line):
            raise Fail("timestamp line %r" % line)
    got = b"".join(api().logs(cid, stream=True, follow=True))
    eq(got, b"Line1\nLine2\nLine3\n", "follow on an exited container ends")
    rm(cid)
    cid = started(["sh", "-c", "echo a; sleep 0.5; echo b"])
    got = b"".join(api().logs(cid, stream=True, follow=True))
    eq(got, b"a\nb\n", "follow until exit")
    rm(cid)
    api_error(404, api().logs, P + "-nosuch")


def t_diff():
    cid, code, _ = run_wait(["sh", "-c", "touch /test; rm /etc/hostname.x 2>/dev/null; mkdir -p /tmp/d; "
                                         "echo x > /tmp/d/f; rm -f /bin/yes"])
    d = api().diff(cid)
    byp = {x["Path"]: x["Kind"] for x in d}
    eq(byp.get("/test"), 1, "added file")
    eq(byp.get("/tmp/d/f"), 1, "added nested file")
    eq(byp.get("/tmp"), 0, "changed dir")
    eq(byp.get("/bin/yes"), 2, "deleted file")
    key = lambda x: x["Path"]  # noqa: E731 - dockerd lists the changes in no fixed order
    eq(sorted(api().diff({"Id": cid}), key=key), sorted(d, key=key), "diff with a dict")
    rm(cid)
    api_error(404, api().diff, P + "-nosuch")


def t_stop_kill():
    cid = started(["sleep", "9999"])
    api().stop(cid, timeout=1)
    st = api().inspect_container(cid)["State"]
    eq((st["Running"], st["ExitCode"]), (False, 137), "stopped (sleep ignores TERM)")
    api().stop(cid, timeout=1)  # stopping a stopped container: 304, no error
    rm(cid)
    for sig in (None, signal.SIGKILL, "SIGKILL", 9, "KILL"):
        cid = started(["sleep", "60"])
        if sig is None:
            api().kill(cid)
        else:
            api().kill(cid, signal=sig)
        eq(api().wait(cid, timeout=30)["StatusCode"], 137, "exit after kill %r" % (sig,))
        st = api().inspect_container(cid)["State"]
        eq((st["Running"], st["ExitCode"]), (False, 137), "state after kill %r" % (sig,))
        rm(cid)
    cid = started(["sh", "-c", "trap 'echo usr1; exit 4' USR1; while true; do sleep 0.1; done"])
    time.sleep(0.3)
    api().kill(cid, signal="SIGUSR1")
    eq(api().wait(cid, timeout=30)["StatusCode"], 4, "trapped USR1")
    eq(api().logs(cid), b"usr1\n", "trap output")
    e = api_error(409, api().kill, cid)
    has(e.explanation, "is not running", "kill of an exited container")
    rm(cid)
    cid = started(["sleep", "60"])
    e = api_error(400, api().kill, cid, signal="SIGNOPE")
    has(e.explanation, "Invalid signal: SIGNOPE", "bad signal")
    eq(api().inspect_container(cid)["State"]["Running"], True, "still running after a bad signal")
    rm(cid)


def t_port():
    p1, p2 = S.free_port(), S.free_port()
    binds = {"1111": ("127.0.0.1", str(p1)), "2222": ("127.0.0.1", str(p2))}
    cid = started(["sleep", "60"], ports=list(binds), host_config=hc(port_bindings=binds, network_mode="bridge"))
    for port, (ip, hp) in binds.items():
        got = api().port(cid, port)
        eq(got, [{"HostIp": ip, "HostPort": hp}], "port %s" % port)
    eq(api().port(cid, 3333), None, "an unpublished port")
    ports = api().inspect_container(cid)["NetworkSettings"]["Ports"]
    eq(ports["1111/tcp"], [{"HostIp": "127.0.0.1", "HostPort": str(p1)}], "NetworkSettings.Ports")
    lst = [x for x in api().containers(filters={"id": cid})][0]["Ports"]
    eq(sorted((x["PrivatePort"], x["PublicPort"], x["Type"], x["IP"]) for x in lst),
       sorted([(1111, p1, "tcp", "127.0.0.1"), (2222, p2, "tcp", "127.0.0.1")]), "list Ports")
    rm(cid)
    # regression 792: explicit protocols
    cid = started(["sleep", "60"], ports=[(2000, "tcp"), (2001, "udp")],
                  host_config=hc(port_bindings={"2000/tcp": ("127.0.0.1", None), "2001/udp": ("127.0.0.1", None)}))
    ports = api().inspect_container(cid)["NetworkSettings"]["Ports"]
    for k in ("2000/tcp", "2001/udp"):
        if not ports.get(k) or not ports[k][0]["HostPort"].isdigit() or ports[k][0]["HostPort"] == "0":
            raise Fail("%s: %r" % (k, ports.get(k)))
    eq(sorted(api().inspect_container(cid)["Config"]["ExposedPorts"]), ["2000/tcp", "2001/udp"], "ExposedPorts")
    rm(cid)


def t_top():
    cid = started(["sleep", "60"])
    res = api().top(cid)
    eq(res["Titles"], ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], "Titles")
    eq(len(res["Processes"]), 1, "one process")
    eq(res["Processes"][0][-1], "sleep 60", "CMD")
    eq(res["Processes"][0][0], "root", "UID")
    res = api().top(cid, "waux")
    eq(res["Titles"], ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"],
       "Titles with waux")
    eq(len(res["Processes"]), 1, "one process (waux)")
    eq(res["Processes"][0][10], "sleep 60", "COMMAND")
    res = api().top(cid, "-o pid,comm")
    eq(res["Titles"], ["PID", "COMMAND"], "Titles with -o")
    eq(res["Processes"][0][1], "sleep", "comm")
    api().stop(cid, timeout=0)
    e = api_error(409, api().top, cid)
    has(e.explanation, "is not running", "top of a stopped container")
    rm(cid)


def t_restart():
    cid = started(["sleep", "9999"])
    t1 = api().inspect_container(cid)["State"]["StartedAt"]
    api().restart(cid, timeout=1)
    st = api().inspect_container(cid)["State"]
    if st["StartedAt"] == t1:
        raise Fail("StartedAt unchanged")
    eq(st["Running"], True, "running after restart")
    eq(api().inspect_container(cid)["RestartCount"], 0, "RestartCount (a manual restart)")
    api().kill(cid)
    api().restart({"Id": cid}, timeout=1)
    eq(api().inspect_container(cid)["State"]["Running"], True, "restart of a killed container")
    rm(cid)


def t_remove():
    cid, _, _ = run_wait(["true"])
    api().remove_container(cid)
    eq([x for x in api().containers(all=True) if x["Id"] == cid], [], "gone")
    api_error(404, api().remove_container, cid)
    cid = create(["true"], volumes=["/anon"], host_config=hc(binds=["/anon"]))
    vol = mount_of(cid, "/anon")["Name"]
    api().remove_container(cid)
    eq(api().inspect_volume(vol)["Name"], vol, "anonymous volume kept without v")
    api().remove_volume(vol)


def t_attach():
    cid = create("/bin/sh", stdin_open=True)
    api().start(cid)
    sock = api().attach_socket(cid, ws=False)
    if sock.fileno() < 0:
        raise Fail("no socket")
    sock.close()
    rm(cid)
    line = "hi there and stuff and things, words!"
    cid = create("printf '%s'" % line, tty=False)
    pty = api().attach_socket(cid, {"stdout": 1, "stream": 1, "logs": 1})
    api().start(cid)
    stream, n = next_frame_header(pty)
    eq((stream, n), (1, len(line)), "first frame")
    eq(read_exactly(pty, n).decode(), line, "payload")
    pty.close()
    rm(cid)
    cid = started("echo hello")
    api().wait(cid, timeout=30)
    # on a socket of our own: dockerd sends the logs with the head, which docker-py's
    # attach(stream=False) can lose in http.client's buffer
    status, data = raw_upgrade("/containers/%s/attach?logs=1&stdout=1&stderr=1" % cid, b"")
    eq((status, S.frames(data, "attach logs")), (101, [(1, b"hello\n")]), "attach logs no stream")
    status, data = raw_upgrade("/containers/%s/attach?logs=1&stderr=1" % cid, b"")
    eq((status, data), (101, b""), "stderr only")
    rm(cid)
    api_error(404, api().attach, P + "-nosuch", stream=False)


def t_pause():
    cid = started(["sleep", "9999"])
    api().pause(cid)
    st = api().inspect_container(cid)["State"]
    eq((st["ExitCode"], st["Running"], st["Paused"], st["Status"]), (0, True, True, "paused"), "paused")
    e = api_error(409, api().pause, cid)
    has(e.explanation, "is already paused", "pause twice")
    e = api_error(409, api().exec_create, cid, ["true"])
    has(e.explanation, "is paused, unpause the container before exec", "exec in a paused container")
    e = api_error(409, api().remove_container, cid)
    has(e.explanation, "You cannot remove a paused container", "remove paused")
    eq([x["Id"] for x in api().containers(filters={"status": "paused", "id": cid})], [cid], "status=paused filter")
    api().unpause(cid)
    st = api().inspect_container(cid)["State"]
    eq((st["Running"], st["Paused"], st["Status"]), (True, False, "running"), "unpaused")
    e = api_error(500, api().unpause, cid)
    has(e.explanation, "is not paused", "unpause twice")
    api().stop(cid, timeout=0)
    e = api_error(409, api().pause, cid)
    has(e.explanation, "is not running", "pause stopped")
    rm(cid)


def t_prune_containers():
    c1 = started(["sh", "-c", "echo hello > /data.txt"])
    c2 = started(["sleep", "9999"])
    api().wait(c1, timeout=30)
    r = api().prune_containers(filters={"label": LBL})
    has(r["ContainersDeleted"], c1, "stopped one pruned")
    if c2 in r["ContainersDeleted"]:
        raise Fail("running one pruned")
    if r["SpaceReclaimed"] <= 0:
        raise Fail("SpaceReclaimed %r" % r["SpaceReclaimed"])
    r = api().prune_containers(filters={"label": LBL})
    eq(r, {"ContainersDeleted": None, "SpaceReclaimed": 0}, "nothing left to prune")
    c3 = create(["true"], labels={"dockwire.peers": P, "keep": "yes"})
    r = api().prune_containers(filters={"label": [LBL], "label!": "keep"})
    eq(r["ContainersDeleted"], None, "label! keeps it")
    api_error(400, api().prune_containers, filters={"nope": "x"})
    rm(c2, c3)


def t_stats():
    cid = started(["sleep", "60"])
    r = api().stats(cid, stream=False)
    for k in ("read", "preread", "networks", "precpu_stats", "cpu_stats", "memory_stats", "blkio_stats",
              "pids_stats", "num_procs", "name", "id"):
        has(r, k, "stats")
    eq((r["id"], r["name"]), (cid, api().inspect_container(cid)["Name"]), "id and name")
    has(r["networks"], "eth0", "networks")
    n = 0
    for chunk in api().stats(cid, decode=True):
        for k in ("read", "networks", "precpu_stats", "cpu_stats", "memory_stats", "blkio_stats"):
            has(chunk, k, "streamed stats")
        n += 1
        if n == 2:
            break
    r = api().stats(cid, stream=False, one_shot=True) if "one_shot" in api().stats.__code__.co_varnames else None
    del r
    api().stop(cid, timeout=0)
    r = api().stats(cid, stream=False)
    eq(r["pids_stats"], {}, "stats of a stopped container: empty")
    eq(r["read"], "0001-01-01T00:00:00Z", "read of a stopped container")
    rm(cid)


def t_update():
    cid = started("top", host_config=hc(mem_limit=400 * 1024 * 1024,
                                        restart_policy={"Name": "always", "MaximumRetryCount": 0}))
    r = api().update_container(cid, mem_limit=300 * 1024 * 1024, cpu_shares=256,
                               restart_policy={"MaximumRetryCount": 42, "Name": "on-failure"})
    eq(r.get("Warnings"), None if r.get("Warnings") is None else r.get("Warnings"), "a response")
    h = api().inspect_container(cid)["HostConfig"]
    eq(h["Memory"], 300 * 1024 * 1024, "Memory")
    eq(h["CpuShares"], 256, "CpuShares")
    eq(h["RestartPolicy"], {"Name": "on-failure", "MaximumRetryCount": 42}, "RestartPolicy")
    api_error(400, api().update_container, cid, mem_limit="1M")
    api_error(404, api().update_container, P + "-nosuch", cpu_shares=2)
    rm(cid)
    cid = create(["true"], host_config=hc(auto_remove=True))
    e = api_error(409, api().update_container, cid, restart_policy={"Name": "always"})
    has(e.explanation, "Restart policy cannot be updated because AutoRemove is enabled for the container",
        "update vs AutoRemove")
    rm(cid)


def t_remove_link():
    a = started("cat", stdin_open=True)
    na = api().inspect_container(a)["Name"][1:]
    b = started("cat", host_config=hc(links={na: "mylink"}))
    nb = api().inspect_container(b)["Name"][1:]
    api().remove_container("%s/mylink" % nb, link=True)
    eq(api().inspect_container(b)["HostConfig"]["Links"], None, "link gone")
    names = [n for x in api().containers(all=True) for n in x["Names"]]
    if "/%s/mylink" % nb in names:
        raise Fail("link still listed")
    eq(len([x for x in api().containers(all=True) if x["Id"] in (a, b)]), 2, "both containers stay")
    e = api_error(500, api().remove_container, a, link=True)
    has(e.explanation, "Conflict, cannot remove the default link name of the container", "removing a non-link")
    rm(a, b)


def t_inspect_fields():
    cid = started(["sleep", "60"], name=P + "-insp", environment={"K": "v"}, labels={"dockwire.peers": P, "l": "1"})
    i = api().inspect_container(cid)
    for k in ("Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath",
              "LogPath", "Name", "RestartCount", "Driver", "Platform", "MountLabel", "ProcessLabel", "AppArmorProfile",
              "ExecIDs", "HostConfig", "GraphDriver", "Mounts", "Config", "NetworkSettings"):
        has(i, k, "inspect")
    eq((i["Path"], i["Args"]), ("sleep", ["60"]), "Path/Args")
    eq(i["Image"], image_id(), "Image is the id")
    eq(i["Config"]["Image"], IMAGE, "Config.Image as given")
    eq(i["Config"]["Labels"], {"dockwire.peers": P, "l": "1"}, "Labels")
    has(i["Config"]["Env"], "K=v", "Env")
    eq(i["Platform"], "linux", "Platform")
    eq(i["ExecIDs"], None, "ExecIDs without execs")
    st = i["State"]
    for k in ("Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid", "ExitCode", "Error",
              "StartedAt", "FinishedAt"):
        has(st, k, "State")
    if st["Pid"] <= 0:
        raise Fail("Pid %r" % st["Pid"])
    eq(st["FinishedAt"], "0001-01-01T00:00:00Z", "FinishedAt of a running container")
    ns = i["NetworkSettings"]
    has(ns["Networks"], "bridge", "default network")
    if not ns["IPAddress"] or ns["IPAddress"] != ns["Networks"]["bridge"]["IPAddress"]:
        raise Fail("IPAddress %r" % ns["IPAddress"])
    eq(i["HostConfig"]["NetworkMode"], "default", "NetworkMode default")
    eq(api().inspect_container(cid[:12])["Id"], cid, "inspect by short id")
    eq(api().inspect_container(P + "-insp")["Id"], cid, "inspect by name")
    eq(api().inspect_container("/" + P + "-insp")["Id"], cid, "inspect by /name")
    eid = api().exec_create(cid, ["true"])["Id"]
    eq(api().inspect_container(cid)["ExecIDs"], [eid], "ExecIDs with a created exec")
    api().exec_start(eid)
    eq(api().inspect_container(cid)["ExecIDs"], None, "ExecIDs after the exec ended")
    rm(cid)


def t_export_resize():
    c = cl().containers.run(IMAGE, ["sh", "-c", "echo x > /exported; sleep 60"], detach=True, tty=True,
                            labels=LABELS)
    until(lambda: c.exec_run(["test", "-f", "/exported"]).exit_code == 0, "file written")
    data = b"".join(c.export())
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        names = tf.getnames()
        has(names, "exported", "export has the file")
        has(names, "bin/busybox" if "bin/busybox" in names else "bin/sh", "export has the image's files")
        has(names, ".dockerenv", "export has .dockerenv")
    c.resize(40, 100)
    r = c.exec_run(["stty", "size"], tty=True)
    del r
    c.stop(timeout=0)
    e = api_error(409, c.resize, 40, 100)
    has(e.explanation, "is not running", "resize of a stopped container")
    c.remove()


# ---- api_exec_test.py ---------------------------------------------------------------

_ebox = {}


def ebox():
    if "id" not in _ebox:
        _ebox["id"] = started("cat", stdin_open=True, name=P + "-ebox")
    return _ebox["id"]


def xrun(cmd, **kw):
    start_kw = {k: kw.pop(k) for k in ("stream", "demux", "detach", "socket") if k in kw}
    eid = api().exec_create(ebox(), cmd, **kw)
    return eid, api().exec_start(eid, tty=kw.get("tty", False), **start_kw)


def t_exec_basics():
    eid, out = xrun(["echo", "hello"])
    has(eid, "Id", "exec_create result")
    eq(out, b"hello\n", "list command")
    eq(xrun("echo hello world")[1], b"hello world\n", "string command")
    eq(xrun("id -u", user="1000")[1], b"1000\n", "user")
    eq(xrun("id -u")[1], b"0\n", "root by default")
    eq(b"".join(xrun(["echo", "hello\nworld"], stream=True)[1]), b"hello\nworld\n", "streamed")
    eq(xrun(["sh", "-c", "echo $X"], environment=["X=Y"])[1], b"Y\n", "environment list")
    eq(xrun(["sh", "-c", "echo $X"], environment={"X": "Z"})[1], b"Z\n", "environment dict")
    eq(xrun("pwd", workdir="/tmp")[1], b"/tmp\n", "workdir")
    # HOME: root's home in the image's /etc/passwd, else / (busybox:dockwire has no passwd)
    home = b"/root" if xrun(["sh", "-c", "grep -c ^root: /etc/passwd"])[1] == b"1\n" else b"/"
    eq(xrun(["sh", "-c", "echo $HOME; echo $PATH"])[1],
       home + b"\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n", "HOME and PATH")


def t_exec_demux():
    cmd = 'sh -c "echo hello out; sleep 0.3; echo hello err >&2"'
    eq(xrun(cmd)[1], b"hello out\nhello err\n", "plain")
    g = xrun(cmd, stream=True)[1]
    eq(next(g), b"hello out\n", "stream 1")
    eq(next(g), b"hello err\n", "stream 2")
    raises(StopIteration, next, g)
    eq(xrun(cmd, demux=True)[1], (b"hello out\n", b"hello err\n"), "demux")
    g = xrun(cmd, demux=True, stream=True)[1]
    eq(next(g), (b"hello out\n", None), "demux stream 1")
    eq(next(g), (None, b"hello err\n"), "demux stream 2")
    raises(StopIteration, next, g)
    eq(xrun(cmd, tty=True)[1], b"hello out\r\nhello err\r\n", "tty")
    g = xrun(cmd, tty=True, stream=True)[1]
    eq(next(g), b"hello out\r\n", "tty stream 1")
    eq(next(g), b"hello err\r\n", "tty stream 2")
    raises(StopIteration, next, g)
    eq(xrun(cmd, tty=True, demux=True)[1], (b"hello out\r\nhello err\r\n", None), "tty demux")


def t_exec_socket_detach_inspect():
    line = "yay, interactive exec!"
    eid = api().exec_create(ebox(), ["printf", line], tty=True)
    sock = api().exec_start(eid, socket=True)
    stream, n = next_frame_header(sock)
    eq((stream, n), (1, len(line)), "frame (tty exec started without tty: multiplexed)")
    eq(read_exactly(sock, n).decode(), line, "payload")
    sock.close()
    eid = api().exec_create(ebox(), ["printf", "asdqwe"])
    eq(api().exec_start(eid, detach=True), b"" if False else "", "detached start")
    eid = api().exec_create(ebox(), ["mkdir", "/does/not/exist"])
    api().exec_start(eid)
    info = api().exec_inspect(eid)
    if info["ExitCode"] in (0, None):
        raise Fail("ExitCode %r" % info["ExitCode"])
    eid = api().exec_create(ebox(), ["sh", "-c", "exit 3"], user="1000", tty=False, privileged=False,
                            workdir="/tmp", detach_keys="ctrl-x")
    pre = api().exec_inspect(eid)
    for k in ("ID", "Running", "ExitCode", "ProcessConfig", "OpenStdin", "OpenStderr", "OpenStdout", "CanRemove",
              "ContainerID", "DetachKeys", "Pid"):
        has(pre, k, "exec inspect")
    eq((pre["Running"], pre["ExitCode"], pre["Pid"], pre["ContainerID"]), (False, None, 0, ebox()),
       "before start")
    eq(pre["ProcessConfig"], {"tty": False, "entrypoint": "sh", "arguments": ["-c", "exit 3"],
                              "privileged": False, "user": "1000"}, "ProcessConfig")
    eq((pre["OpenStdin"], pre["OpenStdout"], pre["OpenStderr"]), (False, True, True), "streams")
    api().exec_start(eid)
    post = api().exec_inspect(eid)
    eq((post["Running"], post["ExitCode"]), (False, 3, ), "after")
    api_error(404, api().exec_inspect, "nosuchexec")
    api_error(404, api().exec_start, "nosuchexec")
    # dockerd hijacks the connection before it looks: the error comes in the stream
    # read on a socket of our own: dockerd sends the error with the head, and docker-py's
    # socket=True would lose bytes that came with it (http.client buffers them)
    status, data = raw_upgrade("/exec/%s/start" % eid["Id"], b"{}")
    eq(status, 101, "second start's status")
    eq(S.frames(data, "second start"), [(1, ("Error: Exec command %s has already run\r\n" % eid["Id"]).encode())],
       "start twice")
    api_error(404, api().exec_create, P + "-nosuch", ["true"])
    stopped = create(["true"])
    e = api_error(409, api().exec_create, stopped, ["true"])
    has(e.explanation, "is not running", "exec in a stopped container")
    rm(stopped)


def t_exec_resize():
    eid = api().exec_create(ebox(), ["sh", "-c", "sleep 2; stty size"], tty=True)
    sock = api().exec_start(eid, tty=True, socket=True)
    until(lambda: api().exec_inspect(eid)["Running"], "exec running")
    api().exec_resize(eid, height=20, width=60)
    data = S.read_to_eof(sock._sock if hasattr(sock, "_sock") else sock, 15, "resized exec")
    has(data, b"20 60", "the size the exec sees")
    sock.close()
    eid = api().exec_create(ebox(), ["true"])
    api().exec_start(eid)
    e = raises(docker.errors.APIError, api().exec_resize, eid, height=20, width=60)
    if e.status_code not in (404, 409, 500):
        raise Fail("resize of a finished exec: %s %s" % (e.status_code, e.explanation))
    api_error(404, api().exec_resize, "nosuchexec", height=1, width=1)


def t_exec_stdin():
    eid = api().exec_create(ebox(), ["sh", "-c", "read x; echo got:$x"], stdin=True)
    sock = api().exec_start(eid, socket=True)
    raw = sock._sock
    raw.sendall(b"hi\n")
    data = S.read_to_eof(raw, 15, "stdin exec")
    eq(b"".join(p for _, p in S.frames(data, "stdin exec")), b"got:hi\n", "stdin reached the exec")
    sock.close()
    eq(api().exec_inspect(eid)["OpenStdin"], True, "OpenStdin")


# ---- api_image_test.py / models_images_test.py ---------------------------------------

def t_images_list():
    imgs = api().images()
    mine = [i for i in imgs if IMAGE in (i["RepoTags"] or [])]
    eq(len(mine), 1, "the image listed")
    for k in ("Id", "ParentId", "RepoTags", "RepoDigests", "Created", "Size", "VirtualSize", "SharedSize",
              "Labels", "Containers"):
        has(mine[0], k, "image list entry")
    repo = IMAGE.split(":")[0]
    eq([i["Id"] for i in api().images(name=IMAGE)], [mine[0]["Id"]], "name filter")
    has([i["Id"] for i in api().images(name=repo)], mine[0]["Id"], "repo filter")
    q = api().images(quiet=True)
    has(q, mine[0]["Id"], "quiet: ids")
    eq([i["Id"] for i in api().images(filters={"reference": IMAGE})], [mine[0]["Id"]], "reference filter")
    eq(api().images(filters={"reference": P + "-nosuch*"}), [], "reference filter, none")
    has([i["Id"] for i in api().images(all=True)], mine[0]["Id"], "all")
    eq(api().images(filters={"dangling": True, "label": LBL}), [], "dangling + label")
    api_error(400, api().images, filters={"nope": "x"})
    models = cl().images.list(name=repo)
    has([m.id for m in models], mine[0]["Id"], "models list by repo")


def t_image_inspect_history():
    i = api().inspect_image(IMAGE)
    for k in ("Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
              "DockerVersion", "Author", "Config", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver",
              "RootFS", "Metadata"):
        has(i, k, "inspect_image")
    eq(i["Os"], "linux", "Os")
    eq(i["RootFS"]["Type"], "layers", "RootFS")
    eq(api().inspect_image(i["Id"][7:19])["Id"], i["Id"], "by short id")
    eq(api().inspect_image(i["Id"])["Id"], i["Id"], "by id")
    h = api().history(IMAGE)
    if not h:
        raise Fail("empty history")
    for k in ("Id", "Created", "CreatedBy", "Tags", "Size", "Comment"):
        has(h[0], k, "history entry")
    eq(h[0]["Id"], i["Id"], "newest first")
    has(h[0]["Tags"], IMAGE, "tags in history")
    raises(docker.errors.ImageNotFound, api().history, P + "-nosuch")
    raises(docker.errors.ImageNotFound, api().inspect_image, P + "-nosuch")


def t_image_tag_remove():
    eq(api().tag(IMAGE, P + "-tagged", "v1"), True, "tag")
    eq(api().tag(IMAGE, P + "-tagged"), True, "tag latest")
    tags = api().inspect_image(IMAGE)["RepoTags"]
    has(tags, P + "-tagged:v1", "tag listed")
    has(tags, P + "-tagged:latest", "latest listed")
    eq(api().remove_image(P + "-tagged:v1"), [{"Untagged": P + "-tagged:v1"}], "untag")
    eq(api().remove_image(P + "-tagged"), [{"Untagged": P + "-tagged:latest"}], "untag latest")
    raises(docker.errors.ImageNotFound, api().remove_image, P + "-tagged:v1")
    e = api_error(500, api().tag, IMAGE, "Bad:Repo")
    has(e.explanation, "invalid reference format: repository name must be lowercase", "bad repository")
    raises(docker.errors.ImageNotFound, api().tag, P + "-nosuch", P + "-x")
    # a tagged image in use: force untags; its id is refused while others refer to it by tag
    img = cl().images.get(IMAGE)
    img.tag(P + "-forced", "1")
    eq(cl().images.remove(P + "-forced:1", force=True), None, "models remove")
    e = api_error(409, api().remove_image, img.id)
    has(e.explanation, "unable to delete", "remove of an id with several tags")
    reg = cl().images.get_registry_data if False else None
    del reg


def t_image_prune():
    img, _ = S.build("prunable:1", fileobj=S.dockerfile("FROM {IMAGE}\nRUN echo p > /p\n"))
    api().remove_image(P + "-prunable:1")
    # the untagged image stays (no dangling parent): a bare build leaves a dangling image
    img2, _ = S.build("prunable:2", fileobj=S.dockerfile("FROM {IMAGE}\nRUN echo q > /q\n"))
    S.build("prunable:2", fileobj=S.dockerfile("FROM {IMAGE}\nRUN echo r > /r\n"))
    dangling = [i["Id"] for i in api().images(filters={"dangling": True, "label": LBL})]
    has(dangling, img2.id, "the replaced build is dangling")
    r = api().prune_images(filters={"dangling": True, "label": LBL})
    deleted = [x.get("Deleted") for x in r["ImagesDeleted"] or []]
    has(deleted, img2.id, "pruned")
    if r["SpaceReclaimed"] <= 0:
        raise Fail("SpaceReclaimed %r" % r["SpaceReclaimed"])
    raises(docker.errors.ImageNotFound, api().inspect_image, img2.id)
    api().remove_image(P + "-prunable:2")
    eq(api().prune_images(filters={"dangling": True, "label": LBL + "-none"}),
       {"ImagesDeleted": None, "SpaceReclaimed": 0}, "nothing to prune")
    del img


def t_image_save_get():
    data = b"".join(api().get_image(IMAGE))
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        names = tf.getnames()
        has(names, "manifest.json", "manifest")
        has(names, "repositories", "repositories")
        import json
        man = json.load(tf.extractfile("manifest.json"))
        eq(man[0]["RepoTags"], [IMAGE], "RepoTags in the manifest")
    img = cl().images.get(IMAGE)
    chunks = list(img.save(chunk_size=1024))
    eq(b"".join(chunks)[:512], data[:512], "models save")
    if len(chunks) < 2:
        raise Fail("save not chunked")
    out = list(api().load_image(data))
    has([x.get("stream", "") for x in out], "Loaded image: %s\n" % IMAGE, "load output")
    raises(docker.errors.ImageNotFound, lambda: b"".join(api().get_image(P + "-nosuch")))


def import_tar():
    return S.tar_of({"bin/hello": "#!hi\n", "etc/x": "x\n"})


def t_image_import():
    out = api().import_image_from_data(import_tar(), repository=P + "-imp1", tag="t")
    if isinstance(out, bytes):
        out = out.decode()
    has(out, '"status":"sha256:', "import status")
    i = api().inspect_image(P + "-imp1:t")
    eq(i["Architecture"] != "", True, "Architecture")
    eq(len(i["RootFS"]["Layers"]), 1, "one layer")
    with tempfile.NamedTemporaryFile(suffix=".tar") as f:
        f.write(import_tar())
        f.flush()
        api().import_image_from_file(f.name, repository=P + "-imp2", tag="t")
        eq(api().inspect_image(P + "-imp2:t")["RootFS"], i["RootFS"], "the same layer from a file")
    api().import_image(src=import_tar(), repository=P + "-imp3", tag="t", changes=["ENV FOO=bar", "CMD [\"/bin/hello\"]"])
    c = api().inspect_image(P + "-imp3:t")["Config"]
    has(c["Env"], "FOO=bar", "changes ENV")
    eq(c["Cmd"], ["/bin/hello"], "changes CMD")
    for n in ("imp1", "imp2", "imp3"):
        api().remove_image(P + "-%s:t" % n)
    e = raises(docker.errors.APIError, api().import_image_from_url, "http://127.0.0.1:9/x.tar",
               repository=P + "-imp4")
    has(e.explanation, "connection refused", "import from a closed port")


def t_commit():
    cid, _, _ = run_wait(["touch", "/test"])
    r = api().commit(cid, repository=P + "-commit", tag="v1", message="msg", author="me",
                     conf={"Env": ["C=1"], "Labels": {"dockwire.peers": P}}, changes=["EXPOSE 8080"])
    has(r, "Id", "commit result")
    i = api().inspect_image(r["Id"])
    eq((i["Comment"], i["Author"]), ("msg", "me"), "message and author")
    eq(i["Container"], cid, "Container")
    eq(i["Parent"], image_id(), "Parent")
    has(i["Config"]["Env"], "C=1", "conf Env")
    eq(i["Config"]["ExposedPorts"], {"8080/tcp": {}}, "changes EXPOSE")
    eq(i["Config"]["Cmd"], ["touch", "/test"], "Cmd from the container")
    has(i["RepoTags"], P + "-commit:v1", "tag")
    eq(len(i["RootFS"]["Layers"]), len(api().inspect_image(IMAGE)["RootFS"]["Layers"]) + 1, "one more layer")
    api().remove_image(P + "-commit:v1")
    rm(cid)
    api_error(404, api().commit, P + "-nosuch")


def t_pull_errors():
    e = raises(docker.errors.APIError, api().pull, "127.0.0.1:9/x", tag="latest")
    has(e.explanation, "127.0.0.1:9", "pull from a closed port")
    e = raises(docker.errors.APIError, cl().images.pull, "127.0.0.1:9/x", tag="latest")
    e = raises(docker.errors.APIError, api().pull, "Bad Name")
    eq(e.status_code, 400, "invalid reference")
    e = api_error(500, cl().containers.run, "127.0.0.1:9/x:latest", ["true"], labels=LABELS)
    has(e.explanation, "connection refused", "run pulls the missing image")


# ---- api_build_test.py / models_images_test.py ----------------------------------------

def t_build_args_labels():
    img, lines = S.build("bargs:1", buildargs={"test": "OK"}, labels={"dockwire.peers": P, "x": "y"},
                         fileobj=S.dockerfile("FROM {IMAGE}\nARG test\nARG unused=d\nRUN echo ${test} > /t\n"
                                              "LABEL a=b\nCMD [\"cat\", \"/t\"]\n"))
    eq(cl().containers.run(img.id, labels=LABELS, remove=True), b"OK\n", "buildarg used")
    eq(img.labels, {"dockwire.peers": P, "x": "y", "a": "b"}, "labels")
    has(lines[-1], "Successfully tagged %s-bargs:1" % P, "last line")
    has(lines[-2], "Successfully built %s" % img.short_id[7:], "built line")
    img2, lines = S.build("bargs:2", buildargs={"nope": "1"}, fileobj=S.dockerfile("FROM {IMAGE}\nRUN true\n"))
    joined = "".join(lines)
    has(joined, "[Warning] One or more build-args [nope] were not consumed", "unused build arg warning")
    api().remove_image(P + "-bargs:1")
    api().remove_image(P + "-bargs:2")


def t_build_stream_output():
    gen = api().build(fileobj=S.dockerfile("FROM {IMAGE}\nRUN echo hi\nCMD [\"true\"]\n"), labels=LABELS, rm=True,
                      tag=P + "-bstream:1", decode=True)
    items = list(gen)
    streams = "".join(x.get("stream", "") for x in items)
    has(streams, "Step 1/4 : FROM %s" % IMAGE, "step 1")
    has(streams, "Step 2/4 : RUN echo hi", "step 2")
    has(streams, "---> Running in ", "RUN container")
    has(streams, "\nhi\n", "RUN output")
    has(streams, "Removing intermediate container", "rm")
    aux = [x["aux"] for x in items if "aux" in x]
    eq(len(aux), 1, "one aux message")
    eq(aux[0]["ID"], api().inspect_image(P + "-bstream:1")["Id"], "aux ID")
    api().remove_image(P + "-bstream:1")


def t_build_target_and_dockerfile():
    ctx = S.tar_of({"custom.Dockerfile": "FROM %s AS first\nRUN echo first > /s\nFROM first AS second\n"
                                          "RUN echo second >> /s\nCMD [\"cat\", \"/s\"]\n" % IMAGE,
                    "Dockerfile": "FROM scratch\n"})
    img, _ = S.build("btarget:1", fileobj=io.BytesIO(ctx), custom_context=True, dockerfile="custom.Dockerfile",
                     target="first")
    eq(cl().containers.run(img.id, ["cat", "/s"], labels=LABELS, remove=True), b"first\n", "target first")
    e = raises(docker.errors.APIError, S.build, "btarget:2", fileobj=io.BytesIO(ctx), custom_context=True,
               dockerfile="custom.Dockerfile", target="nosuch")
    eq((e.status_code, e.explanation), (400, "failed to reach build target nosuch in Dockerfile"), "missing target")
    e = raises(docker.errors.APIError, S.build, "btarget:3", fileobj=io.BytesIO(ctx), custom_context=True,
               dockerfile="missing.Dockerfile")
    has(e.explanation, "Cannot locate specified Dockerfile: missing.Dockerfile", "missing Dockerfile")
    api().remove_image(P + "-btarget:1")


def t_build_network_and_hosts():
    img, lines = S.build("bnet:1", network_mode="none", fileobj=S.dockerfile(
        "FROM {IMAGE}\nRUN ls /sys/class/net > /nets\nCMD [\"cat\", \"/nets\"]\n"))
    eq(cl().containers.run(img.id, labels=LABELS, remove=True, network_mode="none"), b"lo\n",
       "network none: only lo")
    e = raises((docker.errors.BuildError, docker.errors.APIError), S.build, "bnet:2", network_mode=P + "-nosuchnet",
               fileobj=S.dockerfile("FROM {IMAGE}\nRUN true\n"))
    has(str(e), "%s-nosuchnet" % P, "unknown network named")
    api().remove_image(P + "-bnet:1")


def t_build_options_honoured():
    img, lines = S.build("bopts:1", shmsize=64 * 1024 * 1024, isolation="default",
                         container_limits={"memory": 256 * 1024 * 1024, "cpushares": 512},
                         platform="linux", fileobj=S.dockerfile(
                             "FROM {IMAGE}\nRUN grep /dev/shm /proc/mounts > /shm\nCMD [\"cat\", \"/shm\"]\n"))
    has(cl().containers.run(img.id, labels=LABELS, remove=True).decode(), "size=65536k", "shm size in RUN")
    e = raises(docker.errors.APIError, S.build, "bopts:2", squash=True, fileobj=S.dockerfile("FROM {IMAGE}\n"))
    eq(e.status_code, 400, "squash without experimental")
    has(e.explanation, "squash is only supported with experimental mode", "squash message")
    e = api_error(400, S.build, "bopts:4", isolation="nope", fileobj=S.dockerfile("FROM {IMAGE}\n"))
    eq(e.explanation, 'Unsupported isolation: "nope"', "bad isolation")
    api().remove_image(P + "-bopts:1")


def t_build_rm_forcerm():
    def leftovers():
        return {x["Id"] for x in api().containers(all=True, filters={"ancestor": image_id()})}
    before = leftovers()
    raises(docker.errors.BuildError, S.build, "brm:1", forcerm=True, rm=True,
           fileobj=S.dockerfile("FROM {IMAGE}\nRUN exit 2\n"))
    eq(leftovers() - before, set(), "forcerm removes the failed step's container")
    raises(docker.errors.BuildError, S.build, "brm:2", forcerm=False, rm=True,
           fileobj=S.dockerfile("FROM {IMAGE}\nRUN exit 2\n"))
    left = leftovers() - before
    eq(len(left), 1, "rm keeps the failed step's container")
    rm(*left)
    img, lines = S.build("brm:3", forcerm=False, rm=False, fileobj=S.dockerfile("FROM {IMAGE}\nRUN true\n"))
    left = leftovers() - before
    eq(len(left), 2, "rm=False keeps the steps' containers (RUN and the LABEL of labels=)")
    if any("Removing intermediate container" in x for x in lines):
        raise Fail("rm=False removed")
    rm(*left)
    api().remove_image(P + "-brm:3")


def t_build_errors():
    e = api_error(400, S.build, "berr:1", fileobj=S.dockerfile("FROM {IMAGE}\nNOPE x\n"))
    eq(e.explanation, "dockerfile parse error line 2: unknown instruction: NOPE", "unknown instruction")
    e = raises(docker.errors.BuildError, S.build, "berr:2", fileobj=S.dockerfile("FROM 127.0.0.1:9/x\n"))
    has(str(e), "127.0.0.1:9", "pull error of FROM")
    e = raises(docker.errors.APIError, S.build, "berr:3", fileobj=io.BytesIO(b""))
    has(e.explanation, "the Dockerfile (Dockerfile) cannot be empty", "empty Dockerfile")
    e = raises(docker.errors.BuildError, S.build, "berr:4", fileobj=S.dockerfile("FROM {IMAGE}\nCOPY nope /\n"))
    has(str(e), "nope", "COPY of a missing file")
    raises(TypeError, cl().images.build, labels=LABELS)


def write_tree(d, files):
    """Writes files ({path: text}) under the directory d."""
    for name, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
        with open(os.path.join(d, name), "w") as f:
            f.write(data)


def t_build_dockerignore_patterns():
    with tempfile.TemporaryDirectory(prefix=P) as d:
        files = {"Dockerfile": "FROM %s\nADD . /test\n" % IMAGE,
                 ".dockerignore": "ignored\nDockerfile\n.dockerignore\n!ignored/subdir/excepted-file\n"
                                  "*.pyc\n!keep.pyc\n**/deep.txt\n",
                 "ignored/subdir/file": "x", "ignored/subdir/excepted-file": "x", "not-ignored": "x",
                 "a.pyc": "x", "keep.pyc": "x", "sub/deep.txt": "x", "sub/shallow.txt": "x"}
        write_tree(d, files)
        img, _ = S.build("bign:1", path=d)
    out = cl().containers.run(img.id, ["find", "/test", "-type", "f"], labels=LABELS, remove=True)
    eq(sorted(out.decode().split()), ["/test/ignored/subdir/excepted-file", "/test/keep.pyc", "/test/not-ignored",
                                      "/test/sub/shallow.txt"], "the context after .dockerignore")
    api().remove_image(P + "-bign:1")


def t_build_copy_chown_workdir():
    ctx = S.tar_of({"Dockerfile": "FROM %s\nWORKDIR /w/x\nCOPY --chown=1000:1000 f ./\nUSER 1000\nENV E=1 F=\"a b\"\n"
                                  "EXPOSE 80/udp 81\nVOLUME /data\nSTOPSIGNAL SIGINT\nENTRYPOINT [\"sh\", \"-c\"]\n"
                                  "CMD [\"stat -c '%%u:%%g %%n' f; pwd; id -u; echo $F\"]\n"
                                  "HEALTHCHECK --interval=5s --retries=2 CMD true\n" % IMAGE,
                    "f": "x"})
    img, _ = S.build("bcopy:1", fileobj=io.BytesIO(ctx), custom_context=True)
    out = cl().containers.run(img.id, labels=LABELS, remove=True)
    eq(out, b"1000:1000 f\n/w/x\n1000\na b\n", "container of the image")
    c = api().inspect_image(img.id)["Config"]
    eq(c["WorkingDir"], "/w/x", "WorkingDir")
    eq(c["User"], "1000", "User")
    has(c["Env"], "F=a b", "Env")
    eq(c["ExposedPorts"], {"80/udp": {}, "81/tcp": {}}, "ExposedPorts")
    eq(c["Volumes"], {"/data": {}}, "Volumes")
    eq(c["StopSignal"], "SIGINT", "StopSignal")
    eq(c["Healthcheck"], {"Test": ["CMD-SHELL", "true"], "Interval": 5 * 10 ** 9, "Retries": 2}, "Healthcheck")
    api().remove_image(P + "-bcopy:1")


# ---- api_network_test.py / models_networks_test.py --------------------------------------

def sub(n):
    return "%s.%d.0/24" % (NET, 20 + n)


def t_network_list_filters():
    names = [n["Name"] for n in api().networks()]
    for n in ("bridge", "host", "none"):
        has(names, n, "predefined networks")
    nid = api().create_network(P + "-nl", labels={"dockwire.peers": P, "k": "v"})["Id"]
    eq([n["Id"] for n in api().networks(names=[P + "-nl"])], [nid], "names filter")
    eq([n["Id"] for n in api().networks(ids=[nid])], [nid], "ids filter")
    eq([n["Id"] for n in api().networks(filters={"label": "k=v"})], [nid], "label filter")
    eq([n["Id"] for n in api().networks(filters={"type": "custom", "label": LBL})], [nid], "type custom")
    eq([n["Name"] for n in api().networks(filters={"type": "builtin", "name": "bridge"})], ["bridge"],
       "type builtin")
    eq([n["Id"] for n in api().networks(filters={"driver": "bridge", "label": LBL})], [nid], "driver filter")
    eq([n["Id"] for n in api().networks(filters={"dangling": True, "label": LBL})], [nid], "dangling filter")
    e = api_error(500, api().networks, filters={"type": "nope"})
    eq(e.explanation, "invalid filter: 'type'='nope'", "bad type filter")
    api_error(400, api().networks, filters={"nope": "x"})
    api().remove_network(nid)


def t_network_create_options():
    ipam = docker.types.IPAMConfig(driver="default", pool_configs=[docker.types.IPAMPool(
        subnet=sub(1), gateway="%s.21.1" % NET, iprange="%s.21.128/25" % NET)], options={"io": "x"})
    r = api().create_network(P + "-nc", driver="bridge", ipam=ipam, internal=True, attachable=True,
                             labels=LABELS, options={"com.docker.network.bridge.enable_icc": "false"},
                             check_duplicate=True)
    has(r, "Id", "create result")
    eq(r.get("Warning", ""), "", "no warning")
    n = api().inspect_network(r["Id"])
    eq((n["Name"], n["Driver"], n["Scope"], n["Internal"], n["Attachable"], n["EnableIPv6"], n["Ingress"]),
       (P + "-nc", "bridge", "local", True, True, False, False), "fields")
    eq(n["IPAM"], {"Driver": "default", "Options": {"io": "x"},
                   "Config": [{"Subnet": sub(1), "Gateway": "%s.21.1" % NET, "IPRange": "%s.21.128/25" % NET}]},
       "IPAM")
    eq(n["Options"], {"com.docker.network.bridge.enable_icc": "false"}, "Options")
    eq(n["Labels"], LABELS, "Labels")
    eq(n["Containers"], {}, "no containers")
    has(n, "ConfigFrom", "ConfigFrom")
    e = api_error(409, api().create_network, P + "-nc", check_duplicate=True, labels=LABELS)
    has(e.explanation, "network with name %s-nc already exists" % P, "duplicate")
    cid = started(["sh", "-c", "ip -o -4 addr show eth0 2>/dev/null || cat /proc/net/fib_trie | head -0; sleep 60"],
                  host_config=hc(network_mode=P + "-nc"))
    ip = api().inspect_container(cid)["NetworkSettings"]["Networks"][P + "-nc"]["IPAddress"]
    if int(ip.split(".")[3]) < 128:
        raise Fail("address %s not in the iprange" % ip)
    rm(cid)
    eq(api().inspect_network(P + "-nc", verbose=True)["Id"], r["Id"], "verbose inspect")
    eq(api().inspect_network(r["Id"], scope="local")["Id"], r["Id"], "scope local")
    api_error(404, api().inspect_network, r["Id"], scope="swarm")
    api().remove_network(r["Id"])
    e = api_error(500, api().create_network, P + "-nc2", labels=LABELS, ipam=docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet=sub(2), gateway="%s.99.1" % NET)]))
    eq(e.explanation, "failed to allocate gateway (%s.99.1): Requested address is out of range" % NET, "gateway")
    e = api_error(500, api().create_network, P + "-nc3", labels=LABELS, ipam=docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet="nope")]))
    eq(e.explanation, "Invalid subnet nope : invalid CIDR address: nope", "bad subnet")
    # (an unknown driver is dockerd's 404 after it looked for a plugin for 15 s: not here)
    e = api_error(403, api().remove_network, "bridge")
    has(e.explanation, "bridge is a pre-defined network and cannot be removed", "predefined")


def t_network_connect():
    nid = api().create_network(P + "-cn", labels=LABELS, ipam=docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet=sub(3))]))["Id"]
    a = started(["sleep", "60"], name=P + "-cna")
    b = started(["sleep", "60"], name=P + "-cnb")
    api().connect_container_to_network(a, nid, aliases=["foo", "bar"], ipv4_address="%s.23.50" % NET)
    api().connect_container_to_network(b, nid, links=[(P + "-cna", "lnk")])
    ep = api().inspect_container(a)["NetworkSettings"]["Networks"][P + "-cn"]
    eq(ep["IPAMConfig"], {"IPv4Address": "%s.23.50" % NET}, "IPAMConfig")
    eq(ep["IPAddress"], "%s.23.50" % NET, "IPAddress")
    eq(sorted(ep["Aliases"]), sorted(["foo", "bar", a[:12]]), "aliases with the short id")
    eq(ep["NetworkID"], nid, "NetworkID")
    eq(ep["Gateway"], "%s.23.1" % NET, "Gateway")
    eq(ep["IPPrefixLen"], 24, "IPPrefixLen")
    epb = api().inspect_container(b)["NetworkSettings"]["Networks"][P + "-cn"]
    eq(epb["Links"], ["%s-cna:lnk" % P], "Links")
    out = api().exec_start(api().exec_create(b, ["sh", "-c", "grep -c lnk /etc/hosts || true"]))
    del out
    net = api().inspect_network(nid)
    eq(sorted(net["Containers"]), sorted([a, b]), "Containers")
    eq(net["Containers"][a]["Name"], P + "-cna", "endpoint name")
    eq(net["Containers"][a]["IPv4Address"], "%s.23.50/24" % NET, "endpoint address")
    e = api_error(403, api().connect_container_to_network, a, nid)
    has(e.explanation, "endpoint with name %s-cna already exists in network %s-cn" % (P, P), "connect twice")
    api().disconnect_container_from_network(a, nid)
    e = api_error(500, api().disconnect_container_from_network, a, nid)
    has(e.explanation, "is not connected to network", "disconnect twice")
    e = api_error(403, api().remove_network, nid)
    has(e.explanation, "has active endpoints", "remove with endpoints")
    api().stop(b, timeout=0)
    api().disconnect_container_from_network(b, nid, force=True)
    eq(api().inspect_network(nid)["Containers"], {}, "forced disconnect")
    api_error(404, api().connect_container_to_network, P + "-nosuch", nid)
    api_error(404, api().connect_container_to_network, a, P + "-nosuchnet")
    e = api_error(400, api().connect_container_to_network, a, "bridge", ipv4_address="%s.23.9" % NET)
    del e
    c = create(["true"], host_config=hc(network_mode="none"))
    e = api_error(400, api().connect_container_to_network, c, nid)
    has(e.explanation, "container cannot be disconnected from host network or connected to host network" if False
        else "", "")
    rm(a, b, c)
    api().remove_network(nid)


def t_network_create_with_endpoint_config():
    nid = api().create_network(P + "-ec", labels=LABELS, ipam=docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet=sub(4))]))["Id"]
    cid = create(["sleep", "60"], host_config=hc(network_mode=P + "-ec"),
                 networking_config=api().create_networking_config({P + "-ec": api().create_endpoint_config(
                     aliases=["ali"], ipv4_address="%s.24.77" % NET, link_local_ips=["169.254.8.8"])}))
    api().start(cid)
    ep = api().inspect_container(cid)["NetworkSettings"]["Networks"][P + "-ec"]
    eq(ep["IPAddress"], "%s.24.77" % NET, "static address")
    has(ep["Aliases"], "ali", "alias")
    eq(ep["IPAMConfig"]["LinkLocalIPs"], ["169.254.8.8"], "link local ips")
    eq(list(api().inspect_container(cid)["NetworkSettings"]["Networks"]), [P + "-ec"], "only that network")
    rm(cid)
    api().remove_network(nid)


def t_network_prune_models():
    n = cl().networks.create(P + "-mn", labels=LABELS)
    c = cl().containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS)
    n.connect(c)
    n.reload()
    eq([x.id for x in n.containers], [c.id], "network.containers")
    eq(cl().networks.get(n.id).name, P + "-mn", "get")
    eq([x.id for x in cl().networks.list(names=[P + "-mn"])], [n.id], "list names")
    n.disconnect(c)
    n.reload()
    eq(n.containers, [], "disconnected")
    c.remove(force=True)
    spared = cl().networks.create(P + "-spared", labels={"dockwire.peers": P, "keep": "1"})
    r = cl().networks.prune(filters={"label": [LBL], "label!": "keep"})
    has(r["NetworksDeleted"], P + "-mn", "prune")
    if P + "-spared" in r["NetworksDeleted"]:
        raise Fail("label! did not spare")
    spared.remove()
    raises(docker.errors.NotFound, cl().networks.get, P + "-mn")


# ---- api_volume_test.py / models_volumes_test.py --------------------------------------

def t_volumes_api():
    r = api().create_volume(P + "-v1", driver="local", labels=LABELS, driver_opts={"type": "tmpfs",
                                                                                   "device": "tmpfs", "o": "size=1m"})
    eq((r["Name"], r["Driver"], r["Scope"], r["Labels"]), (P + "-v1", "local", "local", LABELS), "created")
    eq(r["Options"], {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}, "Options")
    i = api().inspect_volume(P + "-v1")
    for k in ("Name", "Driver", "Mountpoint", "Labels", "Scope", "Options", "CreatedAt"):
        has(i, k, "inspect_volume")
    eq(i["Mountpoint"].endswith("/%s-v1/_data" % P), True, "Mountpoint (%s)" % i["Mountpoint"])
    eq(api().create_volume(P + "-v1", labels=LABELS)["Name"], P + "-v1", "create is idempotent")
    lst = api().volumes(filters={"name": P + "-v1"})
    eq([v["Name"] for v in lst["Volumes"]], [P + "-v1"], "name filter")
    has(lst, "Warnings", "Warnings key")
    eq([v["Name"] for v in api().volumes(filters={"label": LBL, "dangling": True})["Volumes"]], [P + "-v1"],
       "dangling")
    eq([v["Name"] for v in api().volumes(filters={"driver": "local", "label": LBL})["Volumes"]], [P + "-v1"],
       "driver")
    cid = create(["true"], host_config=hc(binds=["%s-v1:/v" % P]))
    eq([v["Name"] for v in api().volumes(filters={"label": LBL, "dangling": False})["Volumes"]], [P + "-v1"],
       "in use: not dangling")
    e = api_error(409, api().remove_volume, P + "-v1")
    has(e.explanation, "volume is in use", "in use")
    rm(cid)
    api().remove_volume(P + "-v1")
    raises(docker.errors.NotFound, api().inspect_volume, P + "-v1")
    raises(docker.errors.NotFound, api().remove_volume, P + "-v1")
    raises(docker.errors.NotFound, api().remove_volume, P + "-v1", force=True)
    api_error(400, api().volumes, filters={"nope": "x"})
    api_error(400, api().create_volume, "bad/name", labels=LABELS)


def t_volumes_prune_models():
    v = cl().volumes.create(P + "-mv1", labels=LABELS)
    eq(cl().volumes.get(P + "-mv1").id, v.id, "get")
    eq([x.name for x in cl().volumes.list(filters={"label": LBL})], [P + "-mv1"], "list")
    v.reload()
    keep = cl().volumes.create(P + "-mv2", labels={"dockwire.peers": P, "keep": "1"})
    flt = {"label": [LBL], "label!": "keep"}
    if docker.utils.version_gte(api().api_version, "1.42"):
        flt["all"] = ["true"]
    r = cl().volumes.prune(filters=flt)
    eq(r["VolumesDeleted"], [P + "-mv1"], "prune")
    if not isinstance(r["SpaceReclaimed"], int):
        raise Fail("SpaceReclaimed %r" % r["SpaceReclaimed"])
    keep.remove()


# ---- api_healthcheck_test.py -----------------------------------------------------------

def health(cid):
    return (api().inspect_container(cid)["State"].get("Health") or {}).get("Status")


def t_healthcheck():
    cid = started("top", healthcheck={"test": "echo hello world", "interval": 500 * 10 ** 6})
    eq(api().inspect_container(cid)["Config"]["Healthcheck"], {"Test": ["CMD-SHELL", "echo hello world"],
                                                               "Interval": 500 * 10 ** 6}, "Config.Healthcheck")
    until(lambda: health(cid) == "healthy", "healthy")
    log = api().inspect_container(cid)["State"]["Health"]["Log"]
    eq((log[0]["ExitCode"], log[0]["Output"]), (0, "hello world\n"), "health log")
    eq(api().inspect_container(cid)["State"]["Health"]["FailingStreak"], 0, "FailingStreak")
    eq([x["Id"] for x in api().containers(filters={"health": "healthy", "id": cid})], [cid], "health filter")
    rm(cid)
    cid = started("top", healthcheck={"test": ["CMD", "false"], "interval": 300 * 10 ** 6, "retries": 1})
    until(lambda: health(cid) == "unhealthy", "unhealthy")
    eq(api().inspect_container(cid)["State"]["Health"]["FailingStreak"] >= 1, True, "FailingStreak")
    rm(cid)
    cid = started("top", healthcheck={"test": ["CMD", "false"], "interval": 10 ** 9, "start_period": 30 * 10 ** 9})
    time.sleep(1.5)
    eq(health(cid), "starting", "failures in the start period do not count")
    rm(cid)
    cid = started("top", healthcheck={"test": ["NONE"]})
    eq(api().inspect_container(cid)["State"].get("Health"), None, "NONE: no health")
    rm(cid)
    api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS,
              healthcheck={"test": ["CMD", "true"], "interval": 10 ** 5})


# ---- errors_test.py / regression_test.py ---------------------------------------------

def t_errors():
    e = raises(docker.errors.NotFound, api().inspect_container, P + "-nosuch")
    eq((e.status_code, e.is_client_error(), e.is_server_error()), (404, True, False), "404")
    eq(e.explanation, "No such container: %s-nosuch" % P, "explanation")
    e = raises(docker.errors.ImageNotFound, api().create_container, P + "-nosuch:latest", ["true"])
    eq(e.explanation, "No such image: %s-nosuch:latest" % P, "missing image")
    e = raises(docker.errors.APIError, api().inspect_image, "gensokyo.jp//kirisame")
    eq(e.status_code in (400, 404), True, "double slash (%s)" % e.status_code)
    cid = started(["sleep", "60"])
    e = raises(docker.errors.APIError, api().remove_container, cid)
    eq(type(e), docker.errors.APIError, "409 is a plain APIError")
    eq(e.response.headers.get("Content-Type"), "application/json", "error content type")
    eq(sorted(e.response.json()), ["message"], "error body")
    e = raises(docker.errors.ContainerError, cl().containers.run, IMAGE, ["sh", "-c", "echo oops >&2; exit 2"],
               labels=LABELS, remove=True)
    eq((e.exit_status, e.stderr), (2, b"oops\n"), "ContainerError")
    e = raises(docker.errors.APIError, api().create_container, IMAGE, ["true"], labels=LABELS,
               host_config=hc(port_bindings={"80/tcp": ("127.0.0.1", "nope")}))
    eq(e.status_code, 400, "bad host port")
    rm(cid)
    e = raises(docker.errors.NotFound, api().exec_inspect, "0" * 64)
    has(e.explanation, "No such exec instance", "missing exec")
    e = raises(docker.errors.NotFound, api().inspect_network, P + "-nosuchnet")
    has(e.explanation, "network %s-nosuchnet not found" % P, "missing network")
    e = raises(docker.errors.NotFound, api().inspect_volume, P + "-nosuchvol")
    has(e.explanation, "get %s-nosuchvol: no such volume" % P, "missing volume")


def t_regressions():
    cid = create(["true"], user=1000)
    eq(api().inspect_container(cid)["Config"]["User"], "1000", "user as int (715)")
    rm(cid)
    saved = api().timeout
    try:
        api().timeout = None
        cid = started(["sleep", "30"])
        api().stop(cid, timeout=0)
        eq(api().inspect_container(cid)["State"]["Running"], False, "timeout None (649)")
        rm(cid)
    finally:
        api().timeout = saved
    cid = create(["echo", "é ü"], environment={"U": "ü"}, labels={"dockwire.peers": P, "ü": "é"})
    api().start(cid)
    api().wait(cid, timeout=30)
    eq(api().logs(cid).decode(), "é ü\n", "utf-8 output")
    eq(api().inspect_container(cid)["Config"]["Labels"]["ü"], "é", "utf-8 label")
    rm(cid)
    out = cl().containers.run(IMAGE, "echo hello", labels=LABELS, remove=True, stdout=True, stderr=True)
    eq(out, b"hello\n", "run with a string command")


# ---- models_containers_test.py --------------------------------------------------------

def t_models_run():
    c = cl().containers.run(IMAGE, "sh -c 'echo out; echo err >&2'", detach=True, labels=LABELS,
                            environment=["A=1"], working_dir="/tmp", hostname="mh", name=P + "-mrun")
    eq(c.wait(timeout=30), {"StatusCode": 0, "Error": None}, "wait")
    eq(c.logs(stdout=True, stderr=False), b"out\n", "stdout")
    c.reload()
    eq((c.name, c.status, c.attrs["Config"]["Hostname"]), (P + "-mrun", "exited", "mh"), "attrs")
    eq(c.image.id, image_id(), "container.image")
    eq(c.labels, LABELS, "labels")
    eq(cl().containers.get(P + "-mrun").id, c.id, "get")
    c.remove()
    out = cl().containers.run(IMAGE, ["sh", "-c", "echo out; echo err >&2"], stderr=True, labels=LABELS, remove=True)
    eq(sorted(out.splitlines()), [b"err", b"out"], "stdout and stderr")
    gen = cl().containers.run(IMAGE, ["sh", "-c", "echo a; sleep 0.2; echo b"], stream=True, labels=LABELS,
                              remove=True)
    eq(b"".join(gen), b"a\nb\n", "stream=True")
    out = cl().containers.run(IMAGE, "cat /etc/hosts", extra_hosts={"hello.test": "127.0.0.5"}, labels=LABELS,
                              remove=True)
    has(out.decode(), "127.0.0.5\thello.test", "extra_hosts")
    net = cl().networks.create(P + "-mrnet", labels=LABELS)
    c = cl().containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, network=P + "-mrnet",
                            ports={"80/tcp": None, "81/tcp": ("127.0.0.1", None), "82/udp": [None, None]})
    c.reload()
    eq(list(c.attrs["NetworkSettings"]["Networks"]), [P + "-mrnet"], "network=")
    eq(sorted(c.attrs["HostConfig"]["PortBindings"]), ["80/tcp", "81/tcp", "82/udp"], "PortBindings")
    eq(sorted(b["HostIp"] for b in c.ports["82/udp"]), ["0.0.0.0", "0.0.0.0", "::", "::"],
       "two bindings of one port, on IPv4 and IPv6")
    eq(c.ports["81/tcp"][0]["HostIp"], "127.0.0.1", "host ip")
    c.remove(force=True)
    net.remove()
    c = cl().containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, network_mode="host")
    c.reload()
    eq(list(c.attrs["NetworkSettings"]["Networks"]), ["host"], "network_mode=host")
    c.remove(force=True)
    c = cl().containers.run(IMAGE, ["sh", "-c", "exit 0"], detach=True, auto_remove=True, labels=LABELS)
    until(lambda: not api().containers(all=True, filters={"id": c.id}), "auto_remove")


def t_models_container_methods():
    c = cl().containers.create(IMAGE, ["sh", "-c", "sleep 60"], labels=LABELS, name=P + "-mm", tty=True)
    eq(c.status, "created", "created")
    c.start()
    c.reload()
    eq(c.status, "running", "running")
    top = c.top()
    eq(top["Processes"][0][-1], "sleep 60", "top (sh runs its last command in its own process)")
    r = c.exec_run("echo hi")
    eq((r.exit_code, r.output), (0, b"hi\r\n" if False else b"hi\n"), "exec_run")
    r = c.exec_run("sh -c 'exit 9'")
    eq(r.exit_code, 9, "exec_run exit code")
    eq(c.exec_run("echo x", detach=True).output, "", "detached exec_run")
    c.rename(P + "-mm2")
    c.reload()
    eq(c.name, P + "-mm2", "rename")
    c.update(mem_limit="100M", memswap_limit="200M")
    c.reload()
    eq(c.attrs["HostConfig"]["Memory"], 100 * 1024 * 1024, "update")
    c.pause()
    c.reload()
    eq(c.status, "paused", "pause")
    c.unpause()
    c.restart(timeout=0)
    c.reload()
    eq(c.status, "running", "restart")
    eq(c.put_archive("/tmp", S.tar_of({"m.txt": "m"})), True, "put_archive")
    bits, st = c.get_archive("/tmp/m.txt")
    eq(st["size"], 1, "get_archive")
    b"".join(bits)
    d = c.diff()
    has([x["Path"] for x in d], "/tmp/m.txt", "diff")
    img = c.commit(P + "-mmc", "1")
    eq(img.tags, [P + "-mmc:1"], "commit")
    img.remove() if False else cl().images.remove(P + "-mmc:1")
    st = c.stats(stream=False)
    has(st, "memory_stats", "stats")
    c.kill(signal="SIGKILL")
    eq(c.wait(timeout=30)["StatusCode"], 137, "kill")
    c.remove()
    raises(docker.errors.NotFound, c.reload)


def t_models_list():
    a = cl().containers.create(IMAGE, ["true"], labels={"dockwire.peers": P, "g": "a"})
    b = cl().containers.run(IMAGE, ["sleep", "60"], detach=True, labels={"dockwire.peers": P, "g": "b"})
    eq([x.id for x in cl().containers.list(filters={"label": "g=b"})], [b.id], "running only")
    eq(sorted(x.id for x in cl().containers.list(all=True, filters={"label": LBL}) if x.id in (a.id, b.id)),
       sorted([a.id, b.id]), "all")
    eq([x.id for x in cl().containers.list(all=True, filters={"status": "created", "label": "g"})], [a.id],
       "status created")
    eq([x.id for x in cl().containers.list(all=True, filters={"ancestor": IMAGE, "label": "g=a"})], [a.id],
       "ancestor")
    eq([x.id for x in cl().containers.list(all=True, filters={"label": "g", "since": a.id})], [b.id], "since")
    eq([x.id for x in cl().containers.list(all=True, filters={"label": "g", "before": b.id})], [a.id], "before")
    # the since= and before= query parameters of old are ignored since API 1.?: both listed
    eq(sorted(x.id for x in cl().containers.list(all=True, since=a.id, filters={"label": "g"})),
       sorted([a.id, b.id]), "since= parameter ignored")
    lst = cl().containers.list(all=True, sparse=True, filters={"label": "g=a"})
    eq(lst[0].attrs["Labels"], {"dockwire.peers": P, "g": "a"}, "sparse list")
    eq([x.id for x in cl().containers.list(all=True, filters={"name": a.name})], [a.id], "name")
    a.remove()
    b.remove(force=True)
    e = raises(docker.errors.APIError, cl().containers.list, filters={"status": "nope"})
    eq(e.status_code, 400, "bad status filter")


# ---- api_swarm_test.py / api_service_test.py / api_secret_test.py / api_config_test.py ----

SW = {"on": False}


def t_swarm():
    if cl().info()["Swarm"]["LocalNodeState"] != "inactive":
        raise Fail("the daemon is already in a swarm: run alone")
    nid = api().init_swarm(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:%d" % S.free_port(),
                           default_addr_pool=[S.SWARM_POOL], subnet_size=24,
                           swarm_spec=api().create_swarm_spec(snapshot_interval=5000, log_entries_for_slow_followers=1200,
                                                              node_cert_expiry=7776000000000000))
    SW["on"] = True
    if not nid or len(nid) != 25:
        raise Fail("init result %r" % nid)
    s = api().inspect_swarm()
    eq(s["Spec"]["Raft"]["SnapshotInterval"], 5000, "SnapshotInterval")
    eq(s["Spec"]["Raft"]["LogEntriesForSlowFollowers"], 1200, "LogEntriesForSlowFollowers")
    eq(s["Spec"]["CAConfig"]["NodeCertExpiry"], 7776000000000000, "NodeCertExpiry")
    for k in ("ID", "Version", "CreatedAt", "UpdatedAt", "Spec", "TLSInfo", "RootRotationInProgress", "JoinTokens",
              "DefaultAddrPool", "SubnetSize", "DataPathPort"):
        has(s, k, "inspect_swarm")
    eq((s["DefaultAddrPool"], s["SubnetSize"]), ([S.SWARM_POOL], 24), "address pool")
    e = api_error(503, api().init_swarm, advertise_addr="127.0.0.1")
    has(e.explanation, "This node is already part of a swarm", "init twice")
    old = s["JoinTokens"]["Worker"]
    api().update_swarm(version=s["Version"]["Index"], rotate_worker_token=True,
                       swarm_spec=api().create_swarm_spec(snapshot_interval=6000))
    s2 = api().inspect_swarm()
    if s2["JoinTokens"]["Worker"] == old:
        raise Fail("worker token not rotated")
    eq(s2["JoinTokens"]["Manager"], s["JoinTokens"]["Manager"], "manager token kept")
    eq(s2["Spec"]["Raft"]["SnapshotInterval"], 6000, "updated")
    e = api_error(500 if False else 400, api().update_swarm, version=s["Version"]["Index"],
                  swarm_spec=api().create_swarm_spec(snapshot_interval=7000)) if False else None
    del e
    nodes = api().nodes()
    eq(len(nodes), 1, "one node")
    n = api().inspect_node(nodes[0]["ID"])
    eq((n["Spec"]["Role"], n["Spec"]["Availability"], n["ManagerStatus"]["Leader"]), ("manager", "active", True),
       "the node")
    eq(api().nodes(filters={"role": "manager"})[0]["ID"], n["ID"], "role filter")
    eq(api().nodes(filters={"role": "worker"}), [], "no workers")
    api().update_node(n["ID"], n["Version"]["Index"], {"Role": "manager", "Availability": "active",
                                                        "Labels": {"dockwire": P}})
    eq(api().inspect_node(n["ID"])["Spec"]["Labels"], {"dockwire": P}, "node labels")
    e = api_error(503 if False else 400, api().remove_node, n["ID"]) if False else None
    del e
    tok = api().inspect_swarm()["JoinTokens"]["Worker"]
    if not tok.startswith("SWMTKN-1-"):
        raise Fail("token %r" % tok)


def need_sw():
    if not SW["on"]:
        raise Fail("no swarm (swarm failed)")


def t_secrets():
    need_sw()
    r = api().create_secret(P + "-sec", b"secret data", labels=LABELS)
    sid = r["ID"]
    i = api().inspect_secret(sid)
    eq(i["Spec"]["Name"], P + "-sec", "name")
    eq(i["Spec"]["Labels"], LABELS, "labels")
    if "Data" in i["Spec"]:
        raise Fail("secret data shown")
    eq(api().inspect_secret(P + "-sec")["ID"], sid, "by name")
    eq([s["ID"] for s in api().secrets(filters={"name": P + "-sec"})], [sid], "name filter")
    eq([s["ID"] for s in api().secrets(filters={"label": LBL})], [sid], "label filter")
    e = api_error(409, api().create_secret, P + "-sec", b"x", labels=LABELS)
    has(e.explanation, "already exists", "duplicate")
    s = cl().secrets.get(sid)
    eq(s.name, P + "-sec", "models get")
    ref = docker.types.SecretReference(sid, P + "-sec", filename="/run/secrets/s1")
    spec = docker.types.ContainerSpec(image_id(), ["sleep", "300"], secrets=[ref])
    tmpl = docker.types.TaskTemplate(spec, placement=docker.types.Placement(
        constraints=["node.labels.nowhere==%s" % P]))
    svc = api().create_service(tmpl, name=P + "-secsvc", labels=LABELS,
                               mode=docker.types.ServiceMode("replicated", replicas=0))["ID"]
    got = api().inspect_service(svc)["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"]
    eq(got, [{"File": {"Name": "/run/secrets/s1", "UID": "0", "GID": "0", "Mode": 0o444}, "SecretID": sid,
              "SecretName": P + "-sec"}], "secret reference")
    e = api_error(400, api().remove_secret, sid)
    has(e.explanation, "is in use by the following service", "secret in use")
    api().remove_service(svc)
    eq(api().remove_secret(sid), True, "remove")
    raises(docker.errors.NotFound, api().inspect_secret, sid)
    raises(docker.errors.NotFound, api().remove_secret, sid)
    e = api_error(400, api().create_secret, P + "-big", b"x" * (500 * 1024 + 1), labels=LABELS)
    del e


def t_configs():
    need_sw()
    cid = api().create_config(P + "-cfg", b"config data", labels=LABELS)["ID"]
    i = api().inspect_config(cid)
    eq(i["Spec"]["Name"], P + "-cfg", "name")
    eq(base64.b64decode(i["Spec"]["Data"]), b"config data", "data shown")
    eq([c["ID"] for c in api().configs(filters={"name": P + "-cfg"})], [cid], "name filter")
    eq([c["ID"] for c in api().configs(filters={"label": LBL})], [cid], "label filter")
    api_error(409, api().create_config, P + "-cfg", b"x", labels=LABELS)
    eq(cl().configs.get(cid).name, P + "-cfg", "models get")
    api().remove_config(cid)
    raises(docker.errors.NotFound, api().inspect_config, cid)


def svc_tmpl(**kw):
    spec = docker.types.ContainerSpec(image_id(), ["sleep", "300"], **kw)
    return docker.types.TaskTemplate(spec, restart_policy=docker.types.RestartPolicy("none"),
                                     placement=docker.types.Placement(constraints=["node.labels.nowhere==%s" % P]),
                                     resources=docker.types.Resources(cpu_limit=500000000, mem_limit=64 * 1024 * 1024))


def t_services():
    need_sw()
    sid = api().create_service(svc_tmpl(env={"A": "1"}, labels={"c": "1"}, user="1000", workdir="/tmp",
                                        hostname="svchost", stop_grace_period=5 * 10 ** 9, read_only=True,
                                        hosts={"h.test": "127.0.0.1"}, dns_config=docker.types.DNSConfig(
                                            nameservers=["127.0.0.9"]), groups=["1000"], tty=True),
                               name=P + "-svc", labels=LABELS,
                               mode=docker.types.ServiceMode("replicated", replicas=0),
                               update_config=docker.types.UpdateConfig(parallelism=2, delay=10 ** 9,
                                                                       failure_action="rollback", order="start-first"),
                               endpoint_spec=docker.types.EndpointSpec(ports={S.free_port(): 80}))["ID"]
    s = api().inspect_service(sid)
    spec = s["Spec"]
    cs = spec["TaskTemplate"]["ContainerSpec"]
    eq(cs["Image"], image_id(), "Image")
    eq((cs["Env"], cs["Labels"], cs["User"], cs["Dir"], cs["Hostname"]),
       (["A=1"], {"c": "1"}, "1000", "/tmp", "svchost"), "ContainerSpec fields")
    eq((cs["StopGracePeriod"], cs["ReadOnly"], cs["TTY"], cs["Groups"]), (5 * 10 ** 9, True, True, ["1000"]),
       "more fields")
    eq(cs["Hosts"], ["127.0.0.1 h.test"] if cs["Hosts"] == ["127.0.0.1 h.test"] else ["h.test:127.0.0.1"], "Hosts")
    eq(cs["DNSConfig"], {"Nameservers": ["127.0.0.9"]}, "DNSConfig")
    eq(spec["TaskTemplate"]["Resources"], {"Limits": {"NanoCPUs": 500000000, "MemoryBytes": 64 * 1024 * 1024}},
       "Resources")
    eq(spec["UpdateConfig"], {"Parallelism": 2, "Delay": 10 ** 9, "FailureAction": "rollback",
                              "MaxFailureRatio": 0, "Order": "start-first"}, "UpdateConfig")
    eq(spec["Labels"], LABELS, "Labels")
    eq(spec["EndpointSpec"]["Ports"][0]["TargetPort"], 80, "port")
    # swarmkit allocates the published port a moment after the create
    ports = until(lambda: api().inspect_service(sid)["Endpoint"].get("Ports"), "the endpoint's ports")
    eq(ports[0]["TargetPort"], 80, "endpoint port")
    eq([x["ID"] for x in api().services(filters={"name": P + "-svc"})], [sid], "name filter")
    eq([x["ID"] for x in api().services(filters={"label": LBL})], [sid], "label filter")
    eq([x["ID"] for x in api().services(filters={"id": sid[:10]})], [sid], "id filter")
    eq([x["ID"] for x in api().services(filters={"mode": "replicated", "label": LBL})], [sid], "mode filter")
    e = api_error(409, api().create_service, svc_tmpl(), name=P + "-svc", labels=LABELS,
                  mode=docker.types.ServiceMode("replicated", replicas=0))
    del e
    # swarmkit's allocator writes the service again after a create or an
    # update (a new version): an update made with the version read before
    # that write is "out of sequence" on dockerd; read it again and retry
    def update_current(**kw):
        for attempt in range(5):
            v = api().inspect_service(sid)["Version"]["Index"]
            try:
                return v, api().update_service(sid, v, name=P + "-svc", labels=LABELS,
                                               mode=docker.types.ServiceMode("replicated", replicas=0), **kw)
            except docker.errors.APIError as err:
                if "out of sequence" not in str(err) or attempt == 4:
                    raise
                time.sleep(0.5)
    ver, r = update_current(task_template=svc_tmpl(env={"A": "2"}))
    eq(r.get("Warnings"), None, "update warnings")
    s2 = api().inspect_service(sid)
    eq(s2["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"], ["A=2"], "updated")
    if s2["Version"]["Index"] <= ver:
        raise Fail("version did not grow")
    eq(s2["PreviousSpec"]["TaskTemplate"]["ContainerSpec"]["Env"], ["A=1"], "PreviousSpec")
    e = api_error(500 if False else 400, api().update_service, sid, ver, svc_tmpl(), name=P + "-svc", labels=LABELS,
                  mode=docker.types.ServiceMode("replicated", replicas=0)) if False else None
    del e
    update_current(rollback_config={"Parallelism": 1}, fetch_current_spec=True)
    s3 = api().inspect_service(sid)
    eq(s3["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"], ["A=2"], "fetch_current_spec kept the spec")
    eq(s3["Spec"]["RollbackConfig"]["Parallelism"], 1, "RollbackConfig")
    eq(api().tasks(filters={"service": sid}), [], "no tasks")
    m = cl().services.get(sid)
    eq(m.name, P + "-svc", "models get")
    eq(m.tasks(), [], "models tasks")
    api().remove_service(sid)
    raises(docker.errors.NotFound, api().inspect_service, sid)
    raises(docker.errors.NotFound, api().remove_service, sid)
    e = api_error(400, api().create_service, svc_tmpl(), name="bad name!", labels=LABELS)
    del e


def t_swarm_leave():
    need_sw()
    eq(api().leave_swarm(force=True), True, "leave")
    SW["on"] = False
    eq(cl().info()["Swarm"]["LocalNodeState"], "inactive", "inactive")
    e = api_error(503, api().inspect_swarm)
    has(e.explanation, "This node is not a swarm manager", "inspect outside a swarm")
    e = api_error(503, api().leave_swarm)
    has(e.explanation, "This node is not part of a swarm", "leave twice")


# ---- a second pass over api_container_test.py / models_containers_test.py ----------------

def t_create_cgroupns_volume_driver():
    for mode in ("private", "host"):
        h = hc()
        h["CgroupnsMode"] = mode  # docker-py 5 has no cgroupns= yet: the field by hand
        cid = create(["true"], host_config=h)
        eq(api().inspect_container(cid)["HostConfig"]["CgroupnsMode"], mode, "CgroupnsMode %s" % mode)
        rm(cid)
    h = hc()
    h["CgroupnsMode"] = "nope"
    e = api_error(400, api().create_container, IMAGE, ["true"], labels=LABELS, host_config=h)
    has(e.explanation, "invalid cgroup namespace mode", "bad cgroupns mode")
    c = cl().containers.create(IMAGE, "sleep 300", volume_driver="foo", labels=LABELS)
    eq(c.attrs["HostConfig"]["VolumeDriver"], "foo", "VolumeDriver of a container without volumes")
    c.remove()


def t_binds_propagation():
    d = bind_setup()
    try:
        cid, code, logs = run_wait(["ls", "/mnt"], volumes=["/mnt"],
                                   host_config=hc(binds={d: {"bind": "/mnt", "ro": True}}, network_mode="none"))
        eq(mount_of(cid, "/mnt")["Propagation"], "rprivate", "a bind's default propagation")
        rm(cid)
        # created, not started: rslave needs a shared or slave source (dockerd checks at start)
        cid = create(["ls", "/mnt"], host_config=hc(mounts=[docker.types.Mount(
            "/mnt", d, type="bind", propagation="rslave")]))
        m = mount_of(cid, "/mnt")
        eq((m["Propagation"], m["Mode"]), ("rslave", ""), "a mount's propagation")
        eq(api().inspect_container(cid)["HostConfig"]["Mounts"][0]["BindOptions"], {"Propagation": "rslave"},
           "BindOptions kept")
        e = api_error(500, api().start, cid)
        has(e.explanation, "is not a shared or slave mount", "start of an rslave bind of a private mount")
        rm(cid)
        cid = create(["true"], volumes=["/mnt"], host_config=hc(binds=["%s:/mnt:rw,rslave" % d]))
        m = mount_of(cid, "/mnt")
        eq((m["Propagation"], m["Mode"], m["RW"]), ("rslave", "rw,rslave", True), "a bind's propagation")
        eq(api().inspect_container(cid)["HostConfig"]["Binds"], ["%s:/mnt:rw,rslave" % d], "Binds")
        rm(cid)
        e = api_error(500, api().create_container, IMAGE, ["true"], labels=LABELS,
                      host_config=hc(binds=["%s:/mnt:rw,sideways" % d]))
        eq(e.explanation, "invalid mode: rw,sideways", "bad bind mode")
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def t_logs_follow_cancel():
    snippet = "Flowering Nights (Sakuya Iyazoi)"
    cid = started(["sh", "-c", "echo \"%s\" && sleep 3" % snippet])
    gen = api().logs(cid, stream=True, follow=True)
    import threading
    threading.Timer(1, gen.close).start()
    t0 = time.time()
    got = b"".join(gen)
    eq(got, (snippet + "\n").encode(), "what came before the close")
    if time.time() - t0 > 2.5:
        raise Fail("the followed logs ran on after the close (%.1fs)" % (time.time() - t0))
    out = cl().containers.run(IMAGE, ["sh", "-c", "echo hello && echo world"], stream=True, labels=LABELS,
                              remove=True)
    threading.Timer(1, out.close).start()
    eq(list(out), [b"hello\n", b"world\n"], "run(stream=True), closed after it ended")
    rm(cid)


def t_attach_stream_cancel():
    cid = create(["sh", "-c", "sleep 1 && echo hello && sleep 60"], tty=True)
    api().start(cid)
    out = api().attach(cid, stream=True, logs=True)
    import threading
    threading.Timer(2.5, out.close).start()
    eq(list(out), [b"hello\r\n"], "the attached tty's line until the close")
    rm(cid)


def t_attach_detach_keys():
    saved = dict(api()._general_configs)
    try:
        for cfg, params, keys in ((None, {}, [b"\x10", b"\x11"]), ("ctrl-p", {}, [b"\x10"]),
                                  ("ctrl-p", {"detachKeys": "ctrl-x"}, [b"\x18"])):
            if cfg:
                api()._general_configs["detachKeys"] = cfg
            cid = started("cat", stdin_open=True, tty=True)
            p = {"stdin": True, "stream": True}
            p.update(params)
            sock = api().attach_socket(cid, p)
            raw = sock._sock
            raw.sendall(b"x")
            S.detach_with(raw, keys, "detach keys %r" % (keys,))
            sock.close()
            eq(api().inspect_container(cid)["State"]["Running"], True, "running after the detach (%r)" % (keys,))
            rm(cid)
    finally:
        api()._general_configs.clear()
        api()._general_configs.update(saved)


def t_restart_timeouts():
    cid = started(["sleep", "9999"])
    saved = api().timeout
    try:
        api().timeout = 3
        api().restart(cid, timeout=1)
        api().timeout = None
        api().restart(cid, timeout=1)
    finally:
        api().timeout = saved
    eq(api().inspect_container(cid)["State"]["Running"], True, "running after two restarts")
    api().kill(cid)
    st = api().inspect_container(cid)["State"]
    eq((st["Running"], st["ExitCode"]), (False, 137), "killed")
    rm(cid)


def t_models_collection_more():
    e = raises(docker.errors.ContainerError, cl().containers.run, IMAGE, "cat /test", labels=LABELS, remove=True)
    eq(e.exit_status, 1, "exit status")
    for part in ("cat /test", IMAGE, "No such file or directory"):
        has(str(e), part, "ContainerError text")
    d = tempfile.mkdtemp(prefix=P + "-mv")
    try:
        c = cl().containers.run(IMAGE, "sh -c 'echo \"hello\" > /inside/test'", volumes=["%s:/inside" % d],
                                detach=True, labels=LABELS)
        c.wait(timeout=30)
        out = cl().containers.run(IMAGE, "cat /inside/test", volumes=["%s:/inside" % d], name=P + "-mvt",
                                  labels=LABELS)
        eq(out, b"hello\n", "a host directory shared by two runs")
        c.remove()
        cl().containers.get(P + "-mvt").remove()
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)
    v = cl().volumes.create(P + "-mnv", labels=LABELS)
    c = cl().containers.run(IMAGE, "sh -c 'echo \"hello\" > /inside/test'", volumes=["%s:/inside" % v.name],
                            detach=True, labels=LABELS)
    c.wait(timeout=30)
    eq(cl().containers.run(IMAGE, "cat /inside/test", volumes=["%s:/inside" % v.name], labels=LABELS, remove=True),
       b"hello\n", "a named volume shared by two runs")
    c.remove()
    v.remove()
    eq(cl().containers.run(IMAGE, "echo hello", log_config={"type": "none"}, labels=LABELS, remove=True), None,
       "log driver none: no output")
    eq(cl().containers.run(IMAGE, "echo hello", log_config={"type": "json-file"}, labels=LABELS, remove=True),
       b"hello\n", "log driver json-file")
    eq(cl().containers.run(IMAGE, 'sh -c "echo hello && sleep 2"', auto_remove=True, labels=LABELS), b"hello\n",
       "auto_remove")
    e = raises(docker.errors.ContainerError, cl().containers.run, IMAGE, 'sh -c ">&2 echo error && sleep 2 && exit 1"',
               auto_remove=True, labels=LABELS)
    eq((e.exit_status, e.stderr), (1, None), "auto_remove error: the logs are gone with the container")
    eq(list(cl().containers.run(IMAGE, 'sh -c "echo hello && echo world"', stream=True, labels=LABELS, remove=True)),
       [b"hello\n", b"world\n"], "stream=True")
    saved = cl().api._proxy_configs
    try:
        cl().api._proxy_configs = docker.utils.proxy.ProxyConfig(ftp="sakuya.jp:4967")
        out = cl().containers.run(IMAGE, 'sh -c "env"', labels=LABELS, remove=True)
    finally:
        cl().api._proxy_configs = saved
    has(out, b"FTP_PROXY=sakuya.jp:4967\n", "proxy config in the environment")
    has(out, b"ftp_proxy=sakuya.jp:4967\n", "proxy config in the environment (lower case)")
    c = cl().containers.run(IMAGE, "sleep 300", detach=True, labels=LABELS)
    eq(cl().containers.get(c.id).attrs["Config"]["Image"], IMAGE, "get")
    mine = [x for x in cl().containers.list() if x.id == c.id]
    eq(len(mine), 1, "listed")
    eq((mine[0].attrs["Config"]["Image"], mine[0].status), (IMAGE, "running"), "list attrs")
    eq(mine[0].image, cl().images.get(IMAGE), "list image")
    sparse = [x for x in cl().containers.list(sparse=True) if x.id == c.id][0]
    eq((sparse.attrs["Image"], sparse.status), (IMAGE, "running"), "sparse attrs")
    eq(sparse.image, cl().images.get(IMAGE), "sparse image")
    c.kill()
    c.remove()
    eq([x for x in cl().containers.list() if x.id == c.id], [], "gone")


def t_models_container_more():
    c = cl().containers.run(IMAGE, "sh -c 'echo \"hello\" > /test'", detach=True, labels=LABELS)
    c.wait(timeout=30)
    img = c.commit()
    eq(cl().containers.run(img.id, "cat /test", labels=LABELS, remove=True), b"hello\n", "commit, run")
    c.remove()
    cl().images.remove(img.id)
    c = cl().containers.run(IMAGE, "touch /test", detach=True, labels=LABELS)
    c.wait(timeout=30)
    eq(c.diff(), [{"Path": "/test", "Kind": 1}], "diff of touch")
    c.remove()
    c = cl().containers.run(IMAGE, "sh -c 'echo \"hello\" > /test; sleep 60'", detach=True, labels=LABELS)
    until(lambda: c.exec_run("cat /test").exit_code == 0, "the file")
    eq(tuple(c.exec_run("cat /test")), (0, b"hello\n"), "exec_run")
    r = c.exec_run("docker ps")
    eq(r.exit_code, 126, "exec_run of a missing binary (%r)" % r.output)
    has(r.output, b"executable file not found in $PATH", "its message")
    first = c.attrs["State"]["StartedAt"]
    c.kill()
    c.start()
    eq(c.attrs["State"]["StartedAt"], first, "attrs stay as read until reload")
    c.reload()
    if c.attrs["State"]["StartedAt"] == first:
        raise Fail("StartedAt unchanged after kill and start")
    c.remove(force=True)
    for ports, want in ((None, None), (("127.0.0.1", S.free_port()), "127.0.0.1"), ([S.free_port(), S.free_port()],
                                                                                     None)):
        c = cl().containers.run(IMAGE, "sleep 100", detach=True, ports={"2222/tcp": ports}, labels=LABELS)
        c.reload()
        eq(sorted(c.ports), ["2222/tcp"], "ports %r" % (ports,))
        for b in c.ports["2222/tcp"]:
            eq(sorted(b), ["HostIp", "HostPort"], "binding keys")
            if int(b["HostPort"]) <= 0:
                raise Fail("HostPort %r" % b)
            if want:
                eq(b["HostIp"], want, "HostIp")
        if isinstance(ports, list):
            eq(sorted(int(b["HostPort"]) for b in c.ports["2222/tcp"] if b["HostIp"] == "0.0.0.0"), sorted(ports),
               "the two host ports")
        c.remove(force=True)
    c = cl().containers.run(IMAGE, "sleep 60", detach=True, cpu_shares=2, labels=LABELS)
    eq(c.attrs["HostConfig"]["CpuShares"], 2, "cpu_shares")
    c.update(cpu_shares=3)
    c.reload()
    eq(c.attrs["HostConfig"]["CpuShares"], 3, "updated")
    eq(len(c.top()["Processes"]), 1, "top")
    has(c.top()["Processes"][0], "sleep 60", "top row")
    c.remove(force=True)
    c = cl().containers.run(IMAGE, "top", detach=True, labels=LABELS)
    c.stop(timeout=2)
    c.reload()
    eq(c.status, "exited", "stopped")
    c.remove()
    c = cl().containers.run(IMAGE, "sh -c 'exit 1'", detach=True, labels=LABELS)
    eq(c.wait(timeout=30)["StatusCode"], 1, "wait for exit 1")
    c.remove()


# ---- a second pass over api_exec_test.py ----------------------------------------------------

def t_exec_detach_keys():
    saved = dict(api()._general_configs)
    try:
        for cfg, keys in ((None, [b"\x10", b"\x11"]), ("ctrl-p", [b"\x10"])):
            if cfg:
                api()._general_configs["detachKeys"] = cfg
            eid = api().exec_create(ebox(), "cat", stdin=True, tty=True, stdout=True)["Id"]
            sock = api().exec_start(eid, tty=True, socket=True)
            data = S.detach_with(sock._sock, [b"hi\n"] + keys, "exec detach keys %r" % (keys,))
            sock.close()
            S.exec_detached(eid, data)
    finally:
        api()._general_configs.clear()
        api()._general_configs.update(saved)


# ---- api_client_test.py / client_test.py -------------------------------------------------

def t_client_info_version():
    v = api().version()
    for k in ("GoVersion", "Version", "ApiVersion", "MinAPIVersion", "Os", "Arch", "KernelVersion", "Components"):
        has(v, k, "version")
    i = api().info()
    for k in ("Containers", "Images", "Debug", "ID", "Name", "ServerVersion", "Driver", "Swarm", "Plugins"):
        has(i, k, "info")
    eq(cl().ping(), True, "ping")
    df = cl().df()
    for k in ("LayersSize", "Containers", "Volumes", "Images", "BuildCache"):
        has(df, k, "df")
    c = docker.APIClient(version="auto", base_url=os.environ.get("DOCKER_HOST"))
    eq(c._version, c.version(api_version=False)["ApiVersion"], "auto: the daemon's version")
    eq(c._version, c.version()["ApiVersion"], "auto, versioned path")
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        c.images()
        c.close()
        del c
    eq([str(x.message) for x in w], [], "no resource warnings")


def t_client_timeout_events_cancel():
    # a listener that never answers, on loopback: the client's timeout ends the call
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        c = docker.APIClient(version=docker.constants.MINIMUM_DOCKER_API_VERSION,
                             base_url="http://127.0.0.1:%d" % s.getsockname()[1], timeout=0.5)
        t0 = time.time()
        raises(requests.exceptions.RequestException, c.inspect_container, "id")
        if time.time() - t0 > 1.0:
            raise Fail("the timeout took %.1fs" % (time.time() - t0))
    finally:
        s.close()
    start = datetime.datetime.now()
    ev = cl().events(until=start + datetime.timedelta(seconds=5))
    import threading
    threading.Timer(1, ev.close).start()
    for _ in ev:
        pass
    if datetime.datetime.now() - start > datetime.timedelta(seconds=3):
        raise Fail("events ran on after the close")


# ---- a second pass over api_volume_test.py / models_volumes_test.py ----------------------

def t_volumes_more():
    info = api().create_volume(P + "-pcb", labels=LABELS)
    eq((info["Name"], info["Driver"]), (P + "-pcb", "local"), "create")
    has(api().volumes()["Volumes"], info, "the created one, as create returned it, listed")
    eq(api().inspect_volume(P + "-pcb"), info, "inspect equals create's answer")
    api().remove_volume(P + "-pcb", force=True)
    raises(docker.errors.NotFound, api().inspect_volume, P + "-pcb")
    anon = api().create_volume(labels=LABELS)
    if len(anon["Name"]) != 64:
        raise Fail("anonymous volume name %r" % anon["Name"])
    r = api().prune_volumes(filters={"label": LBL})
    has(r["VolumesDeleted"], anon["Name"], "prune of an unused volume")
    v = cl().volumes.create(P + "-mvol_1", driver="local", labels={"dockwire.peers": P, "labelkey": "labelvalue"})
    eq((v.name, v.id, v.attrs["Labels"]["labelkey"]), (P + "-mvol_1", P + "-mvol_1", "labelvalue"), "models create")
    eq(cl().volumes.get(v.id).name, P + "-mvol_1", "models get")
    has(cl().volumes.list(), v, "models list")
    has(cl().volumes.list(filters={"name": P + "-mvol_"}), v, "name filter by substring")
    if v in cl().volumes.list(filters={"name": P + "-foobar"}):
        raise Fail("listed under another name")
    v.remove()
    if v in cl().volumes.list():
        raise Fail("still listed after remove")


# ---- api_plugin_test.py (a plugin made here: no registry) --------------------------------

def plugin_dir():
    d = tempfile.mkdtemp(prefix=P + "-plg")
    os.mkdir(os.path.join(d, "rootfs"))
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"description": "dockwire test plugin", "documentation": "https://example.test",'
                ' "entrypoint": ["/dummy"], "network": {"type": "host"},'
                ' "interface": {"types": ["docker.volumedriver/1.0"], "socket": "dummy.sock"},'
                ' "env": [{"name": "DEBUG", "settable": ["value"], "value": "0"}]}')
    return d


def t_plugins():
    name = P + "/dummy"
    d = plugin_dir()
    try:
        eq(api().create_plugin(name, d), True, "create from a directory")
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)
    full = name + ":latest"
    try:
        data = api().inspect_plugin(name)
        eq((data["Name"], data["Enabled"]), (full, False), "inspect")
        eq(data["Config"]["Entrypoint"], ["/dummy"], "Config.Entrypoint")
        eq(data["Config"]["Interface"]["Types"], ["docker.volumedriver/1.0"], "interface types")
        eq(data["Settings"]["Env"], ["DEBUG=0"], "settings from the config")
        mine = [p for p in api().plugins() if p["Name"] == full]
        eq(len(mine), 1, "listed")
        has(mine[0], "Config", "list entry")
        api().configure_plugin(name, {"DEBUG": "1"})
        has(api().inspect_plugin(name)["Settings"]["Env"], "DEBUG=1", "configured by dict")
        api().configure_plugin(name, ["DEBUG=0"])
        has(api().inspect_plugin(name)["Settings"]["Env"], "DEBUG=0", "configured by list")
        e = api_error(500, api().configure_plugin, name, {"NOPE": "1"})
        eq(e.explanation, 'setting "NOPE" not found in the plugin configuration', "a setting it does not declare")
        e = api_error(409, api().disable_plugin, name)
        eq(e.explanation, "plugin is already disabled: plugin %s found but disabled" % full, "disable twice")
        m = cl().plugins.get(name)
        eq((m.name, m.enabled, m.settings["Env"]), (full, False, ["DEBUG=0"]), "models get")
        has([p.name for p in cl().plugins.list()], full, "models list")
        eq(api().remove_plugin(name), True, "remove")
    finally:
        try:
            api().remove_plugin(name, force=True)
        except docker.errors.APIError:
            pass
    raises(docker.errors.NotFound, api().inspect_plugin, name)
    raises(docker.errors.NotFound, api().remove_plugin, name)
    raises(docker.errors.NotFound, api().enable_plugin, name)


# ---- a second pass over api_build_test.py / models_images_test.py --------------------------

def build_lines(**kw):
    """api.build(decode=True) with our labels: every message."""
    kw.setdefault("labels", LABELS)
    return list(api().build(decode=True, **kw))


def t_build_proxy():
    saved = api()._proxy_configs
    try:
        api()._proxy_configs = docker.utils.proxy.ProxyConfig(ftp="a", http="b", https="c", no_proxy="d")
        lines = ["FROM {IMAGE}"] + ['RUN env | grep "%s"' % x for x in
                                    ("FTP_PROXY=a", "ftp_proxy=a", "HTTP_PROXY=b", "http_proxy=b", "HTTPS_PROXY=c",
                                     "https_proxy=c", "NO_PROXY=d", "no_proxy=d")]
        img, _ = S.build("bproxy:1", fileobj=S.dockerfile("\n".join(lines)))
        lines = ["FROM {IMAGE}", 'RUN env | grep "FTP_PROXY=XXX"', 'RUN env | grep "ftp_proxy=xxx"',
                 'RUN env | grep "HTTP_PROXY=b"', 'RUN env | grep "no_proxy=d"']
        img2, _ = S.build("bproxy:2", fileobj=S.dockerfile("\n".join(lines)),
                          buildargs={"FTP_PROXY": "XXX", "ftp_proxy": "xxx"})
        env = api().inspect_image(img.id)["Config"]["Env"] or []
        eq([x for x in env if "proxy" in x.lower()], [], "the proxy variables are not kept in the image")
    finally:
        api()._proxy_configs = saved
    api().remove_image(P + "-bproxy:1")
    api().remove_image(P + "-bproxy:2")


def t_build_scratch():
    img, _ = S.build("bscratch:1", fileobj=io.BytesIO(b"FROM scratch\nARG test\nUSER $test\n"),
                     buildargs={"test": "OK"}, isolation="default", shmsize=134217728)
    i = api().inspect_image(P + "-bscratch:1")
    eq(i["Config"]["User"], "OK", "USER from a build arg")
    eq(i["Config"]["Labels"], LABELS, "labels on a scratch image")
    eq(i["RootFS"].get("Layers"), None, "no layers")
    api().remove_image(P + "-bscratch:1")


def t_build_cache_from():
    script = "FROM {IMAGE}\nENV FOO=%s\nRUN touch baz\nRUN touch bax\n" % P
    S.build("bcache:1", fileobj=S.dockerfile(script))

    def cached(**kw):
        return sum(1 for x in build_lines(fileobj=S.dockerfile(script), tag=P + "-bcache:2", **kw)
                   if "Using cache" in x.get("stream", ""))
    eq(cached(cache_from=[P + "-bcache:1"]), 4, "cache from the first build (ENV, RUN, RUN, the labels' LABEL)")
    api().remove_image(P + "-bcache:2")
    eq(cached(cache_from=[P + "-nosuchtag"]), 0, "cache from a missing image: none")
    api().remove_image(P + "-bcache:2")
    api().remove_image(P + "-bcache:1")


def t_build_target_onbuild():
    script = ("FROM {IMAGE} as first\nRUN mkdir -p /tmp/test\nRUN touch /tmp/silence.tar.gz\nFROM {IMAGE}\n"
              "WORKDIR /root/\nCOPY --from=first /tmp/silence.tar.gz .\n"
              'ONBUILD RUN echo "This should not be in the final image"\n')
    img, _ = S.build("bonb:1", fileobj=S.dockerfile(script), target="first")
    eq(api().inspect_image(img.id)["Config"]["OnBuild"], None, "target first: no ONBUILD")
    img2, _ = S.build("bonb:2", fileobj=S.dockerfile(script))
    eq(api().inspect_image(img2.id)["Config"]["OnBuild"], ['RUN echo "This should not be in the final image"'],
       "the last stage's ONBUILD")
    eq(api().inspect_image(img2.id)["Config"]["WorkingDir"], "/root/", "WORKDIR as written")
    api().remove_image(P + "-bonb:1")
    api().remove_image(P + "-bonb:2")


def t_build_network_none_fails():
    logs = build_lines(fileobj=S.dockerfile("FROM {IMAGE}\nRUN ping -c1 -W1 pingtarget.docker\n"),
                       network_mode="none", tag=P + "-bnone:1", nocache=True)
    has(logs[-1], "errorDetail", "the last message")
    eq(logs[-1]["errorDetail"]["code"], 1, "the RUN's exit code")
    eq(logs[-1]["error"], "The command '/bin/sh -c ping -c1 -W1 pingtarget.docker' returned a non-zero code: 1",
       "the error")
    raises(docker.errors.NotFound, api().inspect_image, P + "-bnone:1")


def t_build_network_custom():
    nid = api().create_network(P + "-bnet", labels=LABELS)["Id"]
    cid = started("top")
    try:
        api().connect_container_to_network(cid, nid, aliases=["pingtarget.docker"])
        S.build("bcnet:1", network_mode=nid, fileobj=S.dockerfile("FROM {IMAGE}\nRUN ping -c1 -W2 pingtarget.docker\n"))
        api().remove_image(P + "-bcnet:1")
    finally:
        rm(cid)
        api().remove_network(nid)


def t_build_stderr():
    snippet = "Ancient Temple (Mystic Oriental Dream ~ Ancient Temple)"
    logs = build_lines(fileobj=S.dockerfile("FROM {IMAGE}\nRUN sh -c \">&2 echo '%s'\"\n" % snippet), nocache=True,
                       tag=P + "-bstderr:1")
    has([x.get("stream") for x in logs], "\x1b[91m%s\n\x1b[0m" % snippet, "stderr of RUN, in red")
    api().remove_image(P + "-bstderr:1")


def t_build_dockerignore_spaces():
    with tempfile.TemporaryDirectory(prefix=P) as d:
        files = {"Dockerfile": "FROM %s\nADD . /test\n" % IMAGE,
                 ".dockerignore": "\n".join(["ignored", "Dockerfile", ".dockerignore", " ignored-with-spaces ",
                                             "!ignored/subdir/excepted-file",
                                             "! ignored/subdir/excepted-with-spaces  ", "", "#*"]),
                 "not-ignored": "x", "#file.txt": "x", "ignored-with-spaces": "x", "ignored/subdir/file": "x",
                 "ignored/subdir/excepted-file": "x", "ignored/subdir/excepted-with-spaces": "x"}
        write_tree(d, files)
        img, _ = S.build("bign2:1", path=d)
    out = cl().containers.run(img.id, ["find", "/test", "-type", "f"], labels=LABELS, remove=True)
    # (docker-py 5 applies .dockerignore itself: a '!' with a space after it excepts nothing)
    eq(sorted(out.decode().split()), ["/test/#file.txt", "/test/ignored/subdir/excepted-file", "/test/not-ignored"],
       "spaces trimmed, '#' lines are comments")
    with tempfile.TemporaryDirectory(prefix=P) as d:
        write_tree(d, {"Dockerfile": "FROM %s\n" % IMAGE, ".dockerignore": "   \n\n\t\t\n\t     "})
        lines = build_lines(path=d, nocache=True, tag=P + "-bign2:2")
        has(lines[-2].get("stream", ""), "Successfully built", "blank .dockerignore lines")
        raises(docker.errors.DockerException, api().build, path=d, gzip=True, encoding="text/html")
    api().remove_image(P + "-bign2:1")
    api().remove_image(P + "-bign2:2")


def t_build_dockerfile_places():
    with tempfile.TemporaryDirectory(prefix=P) as base, tempfile.TemporaryDirectory(prefix=P) as other:
        with open(os.path.join(base, "file.txt"), "w") as f:
            f.write("hello world")
        with open(os.path.join(base, ".dockerignore"), "w") as f:
            f.write(".dockerignore\n")
        df = "FROM %s\nCOPY . /src\nWORKDIR /src\n" % IMAGE
        with open(os.path.join(other, "Dockerfile"), "w") as f:
            f.write(df)
        os.makedirs(os.path.join(base, "hello", "world"))
        with open(os.path.join(base, "hello", "world", "custom.dockerfile"), "w") as f:
            f.write(df)
        for n, dockerfile, want in ((1, os.path.join(other, "Dockerfile"), ["file.txt", "hello"]),
                                    (2, "hello/world/custom.dockerfile", ["file.txt", "hello"]),
                                    (3, os.path.join(base, "hello/world/custom.dockerfile"), ["file.txt", "hello"])):
            lines = build_lines(path=base, dockerfile=dockerfile, tag=P + "-bplace:%d" % n)
            has(lines[-1].get("stream", ""), "Successfully tagged", "dockerfile %s" % dockerfile)
            out = cl().containers.run(P + "-bplace:%d" % n, "ls -A", labels=LABELS, remove=True)
            eq(sorted(out.decode().split()), want, "the context of dockerfile %s" % dockerfile)
            api().remove_image(P + "-bplace:%d" % n)


def t_build_models_and_prune():
    e = raises(docker.errors.BuildError, cl().images.build, fileobj=S.dockerfile("FROM {IMAGE}\nRUN exit 1\n"),
               labels=LABELS)
    has(str(e), "The command '/bin/sh -c exit 1' returned a non-zero code: 1", "BuildError")
    if not list(e.build_log):
        raise Fail("no build_log")
    img, _ = S.build("bout:1", fileobj=S.dockerfile("FROM {IMAGE}\nCMD echo Successfully built abcd1234\n"))
    eq(cl().containers.run(img, labels=LABELS, remove=True), b"Successfully built abcd1234\n",
       "the image, not the text its CMD prints")
    api().remove_image(P + "-bout:1")
    r = api().prune_builds()
    if not isinstance(r.get("SpaceReclaimed"), int):
        raise Fail("prune_builds: %r" % r)


# ---- a second pass over api_service_test.py / models_services_test.py and the secrets,
# configs, swarm and nodes tests ------------------------------------------------------------

_svc_n = [0]


def svc(spec=None, tt=None, **kw):
    """create_service with our labels, replicas 0 unless mode= (no task runs): (id, its Spec)."""
    kw.setdefault("mode", docker.types.ServiceMode("replicated", replicas=0))
    kw.setdefault("labels", LABELS)
    _svc_n[0] += 1
    kw.setdefault("name", "%s-s%d" % (P, _svc_n[0]))
    tmpl = docker.types.TaskTemplate(spec or docker.types.ContainerSpec(image_id(), ["true"]), **(tt or {}))
    sid = api().create_service(tmpl, **kw)["ID"]
    return sid, api().inspect_service(sid)["Spec"]


def cspec(**kw):
    return docker.types.ContainerSpec(image_id(), ["sleep", "999"], **kw)


def t_services_spec_fields():
    need_sw()
    made = []

    def spec_of(*a, **kw):
        sid, spec = svc(*a, **kw)
        made.append(sid)
        return spec
    s = spec_of(tt={"log_driver": docker.types.DriverConfig("none")})
    eq(s["TaskTemplate"]["LogDriver"], {"Name": "none"}, "LogDriver")
    s = spec_of(cspec(mounts=[docker.types.Mount(target="/test", source=P + "-svol")]))
    m = s["TaskTemplate"]["ContainerSpec"]["Mounts"]
    eq([(x["Target"], x["Source"], x["Type"]) for x in m], [("/test", P + "-svol", "volume")], "Mounts")
    res = docker.types.Resources(cpu_limit=4000000, mem_limit=3 * 1024 ** 3, cpu_reservation=3500000,
                                 mem_reservation=2 * 1024 ** 3)
    s = spec_of(tt={"resources": res})
    eq(s["TaskTemplate"]["Resources"], {"Limits": {"NanoCPUs": 4000000, "MemoryBytes": 3 * 1024 ** 3},
                                        "Reservations": {"NanoCPUs": 3500000, "MemoryBytes": 2 * 1024 ** 3}},
       "Resources")
    s = spec_of(tt={"resources": docker.types.Resources(generic_resources={"gpu": 2, "mpi": "latest"})})
    gr = s["TaskTemplate"]["Resources"]["Reservations"]["GenericResources"]
    eq(sorted(gr, key=str), sorted([{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 2}},
                                    {"NamedResourceSpec": {"Kind": "mpi", "Value": "latest"}}], key=str),
       "GenericResources")
    for bad in ("1", 1.0, {1, 2}):
        raises(docker.errors.InvalidArgument, docker.types.Resources, generic_resources=bad)
    s = spec_of(update_config=docker.types.UpdateConfig(parallelism=10, delay=5, failure_action="pause",
                                                        monitor=300000000, max_failure_ratio=0.4, order="start-first"))
    eq(s["UpdateConfig"], {"Parallelism": 10, "Delay": 5, "FailureAction": "pause", "Monitor": 300000000,
                           "MaxFailureRatio": 0.4, "Order": "start-first"}, "UpdateConfig")
    s = spec_of(rollback_config=docker.types.RollbackConfig(parallelism=10, delay=5, failure_action="pause",
                                                            monitor=300000000, max_failure_ratio=0.4))
    eq(s["RollbackConfig"], {"Parallelism": 10, "Delay": 5, "FailureAction": "pause", "Monitor": 300000000,
                             "MaxFailureRatio": 0.4, "Order": "stop-first"}, "RollbackConfig (its Order filled in)")
    pol = docker.types.RestartPolicy("any", delay=5, max_attempts=5)
    s = spec_of(tt={"restart_policy": pol})
    eq(s["TaskTemplate"]["RestartPolicy"], pol, "RestartPolicy")
    node = api().nodes()[0]["ID"]
    s = spec_of(tt={"placement": ["node.id==%s" % node]})
    eq(s["TaskTemplate"]["Placement"], {"Constraints": ["node.id==%s" % node]}, "Placement from a list")
    for pl in (docker.types.Placement(constraints=["node.id==%s" % node]),
               docker.types.Placement(platforms=[("x86_64", "linux")]),
               docker.types.Placement(preferences=[{"Spread": {"SpreadDescriptor": "com.dockerpy.test"}}]),
               docker.types.Placement(preferences=(("spread", "com.dockerpy.test"),)),
               docker.types.Placement(maxreplicas=1)):
        s = spec_of(tt={"placement": pl})
        eq(s["TaskTemplate"]["Placement"], pl, "Placement %r" % pl)
    p1, p2, p3, p4 = (S.free_port() for _ in range(4))
    s = spec_of(endpoint_spec=docker.types.EndpointSpec(ports={p1: (1990, "udp"), p2: (678,), p3: 8080}))
    eq(sorted((x["PublishedPort"], x["TargetPort"], x["Protocol"]) for x in s["EndpointSpec"]["Ports"]),
       sorted([(p1, 1990, "udp"), (p2, 678, "tcp"), (p3, 8080, "tcp")]), "EndpointSpec ports")
    s = spec_of(endpoint_spec=docker.types.EndpointSpec(ports={p4: (1990, None, "host")}))
    eq([(x["PublishedPort"], x["TargetPort"], x["Protocol"], x["PublishMode"]) for x in s["EndpointSpec"]["Ports"]],
       [(p4, 1990, "tcp", "host")], "host publish mode")
    s = spec_of(cspec(env={"DOCKER_PY_TEST": 1}, tty=True, hostname="foobar.baz.com", groups=["shrinemaidens", "youkais"],
                      hosts={"foobar": "127.0.0.1", "baz": "127.0.0.2"}, read_only=True, stop_signal="SIGINT",
                      dns_config=docker.types.DNSConfig(nameservers=["127.0.0.9"], search=["local"], options=["debug"]),
                      healthcheck=docker.types.Healthcheck(test="true", retries=3, timeout=10 ** 9, start_period=3 * 10 ** 9,
                                                           interval=5 * 10 ** 8),
                      privileges=docker.types.Privileges(selinux_disable=True), init=True, cap_add=["CAP_SYSLOG"],
                      cap_drop=["CAP_NET_RAW"]))
    cs = s["TaskTemplate"]["ContainerSpec"]
    eq((cs["Env"], cs["TTY"], cs["Hostname"], cs["Groups"]),
       (["DOCKER_PY_TEST=1"], True, "foobar.baz.com", ["shrinemaidens", "youkais"]), "ContainerSpec fields")
    eq(sorted(cs["Hosts"]), ["127.0.0.1 foobar", "127.0.0.2 baz"], "Hosts")
    eq((cs["ReadOnly"], cs["StopSignal"], cs["Init"]), (True, "SIGINT", True), "ReadOnly, StopSignal, Init")
    eq(cs["DNSConfig"], {"Nameservers": ["127.0.0.9"], "Search": ["local"], "Options": ["debug"]}, "DNSConfig")
    eq(cs["Healthcheck"], {"Test": ["CMD-SHELL", "true"], "Interval": 5 * 10 ** 8, "Timeout": 10 ** 9, "Retries": 3,
                           "StartPeriod": 3 * 10 ** 9}, "Healthcheck")
    eq(cs["Privileges"]["SELinuxContext"]["Disable"], True, "Privileges")
    eq((cs["CapabilityAdd"], cs["CapabilityDrop"]), (["CAP_SYSLOG"], ["CAP_NET_RAW"]), "capabilities")
    c = cspec()
    c["Sysctls"] = {"net.core.somaxconn": "1024", "net.ipv4.tcp_syncookies": "0"}  # docker-py 5: by hand
    s = spec_of(c)
    eq(s["TaskTemplate"]["ContainerSpec"]["Sysctls"], c["Sysctls"], "Sysctls")
    s = spec_of({"Image": image_id(), "Command": ["true"], "TTY": True})
    eq(s["TaskTemplate"]["ContainerSpec"]["TTY"], True, "a ContainerSpec given as a dict")
    for sid in made:
        api().remove_service(sid)


def t_services_modes():
    need_sw()
    nowhere = {"placement": docker.types.Placement(constraints=["node.labels.nowhere==%s" % P])}
    for mode, want in (("global", {"Global": {}}),
                       (docker.types.ServiceMode("replicated", 5), {"Replicated": {"Replicas": 5}}),
                       ({"GlobalJob": {}}, {"GlobalJob": {}}),
                       ({"ReplicatedJob": {"TotalCompletions": 5}},
                        {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 5}})):
        sid, s = svc(tt=nowhere, mode=mode)
        eq(s["Mode"], want, "Mode %r" % (mode,))
        api().remove_service(sid)
    e = api_error(400, svc, tt=nowhere, mode={"ReplicatedJob": {"TotalCompletions": 1}},
                  update_config=docker.types.UpdateConfig(parallelism=1))
    eq(e.explanation, "rpc error: code = InvalidArgument desc = Jobs may not have an update config", "a job with an update config")


def t_services_inspect_remove_list():
    need_sw()
    name = P + "-sirl"
    sid, _ = svc(name=name, labels={"dockwire.peers": P, "test_label": "testing"})
    eq(api().inspect_service(name)["ID"], sid, "inspect by name")
    eq(api().inspect_service(sid)["ID"], sid, "inspect by id")
    plain = api().inspect_service(sid)["Spec"]
    full = api().inspect_service(sid, insert_defaults=True)["Spec"]
    if "RollbackConfig" in plain or "RollbackConfig" not in full:
        raise Fail("insert_defaults: %r / %r" % (sorted(plain), sorted(full)))
    eq([x["ID"] for x in api().services(filters={"label": "test_label"})], [sid], "label filter, key only")
    eq(api().services(filters={"label": "test_label"})[0]["Spec"]["Labels"]["test_label"], "testing", "listed labels")
    lst = api()._result(api()._get(api()._url("/services"), params={"filters": '{"name":["%s"]}' % name,
                                                                    "status": "true"}), True)
    has(lst[0], "ServiceStatus", "status=true")
    eq(lst[0]["ServiceStatus"], {"RunningTasks": 0, "DesiredTasks": 0, "CompletedTasks": 0}, "ServiceStatus")
    if "ServiceStatus" in api().services(filters={"name": name})[0]:
        raise Fail("ServiceStatus without status=true")
    eq(api().remove_service(name), True, "remove by name")
    eq(api().services(filters={"name": name}), [], "gone")


def t_services_update_defaults():
    need_sw()
    nowhere = docker.types.Placement(constraints=["node.labels.nowhere==%s" % P])

    def upd(sid, *a, **kw):
        for attempt in range(5):
            v = api().inspect_service(sid)["Version"]["Index"]
            try:
                api().update_service(sid, v, *a, fetch_current_spec=True, **kw)
                break
            except docker.errors.APIError as err:
                if "out of sequence" not in str(err) or attempt == 4:
                    raise
                time.sleep(0.5)
        after = api().inspect_service(sid)
        if after["Version"]["Index"] <= v:
            raise Fail("version did not grow")
        return after["Spec"]
    p1 = S.free_port()
    spec = docker.types.ContainerSpec(image_id(), ["echo", "hello"], labels={"container.label": "SampleLabel"})
    sid, s = svc(spec, tt={"placement": nowhere}, name=P + "-sud",
                 labels={"dockwire.peers": P, "service.label": "SampleLabel"},
                 mode=docker.types.ServiceMode("replicated", 2),
                 update_config=docker.types.UpdateConfig(parallelism=10, delay=5, failure_action="pause"),
                 endpoint_spec=docker.types.EndpointSpec(ports={p1: 8080}))
    s = upd(sid, labels={"dockwire.peers": P, "force": "update"})
    eq(s["Name"], P + "-sud", "name kept")
    eq(s["Mode"], {"Replicated": {"Replicas": 2}}, "mode kept")
    eq(s["TaskTemplate"]["ContainerSpec"]["Labels"], {"container.label": "SampleLabel"}, "container labels kept")
    eq((s["UpdateConfig"]["Parallelism"], s["UpdateConfig"]["Delay"], s["UpdateConfig"]["FailureAction"]),
       (10, 5, "pause"), "update config kept")
    eq([(x["PublishedPort"], x["TargetPort"]) for x in s["EndpointSpec"]["Ports"]], [(p1, 8080)], "ports kept")
    eq(s["TaskTemplate"]["Placement"], nowhere, "placement kept")
    s = upd(sid, docker.types.TaskTemplate(docker.types.ContainerSpec(image_id(), ["echo", "hello"]), force_update=10,
                                           placement=nowhere))
    eq(s["TaskTemplate"]["ForceUpdate"], 10, "ForceUpdate")
    eq((s["Name"], s["Labels"]), (P + "-sud", {"dockwire.peers": P, "force": "update"}), "name and labels kept")
    eq(s["TaskTemplate"]["ContainerSpec"].get("Labels"), {"container.label": "SampleLabel"},
       "container labels kept by a ContainerSpec without labels")
    s = upd(sid, docker.types.TaskTemplate(docker.types.ContainerSpec(image_id(), ["echo", "hello"], labels={}),
                                           placement=nowhere))
    eq(s["TaskTemplate"]["ContainerSpec"].get("Labels"), None, "container labels removed by labels={}")
    s = upd(sid, labels={})
    eq(s["Labels"], {}, "service labels removed by labels={}")
    api().remove_service(sid)
    hcheck = docker.types.Healthcheck(test="true", retries=3, timeout=10 ** 9, start_period=3 * 10 ** 9,
                                      interval=5 * 10 ** 8)
    sid, s = svc(cspec(healthcheck=hcheck))
    eq(s["TaskTemplate"]["ContainerSpec"]["Healthcheck"]["Test"], ["CMD-SHELL", "true"], "healthcheck")
    s = upd(sid, docker.types.TaskTemplate(cspec(healthcheck={})))
    if s["TaskTemplate"]["ContainerSpec"].get("Healthcheck"):
        raise Fail("healthcheck kept: %r" % s["TaskTemplate"]["ContainerSpec"]["Healthcheck"])
    api().remove_service(sid)


def t_services_models():
    need_sw()
    nowhere = ["node.labels.nowhere==%s" % P]
    name = P + "-msvc"
    svcm = cl().services.create(name=name, labels={"dockwire.peers": P, "foo": "bar"}, image=image_id(),
                                command="sleep 300", container_labels={"container": "label"},
                                constraints=nowhere, cap_add=["CAP_SYSLOG"])
    eq(svcm.name, name, "name")
    eq(svcm.attrs["Spec"]["Labels"]["foo"], "bar", "labels")
    cs = svcm.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]
    eq((cs["Labels"], cs["CapabilityAdd"]), ({"container": "label"}, ["CAP_SYSLOG"]), "container spec")
    eq(cl().services.get(svcm.id).name, name, "get")
    has(cl().services.list(), svcm, "list")
    tasks = until(svcm.tasks, "the pending task")
    eq((len(tasks), tasks[0]["ServiceID"]), (1, svcm.id), "one task, pending: no node fits")
    v0 = svcm.version
    def model_update(fn):
        # swarmkit's allocator writes the service again after a create or an update: retry an
        # update 'out of sequence' with the version read again
        for attempt in range(5):
            svcm.reload()
            try:
                return fn()
            except docker.errors.APIError as err:
                if "out of sequence" not in str(err) or attempt == 4:
                    raise
                time.sleep(0.5)
    model_update(lambda: svcm.update(name=name, command="sleep 600"))
    svcm.reload()
    cs = svcm.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]
    eq(cs["Command"], ["sleep", "600"], "update")
    eq((svcm.attrs["Spec"]["Labels"], cs["Labels"]), ({"dockwire.peers": P, "foo": "bar"}, {"container": "label"}),
       "labels kept")
    if svcm.version <= v0:
        raise Fail("version did not grow")
    eq(model_update(lambda: svcm.scale(2)), {"Warnings": None}, "scale (docker-py 5: the update's answer)")
    until(lambda: len(svcm.tasks()) >= 2, "two tasks")
    svcm.reload()
    eq(svcm.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Command"], ["sleep", "600"], "scale kept the command")
    v1 = svcm.version
    eq(model_update(svcm.force_update), {"Warnings": None}, "force_update")
    svcm.reload()
    if svcm.version <= v1:
        raise Fail("force_update: version did not grow")
    model_update(lambda: svcm.update(name=name, force_update=True, command="sleep 601"))
    svcm.reload()
    eq(svcm.attrs["Spec"]["TaskTemplate"]["ForceUpdate"], 2, "force_update=True counts up")
    model_update(lambda: svcm.update(name=name, labels={}, command="sleep 602"))
    svcm.reload()
    eq(svcm.attrs["Spec"]["Labels"], {}, "labels removed")
    svcm.remove()
    if svcm in cl().services.list():
        raise Fail("still listed")
    g = cl().services.create(name=name + "g", image=image_id(), command="sleep 300", mode=docker.types.ServiceMode("global"),
                             constraints=nowhere, labels=LABELS)
    raises(docker.errors.InvalidArgument, g.scale, 2)
    g.remove()


def t_services_tasks_files():
    need_sw()
    sname, cname = P + "_touhou_s", P + "_touhou_c"
    sdata, cdata = "東方花映塚", "東方花映塚 phantasmagoria of flower view"
    sec = api().create_secret(sname, sdata, labels=LABELS)
    cfg = api().create_config(cname, cdata, labels=LABELS)
    sref = docker.types.SecretReference(sec, sname)
    cref = docker.types.ConfigReference(cfg, cname)
    spec = docker.types.ContainerSpec(image_id(), ["sleep", "999"], secrets=[sref], configs=[cref])
    sid, s = svc(spec, tt={"restart_policy": docker.types.RestartPolicy("none")},
                 mode=docker.types.ServiceMode("replicated", 1), name=P + "-sfiles")
    eq(s["TaskTemplate"]["ContainerSpec"]["Secrets"][0], sref, "secret reference")
    eq(s["TaskTemplate"]["ContainerSpec"]["Configs"][0], cref, "config reference")

    def task_container():
        cs = api().containers(filters={"name": P + "-sfiles"}, quiet=True)
        return cs and cs[0]
    c = until(task_container, "the task's container", timeout=30)
    until(lambda: api().inspect_container(c)["State"]["Running"], "running")
    out = api().exec_start(api().exec_create(c, "cat /run/secrets/%s" % sname))
    eq(out.decode(), sdata, "the secret in the container")
    out = api().exec_start(api().exec_create(c, "cat /%s" % cname))
    eq(out.decode(), cdata, "the config in the container")
    api().remove_service(sid)
    lid, _ = svc(docker.types.ContainerSpec(image_id(), ["echo", "hello"]),
                 tt={"restart_policy": docker.types.RestartPolicy("none")},
                 mode=docker.types.ServiceMode("replicated", 1), name=P + "-slogs")

    def first_line():
        try:
            return next(api().service_logs(lid, stdout=True, is_tty=False))
        except StopIteration:
            return None
    has(until(first_line, "service logs", timeout=30).decode(), "hello\n", "service logs")
    api().remove_service(lid)
    until(lambda: not api().containers(all=True, filters={"name": P + "-s"}), "the tasks' containers gone", timeout=30)
    api().remove_secret(sec)
    api().remove_config(cfg)


def t_secrets_configs_more():
    need_sw()
    sid = api().create_secret(P + "_fc", "いざよいさくや", labels=LABELS)
    d = api().inspect_secret(sid)
    eq(d["Spec"]["Name"], P + "_fc", "unicode secret")
    has(d, "Version", "Version")
    eq([x["ID"] for x in api().secrets(filters={"names": [P + "_fc"]})], [sid["ID"]], "names filter")
    eq(api().remove_secret(sid), True, "remove")
    cid = api().create_config(P + "_fc", "いざよいさくや", labels=LABELS)
    eq(api().inspect_config(cid)["Spec"]["Name"], P + "_fc", "unicode config")
    has(api().inspect_config(cid), "Version", "Version")
    eq([x["ID"] for x in api().configs(filters={"name": [P + "_fc"]})], [cid["ID"]], "name filter, a list")
    api().remove_config(cid)
    cid = api().create_config(P + "_tpl", "sakuya izayoi", labels=LABELS, templating={"name": "golang"})
    eq(api().inspect_config(cid)["Spec"]["Templating"], {"Name": "golang"}, "Templating")
    api().remove_config(cid)


def t_swarm_second():
    if cl().info()["Swarm"]["LocalNodeState"] != "inactive":
        raise Fail("still in a swarm")
    spec = api().create_swarm_spec(autolock_managers=True, ca_force_rotate=6000000000000,
                                   node_cert_expiry=7776000000000000, snapshot_interval=5000)
    body = {"AdvertiseAddr": "127.0.0.1", "ListenAddr": "127.0.0.1:%d" % S.free_port(),
            "DefaultAddrPool": [S.SWARM_POOL], "SubnetSize": 26, "DataPathPort": 4242, "Spec": spec}
    nid = api()._result(api()._post_json(api()._url("/swarm/init"), data=body), True)
    SW["on"] = True
    s = api().inspect_swarm()
    eq((s["DataPathPort"], s["SubnetSize"], s["DefaultAddrPool"]), (4242, 26, [S.SWARM_POOL]), "init options")
    eq(s["Spec"]["EncryptionConfig"]["AutoLockManagers"], True, "autolock")
    eq((s["Spec"]["CAConfig"]["ForceRotate"], s["Spec"]["CAConfig"]["NodeCertExpiry"]),
       (6000000000000, 7776000000000000), "CAConfig")
    k1 = api().get_unlock_key()
    if not k1.get("UnlockKey", "").startswith("SWMKEY-1-"):
        raise Fail("unlock key %r" % k1)
    eq(api().update_swarm(version=s["Version"]["Index"], rotate_manager_unlock_key=True), True, "rotate")
    if api().get_unlock_key()["UnlockKey"] == k1["UnlockKey"]:
        raise Fail("unlock key not rotated")
    e = api_error(503, api().leave_swarm)
    has(e.explanation, "You are attempting to leave the swarm on a node that is participating as a manager",
        "leave without force")
    raises(docker.errors.NotFound, api().remove_node, "foobar01")
    e = raises(docker.errors.APIError, api().remove_node, nid)
    if e.status_code < 400:
        raise Fail("remove of the only node: %s" % e.status_code)
    e = raises(docker.errors.APIError, api().remove_node, nid, True)
    if e.status_code < 400:
        raise Fail("forced remove of the only node: %s" % e.status_code)
    eq([n["ID"] for n in api().nodes(filters={"id": nid})], [nid], "nodes id filter")
    node = api().nodes()[0]
    eq(api().inspect_node(node["ID"])["Version"], node["Version"], "inspect_node Version")
    sw = cl().swarm
    sw.reload()
    eq(sw.id, s["ID"], "models swarm id")
    sw.update(snapshot_interval=10000)
    sw.reload()  # (docker-py 5's update does not reload)
    eq(sw.attrs["Spec"]["Raft"]["SnapshotInterval"], 10000, "models update")
    e = api_error(503, sw.join, remote_addrs=["127.0.0.1"], join_token=sw.attrs["JoinTokens"]["Manager"])
    has(e.explanation, "This node is already part of a swarm.", "join while in one")
    nodes = cl().nodes.list()
    eq([n.attrs["Spec"]["Role"] for n in nodes], ["manager"], "models nodes")
    n = cl().nodes.get(nodes[0].id)
    if n.version <= 0:
        raise Fail("node version %r" % n.version)
    eq(n.attrs["Spec"].get("Labels"), {}, "no labels yet")
    n.update({"Availability": "active", "Name": "node-name", "Role": "manager", "Labels": {"foo": "bar"}})
    n.reload()
    eq((n.attrs["Spec"]["Labels"], n.attrs["Spec"]["Name"]), ({"foo": "bar"}, "node-name"), "node updated")
    eq(sw.leave(force=True), True, "leave")
    SW["on"] = False
    e = raises(docker.errors.APIError, sw.reload)
    has((406, 503), e.status_code, "reload outside a swarm")
    eq(api().leave_swarm(force=True), True, "a forced leave outside a swarm is True (docker-py)")


# ---- a second pass over api_image_test.py / models_images_test.py ------------------------

def dummy_tar(n):
    """A tar of one file of n bytes (import's test data)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        ti = tarfile.TarInfo("testdata")
        ti.size = n
        tf.addfile(ti, io.BytesIO(b"\0" * (n - 1) + b"A"))
    return buf.getvalue()


def t_images_more():
    q = api().images(quiet=True)
    if not q or not isinstance(q[0], str):
        raise Fail("quiet list %r" % q[:1])
    small, big = dummy_tar(500), dummy_tar(512 * 1024)
    out = api().import_image_from_data(small, repository=P + "-imp/bytes")
    last = __import__("json").loads(out.splitlines()[-1])
    if "error" in last or not last["status"].startswith("sha256:"):
        raise Fail("import from bytes: %r" % last)
    with tempfile.NamedTemporaryFile(suffix=".tar") as f:
        f.write(big)
        f.flush()
        last = __import__("json").loads(api().import_image_from_file(f.name, repository=P + "-imp/file").splitlines()[-1])
        has(last, "status", "import from a file")
        f.seek(0)
        last = __import__("json").loads(api().import_image(src=f, repository=P + "-imp/stream").splitlines()[-1])
        has(last, "status", "import from a stream")
        iid = last["status"]
        last = __import__("json").loads(api().import_image(src=f.name, repository=P + "-imp/changes",
                                                           changes=["USER foobar", 'CMD ["echo"]']).splitlines()[-1])
    c = api().inspect_image(last["status"])["Config"]
    eq((c["Cmd"], c["User"]), (["echo"], "foobar"), "import with changes")
    eq(api().inspect_image(P + "-imp/stream")["Id"], iid, "the stream's image")
    for r in ("bytes", "file", "stream", "changes"):
        api().remove_image(P + "-imp/" + r)
    cid, _, _ = run_wait(["touch", "/test"])
    img = api().commit(cid, changes=["EXPOSE 8000", 'CMD ["bash"]'])["Id"]
    i = api().inspect_image(img)
    eq((sorted(i["Config"]["ExposedPorts"]), i["Config"]["Cmd"], i["Parent"]), (["8000/tcp"], ["bash"], image_id()),
       "commit with changes")
    logs = api().remove_image(img, force=True)
    has(logs, {"Deleted": img}, "remove by id")
    eq([x for x in api().images(all=True) if x["Id"] == img], [], "gone")
    rm(cid)


def t_images_models_more():
    img, _ = S.build("mimg:1", fileobj=S.dockerfile("FROM {IMAGE}\nCMD echo hello world"))
    eq(cl().containers.run(img, labels=LABELS, remove=True), b"hello world\n", "models build, run")
    img2, _ = S.build("mimg:2", fileobj=S.dockerfile("FROM {IMAGE}\nCMD echo hello world"))
    eq(img2.id, img.id, "the same build twice: the same image")
    has([i.id for i in cl().images.list(P + "-mimg")], img.id, "list by repository")
    has([i.id for i in cl().images.list(P + "-mimg:1")], img.id, "list by repository:tag")
    raises(docker.errors.ImageLoadError, cl().images.load, b"abc")
    base = cl().images.get(IMAGE)
    res = cl().images.load(b"".join(base.save()))
    eq([x.id for x in res], [base.id], "save and load")
    eq(img.tag(P + "-mtag", "some-tag"), True, "tag")
    img.reload()
    data = b"".join(img.save(named=P + "-mtag:some-tag"))
    cl().images.remove(P + "-mtag:some-tag", force=True)
    if img.id not in [i.id for i in cl().images.list(P + "-mimg")]:
        raise Fail("untag removed the image")
    res = cl().images.load(data)
    eq([x.id for x in res], [img.id], "load of a named save")
    has(res[0].tags, P + "-mtag:some-tag", "the name it was saved under")
    raises(docker.errors.InvalidArgument, base.save, named="sakuya/izayoi")
    cl().images.remove(P + "-mtag:some-tag")
    eq(cl().images.list(P + "-mtag:some-tag"), [], "untagged")
    api().remove_image(P + "-mimg:1")
    api().remove_image(P + "-mimg:2")


# ---- api_healthcheck_test.py / regression_test.py, the rest ------------------------------

def t_healthcheck_start_period():
    cid = started("top", healthcheck={"test": "echo 'x' >> /counter.txt && test `cat /counter.txt | wc -l` -ge 3",
                                      "interval": 10 ** 9, "timeout": 10 ** 9, "retries": 1,
                                      "start_period": 3 * 10 ** 9})
    until(lambda: health(cid) == "healthy", "healthy after the start period", timeout=20)
    eq(api().inspect_container(cid)["State"]["Health"]["FailingStreak"], 0, "the start period's failures not counted")
    rm(cid)
    cid = create("top", healthcheck={"test": 'echo "hello world"'})
    eq(api().inspect_container(cid)["Config"]["Healthcheck"]["Test"], ["CMD-SHELL", 'echo "hello world"'], "a string")
    rm(cid)


def t_regressions_more():
    cid, code, logs = run_wait(["id", "-u"], user=1000)
    eq(logs, b"1000\n", "user as an int (715)")
    rm(cid)
    tcp, udp = S.free_port(), S.free_port()
    cid = started(["sleep", "9999"], ports=[2000, (2000, "udp")],
                  host_config=hc(port_bindings={"2000/tcp": tcp, "2000/udp": udp}))
    eq(api().port(cid, 2000)[0]["HostPort"], str(tcp), "port 2000")
    eq(api().port(cid, "2000/tcp")[0]["HostPort"], str(tcp), "port 2000/tcp")
    eq(api().port(cid, "2000/udp")[0]["HostPort"], str(udp), "port 2000/udp (792)")
    rm(cid)
    raises(docker.errors.APIError, api().inspect_image, "gensokyo.jp//kirisame")


# ---- a second pass over api_network_test.py / models_networks_test.py and the models'
# network options --------------------------------------------------------------------------

def t_network_more():
    nid = api().create_network(P + "-nm", labels=LABELS)["Id"]
    eq([n["Id"] for n in api().networks(ids=[nid[:8]])], [nid], "ids filter by a prefix")
    n = api().inspect_network(nid)
    eq((n["Id"], n["Name"], n["Driver"], n["Scope"], n["IPAM"]["Driver"]), (nid, P + "-nm", "bridge", "local", "default"),
       "inspect")
    raises(docker.errors.APIError, api().create_network, P + "-nmhost", driver="host", labels=LABELS)
    raises(TypeError, api().create_network, P + "-nmlbl", labels=["com.docker.py.test=label"])
    cid = create("top", host_config=hc(network_mode=P + "-nm"), networking_config=api().create_networking_config({
        P + "-nm": api().create_endpoint_config(aliases=["foo", "bar"])}))
    api().start(cid)
    eq(list(api().inspect_network(nid)["Containers"]), [cid], "connected at create")
    al = api().inspect_container(cid)["NetworkSettings"]["Networks"][P + "-nm"]["Aliases"]
    has(al, "foo", "alias foo")
    has(al, "bar", "alias bar")
    api().disconnect_container_from_network(cid, nid, force=True)
    eq(api().inspect_network(nid)["Containers"], {}, "disconnected")
    raises(docker.errors.APIError, api().disconnect_container_from_network, cid, nid, force=True)
    c2 = create("top")
    # (docker-py 5's connect has no mac_address: the request by hand)
    api()._raise_for_status(api()._post_json(api()._url("/networks/{0}/connect", P + "-nm"), data={
        "Container": c2, "EndpointConfig": {"MacAddress": "02:42:ac:11:00:02"}}))
    eq(api().inspect_container(c2)["NetworkSettings"]["Networks"][P + "-nm"]["MacAddress"], "02:42:ac:11:00:02",
       "mac address of a connect")
    rm(cid, c2)
    cid = started("top", host_config=hc(network_mode="bridge"), networking_config=api().create_networking_config({
        "bridge": api().create_endpoint_config(driver_opt={"com.docker-py.setting": "on"})}))
    eq(api().inspect_container(cid)["NetworkSettings"]["Networks"]["bridge"]["DriverOpts"],
       {"com.docker-py.setting": "on"}, "DriverOpts")
    rm(cid)
    api().remove_network(nid)
    sid = api().create_network(P + " 01", labels=LABELS)["Id"]
    eq(api().inspect_network(P + " 01")["Id"], sid, "a name with a space")
    eq(api().remove_network(P + " 01"), None, "removed by that name")
    nets = [cl().networks.create(P + "-mnl", labels=LABELS)]
    nw = nets[0]
    has([n.id for n in cl().networks.list()], nw.id, "models list")
    for kw, want in (({"ids": ["fdhjklfdfdshjkfds"]}, False), ({"ids": [nw.id]}, True), ({"names": ["fdshjklfdsjhkl"]}, False),
                     ({"names": [P + "-mnl"]}, True)):
        eq(nw.id in [n.id for n in cl().networks.list(**kw)], want, "models list %r" % kw)
    c = cl().containers.create(IMAGE, "sleep 300", labels=LABELS)
    eq(nw.containers, [], "no containers")
    nw.connect(c)
    c.start()
    eq(cl().networks.get(nw.id).containers, [c], "connected")
    eq([x for n in cl().networks.list(ids=[nw.id], greedy=True) for x in n.containers], [c], "greedy list")
    nw.disconnect(c)
    eq(cl().networks.get(nw.id).containers, [], "disconnected")
    c.remove(force=True)
    nw.remove()
    has([n.id for n in cl().networks.list()], nw.id, "not listed after remove") if False else None
    if nw.id in [n.id for n in cl().networks.list()]:
        raise Fail("listed after remove")


def t_models_run_networking():
    # (docker-py 5's run has no networking_config: create_container's, as run passes it on in later ones)
    name = P + "-mrn"
    cl().networks.create(name, labels=LABELS)

    def endpoint_of(cfg):
        cid = create("echo hello world", host_config=hc(network_mode=name),
                     networking_config=api().create_networking_config(cfg))
        nets = api().inspect_container(cid)["NetworkSettings"]["Networks"]
        rm(cid)
        if name not in nets:
            return list(nets), None, None
        return list(nets), nets[name]["Aliases"], nets[name]["DriverOpts"]
    try:
        c = cl().containers.run(IMAGE, "echo hello world", network=name, detach=True, labels=LABELS)
        eq(list(c.attrs["NetworkSettings"]["Networks"]), [name], "network=")
        c.remove(force=True)
        eq(endpoint_of({name: api().create_endpoint_config(aliases=["hello"], driver_opt={"key1": "a"})}),
           ([name], ["hello"], {"key1": "a"}), "aliases and driver options")
        raises(docker.errors.APIError, create, "echo hello world", host_config=hc(network_mode=name),
               networking_config=api().create_networking_config({
                   name: api().create_endpoint_config(aliases=["hello"]),
                   P + "-bar": api().create_endpoint_config(aliases=["test"])}))
        # dockerd 20.10 keeps a created container's endpoint configs as given (docker-py 7's run
        # sends only the network's): the other network is listed, its own is not
        eq(endpoint_of({P + "-bar": api().create_endpoint_config(aliases=["hello"])})[0], [P + "-bar"],
           "a config for another network only")
    finally:
        for x in cl().containers.list(all=True, filters={"network": name}):
            x.remove(force=True)
        cl().networks.get(name).remove()

def t_services_networks():
    need_sw()
    n1 = api().create_network(P + "-ov1", driver="overlay", ipam={"Driver": "default"}, labels=LABELS)["Id"]
    n2 = api().create_network(P + "-ov2", driver="overlay", ipam={"Driver": "default"}, labels=LABELS)["Id"]
    made = []
    try:
        sid, s = svc(networks=[P + "-ov1", {"Target": P + "-ov2"}])
        made.append(sid)
        # docker-py 5 sends create's networks= as the (deprecated) Spec.Networks, which dockerd keeps
        eq((s["Networks"], s["TaskTemplate"].get("Networks")), ([{"Target": n1}, {"Target": n2}], None),
           "networks by name, resolved to ids")
        sid, s = svc(tt={"networks": [docker.types.NetworkAttachmentConfig(target=P + "-ov1", aliases=[P + "_alias"],
                                                                          options={"foo": "bar"})]})
        made.append(sid)
        eq(s["TaskTemplate"]["Networks"], [{"Target": n1, "Aliases": [P + "_alias"], "DriverOpts": {"foo": "bar"}}],
           "an attachment config")
        sid, s = svc(docker.types.ContainerSpec(image_id(), ["echo", "hello"]), networks=[n1], name=P + "-snet")
        made.append(sid)

        def upd(*a, **kw):
            for attempt in range(5):
                v = api().inspect_service(sid)["Version"]["Index"]
                try:
                    api().update_service(sid, v, *a, name=P + "-snet", fetch_current_spec=True, **kw)
                    return api().inspect_service(sid)["Spec"]
                except docker.errors.APIError as err:
                    if "out of sequence" not in str(err) or attempt == 4:
                        raise
                    time.sleep(0.5)
        s = upd(labels={"dockwire.peers": P, "force": "update"})
        eq((s.get("Networks"), s["TaskTemplate"]["Networks"]), (None, [{"Target": n1}]),
           "networks kept, moved into the task template (docker-py's update)")
        s = upd(docker.types.TaskTemplate(docker.types.ContainerSpec(image_id(), ["echo", "hello"])), networks=[n2])
        eq(s["TaskTemplate"]["Networks"], [{"Target": n2}], "networks changed")
        s = upd(networks=[n1])
        eq(s["TaskTemplate"]["ContainerSpec"]["Command"], ["echo", "hello"], "the container spec kept")
        eq(s["TaskTemplate"]["Networks"], [{"Target": n1}], "networks changed back")
        e = api_error(404, api().inspect_network, P + "-ov1", scope="local")
        del e
        eq(api().inspect_network(P + "-ov1", scope="swarm")["Id"], n1, "scope swarm")
        eq(api().inspect_network(n1)["Attachable"], False, "not attachable")
        na = api().create_network(P + "-ova", driver="overlay", attachable=True, labels=LABELS)["Id"]
        eq(api().inspect_network(na)["Attachable"], True, "attachable")
        api().remove_network(na)
        nl = api().create_network(P + "-loc", scope="local", labels=LABELS)["Id"]
        eq(api().inspect_network(P + "-loc", scope="local")["Id"], nl, "scope local")
        api_error(404, api().inspect_network, P + "-loc", scope="global")
        api().remove_network(nl)
    finally:
        for x in made:
            api().remove_service(x)
        for n in (n1, n2):
            for attempt in range(20):
                try:
                    api().remove_network(n)
                    break
                except docker.errors.APIError:
                    time.sleep(0.5)


def t_create_storage_opt():
    # docker-py's test is an xfail: overlay2 takes a size only over xfs with pquota
    if cl().info()["Driver"] != "overlay2" or any(k == "Backing Filesystem" and v == "xfs"
                                                    for k, v in cl().info()["DriverStatus"] or []):
        raise Skip("storage driver %s: not overlay2 over a non-xfs filesystem" % cl().info()["Driver"])
    e = api_error(500, api().create_container, IMAGE, ["echo", "test"], labels=LABELS,
                  host_config=hc(storage_opt={"size": "120G"}))
    eq(e.explanation, "--storage-opt is supported only for overlay over xfs with 'pquota' mount option", "size")
    e = api_error(500, api().create_container, IMAGE, ["echo", "test"], labels=LABELS,
                  host_config=hc(storage_opt={"NOPE": "1"}))
    eq(e.explanation, "Unknown option nope", "an unknown option")


def t_build_extra_hosts_gzip():
    img, _ = S.build("bxh:1", extra_hosts={"extrahost.local.test": "127.0.0.1", "hello.world.test": "127.0.0.1"},
                     fileobj=S.dockerfile("FROM {IMAGE}\nRUN ping -c1 -W2 hello.world.test\n"
                                          "RUN ping -c1 -W2 extrahost.local.test\nRUN cp /etc/hosts /hosts-file\n"))
    out = cl().containers.run(img.id, "cat /hosts-file", labels=LABELS, remove=True).decode()
    has(out, "127.0.0.1\textrahost.local.test", "extra host 1 in the RUN's /etc/hosts")
    has(out, "127.0.0.1\thello.world.test", "extra host 2")
    api().remove_image(P + "-bxh:1")
    with tempfile.TemporaryDirectory(prefix=P) as d:
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write("FROM %s\nADD . /test\n" % IMAGE)
        lines = build_lines(path=d, nocache=True, gzip=True, tag=P + "-bgz:1")
    has(lines[-2].get("stream", ""), "Successfully built", "a gzipped context")
    out = cl().containers.run(P + "-bgz:1", "ls /test", labels=LABELS, remove=True)
    eq(out, b"Dockerfile\n", "its files")
    api().remove_image(P + "-bgz:1")


def t_network_ipam_aux():
    ipam = docker.types.IPAMConfig(driver="default", pool_configs=[docker.types.IPAMPool(
        subnet="%s.26.0/24" % NET, iprange="%s.26.128/25" % NET, gateway="%s.26.254" % NET,
        aux_addresses={"a": "%s.26.5" % NET, "b": "%s.26.6" % NET, "c": "%s.26.7" % NET})])
    nid = api().create_network(P + "-aux", ipam=ipam, labels=LABELS)["Id"]
    got = api().inspect_network(nid)["IPAM"]
    eq(got.pop("Options", None), None, "no IPAM options")
    eq(got, {"Driver": "default", "Config": [{"Subnet": "%s.26.0/24" % NET, "IPRange": "%s.26.128/25" % NET,
                                              "Gateway": "%s.26.254" % NET,
                                              "AuxiliaryAddresses": {"a": "%s.26.5" % NET, "b": "%s.26.6" % NET,
                                                                     "c": "%s.26.7" % NET}}]}, "IPAM")
    api().remove_network(nid)


def t_services_models_network_scale():
    need_sw()
    net = cl().networks.create(P + "-movl", driver="overlay", labels=LABELS)
    s = cl().services.create(name=P + "-mns", image=image_id(), command="sleep 300", networks=[net.id], labels=LABELS,
                             constraints=["node.labels.nowhere==%s" % P])
    try:
        nets = s.attrs["Spec"]["TaskTemplate"].get("Networks") or s.attrs["Spec"].get("Networks")
        eq(nets, [{"Target": net.id}], "models create with networks=")
        until(lambda: len(s.tasks()) == 1, "one pending task")
        for attempt in range(5):
            s.reload()
            try:
                s.update(mode=docker.types.ServiceMode("replicated", replicas=2))
                break
            except docker.errors.APIError as err:
                if "out of sequence" not in str(err) or attempt == 4:
                    raise
                time.sleep(0.5)
        until(lambda: len(s.tasks()) >= 2, "two tasks")
        s.reload()
        eq(s.attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("Command"), ["sleep", "300"],
           "update(mode=) kept the command")
    finally:
        s.remove()
        for attempt in range(20):
            try:
                net.remove()
                break
            except docker.errors.APIError:
                time.sleep(0.5)


def t_images_registry_pull():
    reg = os.environ.get("PEERS_REGISTRY")
    if not reg:
        raise Skip("PEERS_REGISTRY not set (scripts/registry.sh env)")
    auth = {"username": os.environ.get("PEERS_REGISTRY_USER", ""),
            "password": os.environ.get("PEERS_REGISTRY_PASSWORD", "")}
    repo = "%s/%s-pull" % (reg, P)
    for t in ("v1", "v2"):
        api().tag(IMAGE, repo, t)
        out = list(api().push(repo, tag=t, stream=True, decode=True, auth_config=auth))
        if any("error" in x for x in out):
            raise Fail("push %s: %r" % (t, out[-1]))
        api().remove_image("%s:%s" % (repo, t))
    try:
        res = api().pull(repo, tag="v1", auth_config=auth)
        if not isinstance(res, str):
            raise Fail("pull result %r" % type(res))
        eq(api().inspect_image(repo + ":v1")["Id"], image_id(), "pulled image")
        if len(api().images(repo)) < 1:
            raise Fail("not listed by repository")
        chunks = list(api().pull(repo, tag="v2", stream=True, decode=True, auth_config=auth))
        for c in chunks:
            if not isinstance(c, dict):
                raise Fail("stream chunk %r" % c)
        has(chunks[-1].get("status", ""), "Downloaded newer image for %s:v2" % repo, "last status")
        api().remove_image(repo + ":v1")
        img = cl().images.pull(repo, tag="v1", auth_config=auth)
        has(img.attrs["RepoTags"], repo + ":v1", "models pull with tag")
        digests = [d for d in img.attrs["RepoDigests"] if d.startswith(repo + "@")]
        eq(len(digests), 1, "one digest for the repository")
        img2 = cl().images.pull(digests[0], auth_config=auth)
        has(img2.attrs["RepoDigests"], digests[0], "models pull by digest")
        imgs = cl().images.pull(repo, all_tags=True, auth_config=auth)
        tags = [t for i in (imgs if isinstance(imgs, list) else [imgs]) for t in i.attrs["RepoTags"]]
        has(tags, repo + ":v1", "all tags: v1")
        has(tags, repo + ":v2", "all tags: v2")
        dist = api().inspect_distribution(repo + ":v1", auth_config=auth)
        eq(dist["Descriptor"]["digest"], digests[0].split("@")[1], "distribution digest")
        has(dist, "Platforms", "distribution platforms")
        eq([p["os"] for p in dist["Platforms"]], ["linux"], "platform os")
    finally:
        for t in ("v1", "v2"):
            try:
                api().remove_image("%s:%s" % (repo, t))
            except docker.errors.APIError:
                pass


def t_build_create_platform():
    e = api_error(400, S.build, "bplat:1", platform="foobar", fileobj=S.dockerfile("FROM {IMAGE}\n"))
    eq(e.explanation, '"foobar": unknown operating system or architecture: invalid argument', "an unknown platform")
    e = api_error(400, S.build, "bplat:2", platform="linux/a/b/c", fileobj=S.dockerfile("FROM {IMAGE}\n"))
    eq(e.explanation, '"linux/a/b/c": cannot parse platform specifier: invalid argument', "too many parts")

    def create_on(plat):
        # (docker-py 5's create_container has no platform=: the request by hand)
        return api()._result(api()._post_json(api()._url("/containers/create"), params={"platform": plat},
                                              data={"Image": IMAGE, "Cmd": ["true"], "Labels": LABELS}), True)["Id"]
    e = api_error(400, create_on, "foobar")
    eq(e.explanation, '"foobar": unknown operating system or architecture: invalid argument', "create, unknown")
    arch = api().inspect_image(IMAGE)["Architecture"]
    e = api_error(404, create_on, "windows")
    eq(e.explanation, "image with reference %s was found but does not match the specified platform: wanted "
       "windows/%s, actual: linux/%s" % (IMAGE, arch, arch), "create, another platform")
    rm(create_on("linux/" + arch))


def t_pull_platform():
    e = api_error(400, api().pull, "127.0.0.1:9/x", tag="latest", platform="foobar")
    eq(e.explanation, '"foobar": unknown operating system or architecture: invalid argument',
       "an unknown platform, refused before the registry is asked")


# ---- cleanup ------------------------------------------------------------------------------

def cleanup():
    if SW["on"]:
        for s in cl().services.list(filters={"label": LBL}):
            try:
                s.remove()
            except docker.errors.APIError:
                pass
        try:
            api().leave_swarm(force=True)
            SW["on"] = False
        except docker.errors.APIError:
            pass
    S.cleanup()


def t_cleanup():
    cleanup()
    left = [c.name for c in cl().containers.list(all=True, filters={"label": LBL})]
    left += [t for i in cl().images.list() for t in i.tags if t.startswith(P)]
    left += [n.name for n in cl().networks.list(filters={"label": LBL})]
    left += [v.name for v in cl().volumes.list(filters={"label": LBL})]
    left += [v.name for v in cl().volumes.list() if v.name.startswith(P)]
    if cl().info()["Swarm"]["LocalNodeState"] != "inactive" and SW.get("inited"):
        left.append("the swarm (still a member)")
    if left:
        raise Fail("left behind: %r" % left)


GROUPS = [
    ("containers", [
        ("list", t_list_containers), ("create.pid_host", t_create_pid_host), ("create.modes", t_create_modes),
        ("create.links", t_create_with_links), ("create.restart_policy", t_restart_policy),
        ("create.volumes_from", t_volumes_from_two), ("create.readonly_rootfs", t_readonly_rootfs),
        ("create.name_privileged", t_name_privileged), ("create.mac_address", t_mac_address),
        ("create.group_add", t_group_add), ("create.log_config", t_log_config),
        ("create.memory_cpu", t_memory_cpu), ("create.env_no_value", t_env_no_value),
        ("create.misc_options", t_create_misc_options), ("create.device_cgroup_rules", t_device_cgroup_rules_seen),
        ("create.ulimits_init", t_ulimits_init_seen), ("binds.rw_ro", t_binds_rw_ro),
        ("mounts.volume", t_volume_mount), ("archive.get_stat", t_archive_get_stat), ("archive.put", t_archive_put),
        ("rename", t_rename), ("start", t_start_dict_and_shlex), ("wait", t_wait), ("logs", t_logs_options),
        ("diff", t_diff), ("stop_kill", t_stop_kill), ("port", t_port), ("top", t_top), ("restart", t_restart),
        ("remove", t_remove), ("attach", t_attach), ("pause", t_pause), ("prune", t_prune_containers),
        ("stats", t_stats), ("update", t_update), ("remove_link", t_remove_link), ("inspect", t_inspect_fields),
        ("export_resize", t_export_resize),
        ("create.cgroupns_volume_driver", t_create_cgroupns_volume_driver),
        ("binds.propagation", t_binds_propagation), ("logs.follow_cancel", t_logs_follow_cancel),
        ("attach.stream_cancel", t_attach_stream_cancel),
        ("attach.detach_keys", t_attach_detach_keys), ("restart.timeouts", t_restart_timeouts),
        ("create.storage_opt", t_create_storage_opt),
    ]),
    ("exec", [
        ("basics", t_exec_basics), ("demux", t_exec_demux),
        ("socket_detach_inspect", t_exec_socket_detach_inspect), ("resize", t_exec_resize), ("stdin", t_exec_stdin), ("detach_keys", t_exec_detach_keys),
    ]),
    ("images", [
        ("list", t_images_list), ("inspect_history", t_image_inspect_history), ("tag_remove", t_image_tag_remove),
        ("prune", t_image_prune), ("save_load", t_image_save_get), ("import", t_image_import), ("commit", t_commit),
        ("pull_errors", t_pull_errors), ("pull_platform", t_pull_platform), ("more", t_images_more), ("models_more", t_images_models_more), ("registry_pull", t_images_registry_pull),
    ]),
    ("build", [
        ("args_labels", t_build_args_labels), ("stream", t_build_stream_output),
        ("target_dockerfile", t_build_target_and_dockerfile), ("network_mode", t_build_network_and_hosts),
        ("options", t_build_options_honoured), ("rm_forcerm", t_build_rm_forcerm), ("errors", t_build_errors),
        ("dockerignore", t_build_dockerignore_patterns), ("instructions", t_build_copy_chown_workdir),
        ("proxy", t_build_proxy), ("scratch", t_build_scratch), ("cache_from", t_build_cache_from),
        ("target_onbuild", t_build_target_onbuild), ("network_none", t_build_network_none_fails),
        ("network_custom", t_build_network_custom), ("stderr", t_build_stderr),
        ("dockerignore_spaces", t_build_dockerignore_spaces), ("dockerfile_places", t_build_dockerfile_places),
        ("models_prune", t_build_models_and_prune), ("extra_hosts_gzip", t_build_extra_hosts_gzip), ("platform", t_build_create_platform),
    ]),
    ("networks", [
        ("list_filters", t_network_list_filters), ("create_options", t_network_create_options),
        ("connect", t_network_connect), ("endpoint_config", t_network_create_with_endpoint_config),
        ("prune_models", t_network_prune_models), ("more", t_network_more), ("ipam_aux", t_network_ipam_aux),
    ]),
    ("volumes", [("api", t_volumes_api), ("prune_models", t_volumes_prune_models), ("more", t_volumes_more)]),
    ("healthcheck", [("states", t_healthcheck), ("start_period", t_healthcheck_start_period)]),
    ("client", [("info_version", t_client_info_version), ("timeout_events_cancel", t_client_timeout_events_cancel)]),
    ("plugins", [("create_configure_remove", t_plugins)]),
    ("errors", [("types", t_errors), ("regressions", t_regressions), ("regressions_more", t_regressions_more)]),
    ("models", [("run", t_models_run), ("container_methods", t_models_container_methods),
                ("list", t_models_list), ("collection_more", t_models_collection_more),
                ("container_more", t_models_container_more), ("run_networking", t_models_run_networking)]),
    ("swarm", [("init_update", t_swarm), ("secrets", t_secrets), ("configs", t_configs), ("services", t_services),
               ("services.spec_fields", t_services_spec_fields), ("services.modes", t_services_modes),
               ("services.inspect_remove_list", t_services_inspect_remove_list),
               ("services.update_defaults", t_services_update_defaults), ("services.models", t_services_models),
               ("services.tasks_files", t_services_tasks_files), ("services.networks", t_services_networks),
               ("services.models_network_scale", t_services_models_network_scale), ("secrets_configs_more", t_secrets_configs_more),
               ("leave", t_swarm_leave), ("second", t_swarm_second)]),
]


def main():
    only = os.environ.get("PEERS_ONLY")  # a regexp of check names, to run a few while fixing
    print("# docker-py %s, DOCKER_HOST=%s, image %s, prefix %s (docker-py's integration tests, retold)"
          % (docker.__version__, os.environ.get("DOCKER_HOST", "(default)"), IMAGE, P), flush=True)
    S.check("suite.from_env", S.t_from_env)
    if S.client is None:
        print("0 passed, 1 failed")
        return 1
    try:
        for group, checks in GROUPS:
            for name, fn in checks:
                full = "suite.%s.%s" % (group, name)
                if only and not re.search(only, full):
                    continue
                t0 = time.time()
                S.check(full, fn)
                if time.time() - t0 > 2:
                    print("# %s took %.1fs" % (full, time.time() - t0), flush=True)
    finally:
        S.check("suite.cleanup", t_cleanup)
    print("# elapsed %ds" % (time.time() - S.START))
    print("%d passed, %d failed" % (S.results["pass"], S.results["fail"]))
    return 1 if S.results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())

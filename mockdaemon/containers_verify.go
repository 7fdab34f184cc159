package mockdaemon

import (
	"fmt"
	"maps"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What dockerd checks of a create body before it makes the container (its
// verifyContainerSettings and, once the image is known, its log config
// check), each refusal a 400 with dockerd's words. checkCreate calls
// verifyConfig, verifyPortBindings and verifyResources in dockerd's order;
// createContainerLocked calls verifyLogConfig.

// verifyConfig checks the Config part as dockerd's validateContainerConfig
// does, in its order: the working directory, which must be absolute and
// is kept cleaned ("/tmp/" is "/tmp"), each Env entry, which needs a
// name before any '=', and the health check's durations.
func verifyConfig(cfg *containerConfig) error {
	if wd := cfg.WorkingDir; wd != "" {
		if !path.IsAbs(wd) {
			return errInvalid("the working directory '" + wd + "' is invalid, it needs to be an absolute path")
		}
		cfg.WorkingDir = path.Clean(wd)
	}
	for _, e := range cfg.Env {
		if name, _, _ := strings.Cut(e, "="); name == "" {
			return errInvalid("invalid environment variable: " + e)
		}
	}
	h := parseHealthConfig(cfg.Healthcheck)
	if h == nil {
		return nil
	}
	short := func(d time.Duration) bool { return d != 0 && d < time.Millisecond }
	switch {
	case short(h.Interval):
		return errInvalid("Interval in Healthcheck cannot be less than 1ms")
	case short(h.Timeout):
		return errInvalid("Timeout in Healthcheck cannot be less than 1ms")
	case h.Retries < 0:
		return errInvalid("Retries in Healthcheck cannot be negative")
	case short(h.StartPeriod):
		return errInvalid("StartPeriod in Healthcheck cannot be less than 1ms")
	}
	return nil
}

// verifyPortBindings refuses a container port or a host port that is not
// a port number or range (an empty host port is "any").
func verifyPortBindings(ports map[string][]portBinding) error {
	for key, binds := range ports {
		port, _, _ := strings.Cut(key, "/")
		if !validPortSpec(port, false) {
			return errInvalid(fmt.Sprintf("invalid port specification: %q", port))
		}
		for _, b := range binds {
			hp, _, _ := strings.Cut(b.HostPort, "/")
			if !validPortSpec(hp, true) {
				return errInvalid(fmt.Sprintf("invalid port specification: %q", b.HostPort))
			}
		}
	}
	return nil
}

// validPortSpec reports whether s is a port (0-65535) or a range lo-hi
// with lo <= hi; "" only when empty is allowed.
func validPortSpec(s string, empty bool) bool {
	if s == "" {
		return empty
	}
	_, _, err := parsePortRange(s)
	return err == nil
}

// verifyResources is dockerd's verifyPlatformContainerResources at create
// (on a host whose kernel has every controller) and the cgroup namespace
// mode and tmpfs destination checks of its verifyPlatformContainerSettings.
func verifyResources(hc hostConfig) error {
	const minMemory = 6 * 1024 * 1024
	ncpu := runtime.NumCPU()
	switch {
	case hc.Memory != 0 && hc.Memory < minMemory:
		return errInvalid("Minimum memory limit allowed is 6MB")
	case hc.Memory > 0 && hc.MemorySwap > 0 && hc.MemorySwap < hc.Memory:
		return errInvalid("Minimum memoryswap limit should be larger than memory limit, see usage")
	case hc.Memory == 0 && hc.MemorySwap > 0:
		return errInvalid("You should always set the Memory limit when using Memoryswap limit, see usage")
	case hc.MemorySwappiness != nil && (*hc.MemorySwappiness < -1 || *hc.MemorySwappiness > 100):
		// -1 is what older clients send for "unset"
		return errInvalid(fmt.Sprintf("Invalid value: %d, valid memory swappiness range is 0-100", *hc.MemorySwappiness))
	case hc.MemoryReservation > 0 && hc.Memory > 0 && hc.Memory < hc.MemoryReservation:
		return errInvalid("Minimum memory limit can not be less than memory reservation limit, see usage")
	case hc.MemoryReservation > 0 && hc.MemoryReservation < minMemory:
		return errInvalid("Minimum memory reservation allowed is 6MB")
	case hc.NanoCPUs > 0 && hc.CPUPeriod > 0:
		return errInvalid("Conflicting options: Nano CPUs and CPU Period cannot both be set")
	case hc.NanoCPUs > 0 && hc.CPUQuota > 0:
		return errInvalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set")
	case hc.NanoCPUs < 0 || hc.NanoCPUs > int64(ncpu)*1e9:
		return errInvalid(fmt.Sprintf("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", ncpu, ncpu))
	case hc.CPUPeriod != 0 && (hc.CPUPeriod < 1000 || hc.CPUPeriod > 1000000):
		return errInvalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")
	case hc.CPUQuota > 0 && hc.CPUQuota < 1000:
		return errInvalid("CPU cfs quota can not be less than 1ms (i.e. 1000)")
	case hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000:
		return errInvalid(fmt.Sprintf("Invalid value %d, range for oom score adj is [-1000, 1000]", hc.OomScoreAdj))
	case hc.ShmSize < 0:
		return errInvalid("SHM size can not be less than 0")
	}
	if hc.CpusetCpus != "" && !cpusetWithin(hc.CpusetCpus, ncpu) {
		return errInvalid(fmt.Sprintf("Requested CPUs are not available - requested %s, available: 0-%d", hc.CpusetCpus, ncpu-1))
	}
	for _, dst := range sortedKeys(hc.Tmpfs) {
		switch {
		case path.Clean(dst) == "/":
			return errInvalid("invalid specification: destination can't be '/'")
		case !path.IsAbs(dst):
			return errInvalid("invalid mount path: '" + dst + "' mount path must be absolute")
		}
	}
	// the namespace modes: only the cgroup one is checked at create (an
	// unknown IPC, PID, UTS or user namespace mode is taken as given)
	switch hc.CgroupnsMode {
	case "", "host", "private":
	default:
		return errInvalid("invalid cgroup namespace mode: " + hc.CgroupnsMode)
	}
	return nil
}

// cpusetWithin reports whether the cpuset list s ("0,1", "0-3") names
// only CPUs below n (a malformed list is refused by dockerd's parser with
// another message; here it only has to be refused).
func cpusetWithin(s string, n int) bool {
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || l < 0 || l > h || h >= n {
			return false
		}
	}
	return true
}

// logOptions are the options each log driver of dockerd 20.10 takes; a
// driver not named here takes any. mode and max-buffer-size are the
// daemon's own, valid for every driver.
var logOptions = map[string][]string{
	"json-file": {"max-file", "max-size", "compress", "labels", "labels-regex", "env", "env-regex", "tag"},
	"local":     {"max-file", "max-size", "compress"},
}

// logDrivers are dockerd 20.10's built-in log drivers on Linux.
var logDrivers = []string{"none", "json-file", "local", "syslog", "journald", "gelf", "fluentd", "awslogs",
	"splunk", "gcplogs", "logentries"}

// verifyLogConfig checks a container's log config as dockerd does once it
// has the image (its ValidateLogOpts): the driver must exist, the mode be
// known, the options be the driver's.
func verifyLogConfig(lc logConfig) error {
	driver := lc.Type
	if driver == "" {
		driver = "json-file"
	}
	if driver == "none" {
		return nil
	}
	switch mode := lc.Config["mode"]; mode {
	case "", "blocking", "non-blocking":
	default:
		return errInvalid("logger: logging mode not supported: " + mode)
	}
	if _, ok := lc.Config["max-buffer-size"]; ok && lc.Config["mode"] != "non-blocking" {
		return errInvalid("logger: max-buffer-size option is only supported with 'mode=non-blocking'")
	}
	if !slices.Contains(logDrivers, driver) {
		return errInvalid(fmt.Sprintf("error looking up logging plugin %s: plugin %q not found", driver, driver))
	}
	allowed, ok := logOptions[driver]
	if !ok {
		return nil
	}
	for k := range lc.Config {
		if k != "mode" && k != "max-buffer-size" && !slices.Contains(allowed, k) {
			return errInvalid(fmt.Sprintf("unknown log opt '%s' for %s log driver", k, driver))
		}
	}
	return nil
}

// checkStorageOpt is dockerd's overlay2 driver reading a container's
// StorageOpt when it makes the container's layer: a key other than size
// is unknown, a size must parse, and a size needs project quotas (overlay
// over xfs mounted with pquota), which the mock's storage, like most
// hosts', does not have. Each refusal is a plain error: a 500.
func checkStorageOpt(opts map[string]string) error {
	if len(opts) == 0 {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		if strings.ToLower(k) != "size" {
			return errInternal("Unknown option " + strings.ToLower(k))
		}
		if _, ok := parseSize(opts[k]); !ok {
			return errInternal(fmt.Sprintf("invalid size: '%s'", opts[k]))
		}
	}
	return errInternal("--storage-opt is supported only for overlay over xfs with 'pquota' mount option")
}

package differential

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says what a check compares.
type Config struct {
	// A is the reference daemon (the real dockerd), B the one held to it
	// (the mock).
	A, B Daemon
	// Version is the API version of every request path ("1.41").
	Version string
	// Image is the test image both daemons have ({{image}}).
	Image string
	// HostDir is a directory of the host both daemons see; each sequence
	// gets a subdirectory of it as {{hostdir}}, for binds.
	HostDir string
	// Known lists the accepted differences; nil accepts none.
	Known *Known
	// Progress, when set, gets one line per sequence as it ends.
	Progress io.Writer
	// Parallel is how many sequences run at once (default 1). A sequence
	// marked alone (swarm) always runs by itself.
	Parallel int
}

// Result is what a check found.
type Result struct {
	// Ran names the sequences run, in order.
	Ran []string
	// Requests counts the requests compared: steps both daemons answered
	// (or failed to answer) and the comparer looked at.
	Requests int
	// Differences are all the differences found, known or not.
	Differences []Difference
	// Leftovers are objects of the run still present on a daemon after
	// its cleanup ("mock: container dwdiff-...").
	Leftovers []string
	// Stale are known entries that matched nothing although a sequence they
	// name ran.
	Stale []*KnownEntry `json:"-"`
	// Partial says that only a part of the sequences ran (a selection):
	// entries for "*" would look stale, so Stale is not filled.
	Partial bool
}

// New counts the differences no known entry lists (follow-on differences
// aside: an earlier difference explains them).
func (r *Result) New() int {
	n := 0
	for _, d := range r.Differences {
		if d.Known == nil && !d.FollowOn {
			n++
		}
	}
	return n
}

// side is one daemon's run of one sequence.
type side struct {
	// lacked marks the steps that used a variable this daemon's earlier
	// answers did not give.
	lacked  []bool
	reqs    []*request
	answers []Answer
	saves   [][][2]string // per step, the (variable, value) pairs it saved
}

// Check runs seqs against both daemons of cfg, one sequence at a time (its
// steps on the two daemons at once), and compares their answers. Each
// sequence's objects are removed from both daemons when it ends, whatever
// happened. It fails only when the daemons cannot be asked at all.
func Check(ctx context.Context, cfg Config, seqs []Sequence) (*Result, error) {
	if cfg.Version == "" {
		cfg.Version = "1.41"
	}
	var rid [4]byte
	rand.Read(rid[:])
	run := hex.EncodeToString(rid[:])
	idA, imgA, err := identity(ctx, cfg.A, cfg.Version, cfg.Image)
	if err != nil {
		return nil, err
	}
	idB, imgB, err := identity(ctx, cfg.B, cfg.Version, cfg.Image)
	if err != nil {
		return nil, err
	}
	gwA := hasNetwork(ctx, cfg.A, cfg.Version, "docker_gwbridge")
	gwB := hasNetwork(ctx, cfg.B, cfg.Version, "docker_gwbridge")
	par := max(cfg.Parallel, 1)
	slots := make(chan struct{}, par)
	per := make([][]Difference, len(seqs))
	var mu sync.Mutex // guards cfg.Progress
	var all sync.WaitGroup
	var ctxErr error
	for i, seq := range seqs {
		if ctxErr = ctx.Err(); ctxErr != nil {
			break
		}
		base, err := baseVars(cfg, run, i+1)
		if err != nil {
			return nil, err
		}
		need := 1
		if seq.Alone {
			need = par // swarm and the like are daemon-wide: nothing beside them
		}
		for range need {
			slots <- struct{}{}
		}
		all.Go(func() {
			defer func() {
				for range need {
					<-slots
				}
			}()
			t0 := time.Now()
			var a, b side
			var wg sync.WaitGroup
			wg.Go(func() { a = runSide(ctx, cfg.A, cfg.Version, seq, base, imgA) })
			wg.Go(func() { b = runSide(ctx, cfg.B, cfg.Version, seq, base, imgB) })
			wg.Wait()
			per[i] = compareSides(seq, a, b, newNormaliser(idA, run), newNormaliser(idB, run))
			if cfg.Progress != nil {
				mu.Lock()
				fmt.Fprintf(cfg.Progress, "diffcheck: %-50s %3d steps %4d differences %5.1f s\n", seq.Name, len(seq.Steps), len(per[i]), time.Since(t0).Seconds())
				mu.Unlock()
			}
		})
	}
	all.Wait()
	res := &Result{}
	for i, seq := range seqs {
		if per[i] == nil && ctxErr != nil {
			break
		}
		res.Ran = append(res.Ran, seq.Name)
		res.Requests += len(seq.Steps)
		res.Differences = append(res.Differences, per[i]...)
	}
	cfg.Known.Mark(res.Differences)
	for _, d := range []struct {
		daemon Daemon
		hadGw  bool
	}{{cfg.A, gwA}, {cfg.B, gwB}} {
		if !d.hadGw && hasNetwork(ctx, d.daemon, cfg.Version, "docker_gwbridge") {
			// swarm init made it and swarm leave keeps it.
			send(context.WithoutCancel(ctx), d.daemon, cfg.Version, "DELETE", "/networks/docker_gwbridge")
		}
		everything := ownedBy(run, 0)
		sweep(context.WithoutCancel(ctx), d.daemon, cfg.Version, everything)
		res.Leftovers = append(res.Leftovers, leftovers(context.WithoutCancel(ctx), d.daemon, cfg.Version, everything)...)
	}
	res.Stale = cfg.Known.Stale(res.Ran)
	return res, ctxErr
}

// baseVars are the built-in variables of the n-th sequence of run.
func baseVars(cfg Config, run string, n int) (vars, error) {
	dir := filepath.Join(cfg.HostDir, strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("differential: host dir: %w", err)
	}
	os.Chmod(dir, 0o777) // containers may run as any user
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("differential: a free port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return vars{
		"image": cfg.Image, "run": run, "labels": labelsJSON(seqLabel(run, n)), "label": LabelKey + "=" + seqLabel(run, n),
		"name": seqName(run, n), "hostdir": dir, "port": strconv.Itoa(port), seqVar: strconv.Itoa(n),
	}, nil
}

// runSide runs seq's steps on d, then its finally steps and the sweep of
// what it made. imageID is the test image's id on d ({{imageid}}).
func runSide(ctx context.Context, d Daemon, version string, seq Sequence, base vars, imageID string) side {
	v := vars{"imageid": imageID}
	for k, val := range base {
		v[k] = val
	}
	var s side
	for _, st := range seq.Steps {
		if st.Pause > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(st.Pause):
			}
		}
		s.lacked = append(s.lacked, v.lacks(st))
		r, err := prepare(st, v, version)
		var a Answer
		if err != nil {
			r, a = &request{method: st.Method, target: st.Path}, Answer{Err: err.Error()}
		} else {
			a = exchange(ctx, d, r)
		}
		var saved [][2]string
		for _, c := range st.Save {
			if val, ok := savedValue(a, c.Path); ok {
				v[c.Var] = val
				saved = append(saved, [2]string{c.Var, val})
			}
		}
		s.reqs = append(s.reqs, r)
		s.answers = append(s.answers, a)
		s.saves = append(s.saves, saved)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	for _, st := range seq.Finally {
		if r, err := prepare(st, v, version); err == nil {
			exchange(cctx, d, r)
		}
	}
	n, _ := strconv.Atoi(base[seqVar])
	sweep(cctx, d, version, ownedBy(base["run"], n))
	removeBuildLeftovers(cctx, d, version, builtImages(s))
	return s
}

// compareSides normalises both runs of seq and compares them step by step.
func compareSides(seq Sequence, a, b side, na, nb *normaliser) []Difference {
	var out []Difference
	for i, st := range seq.Steps {
		da := decodeStep(a, i, na)
		db := decodeStep(b, i, nb)
		if len(st.Mask) > 0 {
			mask(da, st.Mask)
			mask(db, st.Mask)
		}
		base := Difference{Seq: seq.Name, Class: seq.Class, Step: i + 1, Request: st.Request(), FollowOn: a.lacked[i] || b.lacked[i]}
		out = append(out, compareAnswers(base, da, db, st.Volatile)...)
	}
	return out
}

// mask replaces what res match in every string of d by <masked>.
func mask(d decoded, res []*regexp.Regexp) {
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			for _, re := range res {
				x = re.ReplaceAllString(x, "<masked>")
			}
			return x
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	for _, k := range []string{"body", "stream", "text", "tar"} {
		if d[k] != nil {
			d[k] = walk(d[k])
		}
	}
}

func decodeStep(s side, i int, n *normaliser) decoded {
	n.request(s.reqs[i])
	for _, kv := range s.saves[i] {
		n.saved(kv[0], kv[1])
	}
	return decode(s.answers[i], n)
}

// send makes one request outside any sequence and decodes its JSON answer
// into out when out is not nil.
func send(ctx context.Context, d Daemon, version, method, target string, out ...any) (int, error) {
	r, err := prepare(Step{Method: method, Path: target}, vars{}, version)
	if err != nil {
		return 0, err
	}
	a := exchange(ctx, d, r)
	if a.Err != "" {
		return 0, fmt.Errorf("differential: %s %s on %s: %s", method, target, d.Name, a.Err)
	}
	if len(out) > 0 && a.Status < 300 {
		if err := json.Unmarshal(a.Body, out[0]); err != nil {
			return a.Status, fmt.Errorf("differential: %s %s on %s: %w", method, target, d.Name, err)
		}
	}
	return a.Status, nil
}

// identity asks d for the strings that name it rather than what it does:
// its version, data root, host name, kernel and id, and the test image's
// id, which it also returns.
func identity(ctx context.Context, d Daemon, version, image string) (map[string]string, string, error) {
	var info struct {
		ID, Name, DockerRootDir, KernelVersion, ServerVersion, OperatingSystem string
	}
	st, err := send(ctx, d, version, "GET", "/info", &info)
	if err != nil {
		return nil, "", err
	}
	if st != 200 {
		return nil, "", fmt.Errorf("differential: GET /info on %s: status %d", d.Name, st)
	}
	var img struct {
		ID string `json:"Id"`
	}
	if _, err := send(ctx, d, version, "GET", "/images/"+image+"/json", &img); err != nil || img.ID == "" {
		return nil, "", fmt.Errorf("differential: the test image %s on %s: %v", image, d.Name, err)
	}
	return map[string]string{
		strings.TrimPrefix(img.ID, "sha256:"): "<image-id>",
		info.ID:                               "<daemon-id>", info.Name: "<host>", info.DockerRootDir: "<root>",
		info.KernelVersion: "<kernel>", info.ServerVersion: "<server-version>", info.OperatingSystem: "<os>",
	}, img.ID, nil
}

func hasNetwork(ctx context.Context, d Daemon, version, name string) bool {
	st, _ := send(ctx, d, version, "GET", "/networks/"+name)
	return st == 200
}

// sweep removes from d everything mine owns: containers (with their
// anonymous volumes), services, secrets, configs, networks, volumes and
// images, found by label or by name.
func sweep(ctx context.Context, d Daemon, version string, mine owner) {
	for _, o := range objects(ctx, d, version, mine) {
		send(ctx, d, version, "DELETE", o.remove)
	}
}

var (
	stepImage = regexp.MustCompile(` ---> ([0-9a-f]{12})\b`)
	auxImage  = regexp.MustCompile(`"ID":"sha256:([0-9a-f]{64})"`)
)

// builtImages are the ids of the images s's builds made (a step's
// " ---> id" line, an aux ID), short or long.
func builtImages(s side) []string {
	var ids []string
	for i, r := range s.reqs {
		if !strings.Contains(r.target, "/build") {
			continue
		}
		for _, re := range []*regexp.Regexp{stepImage, auxImage} {
			for _, m := range re.FindAllSubmatch(s.answers[i].Body, -1) {
				ids = append(ids, string(m[1]))
			}
		}
	}
	return ids
}

// removeBuildLeftovers removes the dangling images (no tag, no child)
// among built: a stage of a multi-stage build that the final image does
// not descend from, a failed build's last step. Only dangling ones: a
// build's first " ---> id" is the test image itself.
func removeBuildLeftovers(ctx context.Context, d Daemon, version string, built []string) {
	if len(built) == 0 {
		return
	}
	for range 5 { // removing one may leave its parent dangling
		var is []struct {
			ID string `json:"Id"`
		}
		send(ctx, d, version, "GET", `/images/json?filters={"dangling":["true"]}`, &is)
		removed := false
		for _, im := range is {
			hex := strings.TrimPrefix(im.ID, "sha256:")
			for _, b := range built {
				if strings.HasPrefix(hex, b) {
					if st, _ := send(ctx, d, version, "DELETE", "/images/"+im.ID); st == 200 {
						removed = true
					}
					break
				}
			}
		}
		if !removed {
			return
		}
	}
}

// leftovers lists what mine still has on d.
func leftovers(ctx context.Context, d Daemon, version string, mine owner) []string {
	var out []string
	for _, o := range objects(ctx, d, version, mine) {
		out = append(out, d.Name+": "+o.what)
	}
	return out
}

type object struct{ what, remove string }

// objects lists mine's objects on d, in the order they can be removed.
func objects(ctx context.Context, d Daemon, version string, mine owner) []object {
	var out []object
	var cs []struct {
		ID     string `json:"Id"`
		Names  []string
		Labels map[string]string
	}
	send(ctx, d, version, "GET", "/containers/json?all=1", &cs)
	for _, c := range cs {
		if mine.labelled(c.Labels) || (len(c.Names) > 0 && mine.named(c.Names[0])) {
			out = append(out, object{"container " + strings.Join(c.Names, ","), "/containers/" + c.ID + "?force=1&v=1"})
		}
	}
	for _, kind := range []string{"services", "secrets", "configs"} {
		var objs []struct {
			ID   string
			Spec struct {
				Name   string
				Labels map[string]string
			}
		}
		send(ctx, d, version, "GET", "/"+kind, &objs)
		for _, o := range objs {
			if mine.labelled(o.Spec.Labels) || mine.named(o.Spec.Name) {
				out = append(out, object{strings.TrimSuffix(kind, "s") + " " + o.Spec.Name, "/" + kind + "/" + o.ID})
			}
		}
	}
	var ns []struct {
		ID     string `json:"Id"`
		Name   string
		Labels map[string]string
	}
	send(ctx, d, version, "GET", "/networks", &ns)
	for _, n := range ns {
		if mine.labelled(n.Labels) || mine.named(n.Name) {
			out = append(out, object{"network " + n.Name, "/networks/" + n.ID})
		}
	}
	var vs struct {
		Volumes []struct {
			Name   string
			Labels map[string]string
		}
	}
	send(ctx, d, version, "GET", "/volumes", &vs)
	for _, v := range vs.Volumes {
		if mine.labelled(v.Labels) || mine.named(v.Name) {
			out = append(out, object{"volume " + v.Name, "/volumes/" + v.Name + "?force=1"})
		}
	}
	var is []struct {
		ID       string `json:"Id"`
		RepoTags []string
		Labels   map[string]string
	}
	send(ctx, d, version, "GET", "/images/json", &is)
	for _, im := range is {
		// By tag, never by id: a sequence may tag a shared image (the test
		// image) with one of its names, and removing the tag must leave the
		// image.
		tagged := false
		for _, t := range im.RepoTags {
			if mine.named(t) {
				tagged = true
				out = append(out, object{"image " + t, "/images/" + t})
			}
		}
		if !tagged && mine.labelled(im.Labels) {
			out = append(out, object{"image " + im.ID, "/images/" + im.ID})
		}
	}
	return out
}

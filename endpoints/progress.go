package endpoints

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dockwire/dockwire/wire"
)

// ProgressDetail is the byte count of one layer's download, upload or
// extraction (swagger: ProgressDetail).
type ProgressDetail struct {
	Current int64 `json:"current,omitempty"`
	Total   int64 `json:"total,omitempty"`
	// Hide and Units appear in BuildKit-era records; Start is the Unix time
	// the step started.
	Units string `json:"units,omitempty"`
	Start int64  `json:"start,omitempty"`
	Hide  bool   `json:"hidecounts,omitempty"`
}

// Progress is one record of the JSON message stream of a pull, push, import,
// load or classic build (swagger: CreateImageInfo, PushImageInfo,
// BuildInfo), and of a plugin pull, push or upgrade.
//
// Layer progress has an ID (the short layer id), a Status ("Downloading",
// "Pushing", "Pull complete") and a ProgressDetail; build output arrives as
// Stream text; Aux carries the operation's result (a build's {"ID": ...},
// a push's {"Tag", "Digest", "Size"}). Error records never reach the
// callback: they end the operation with an error (see [ImageService.Pull]).
type Progress struct {
	ID             string          `json:"id,omitempty"`
	Status         string          `json:"status,omitempty"`
	ProgressDetail *ProgressDetail `json:"progressDetail,omitempty"`
	// ProgressBar is the daemon's own rendering ("[==>   ] 1.2MB/3MB"),
	// deprecated in API 1.48 but still sent.
	ProgressBar string          `json:"progress,omitempty"`
	Stream      string          `json:"stream,omitempty"`
	Aux         json.RawMessage `json:"aux,omitempty"`
}

// ProgressFunc receives the records of a pull, push, import, load or build,
// or of a plugin pull, push or upgrade, as they arrive, in the caller's
// goroutine. It must not block for long: the daemon's output waits
// meanwhile.
type ProgressFunc func(Progress)

// ProgressTotal aggregates layer records into overall bytes done and total,
// for a single progress bar across layers:
//
//	var total endpoints.ProgressTotal
//	_, err := cli.Images.Pull(ctx, ref, endpoints.ImagePullOptions{Progress: func(p endpoints.Progress) {
//		total.Add(p)
//		done, all := total.Bytes()
//		fmt.Printf("\r%d/%d", done, all)
//	}})
//
// Each layer counts with its latest phase: a layer that moved from
// "Downloading" to "Extracting" counts its extraction. Layers that finished
// ("Pull complete", "Pushed", "Already exists", "Layer already exists",
// "Mounted from") count as done at their last known total.
//
// # Concurrency
//
// A ProgressTotal is safe for concurrent use; its zero value is ready.
type ProgressTotal struct {
	mu     sync.Mutex
	layers map[string]*layerProgress
	order  []string
}

type layerProgress struct {
	current, total int64
	done           bool
}

// LayerProgress is one layer's state in a [ProgressTotal].
type LayerProgress struct {
	ID      string
	Current int64
	Total   int64 // 0 while unknown
	Done    bool
}

var doneStatuses = []string{"pull complete", "pushed", "already exists", "layer already exists", "mounted from", "download complete", "loaded"}

// Add folds one record in. Records without an ID (build output, final
// status lines) are ignored.
func (t *ProgressTotal) Add(p Progress) {
	if p.ID == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.layers == nil {
		t.layers = map[string]*layerProgress{}
	}
	l, ok := t.layers[p.ID]
	if !ok {
		l = &layerProgress{}
		t.layers[p.ID] = l
		t.order = append(t.order, p.ID)
	}
	status := strings.ToLower(p.Status)
	for _, d := range doneStatuses {
		if strings.HasPrefix(status, d) {
			l.done = true
			if l.total > 0 {
				l.current = l.total
			}
			return
		}
	}
	if d := p.ProgressDetail; d != nil && (d.Total > 0 || d.Current > 0) {
		if d.Total > 0 {
			l.total = d.Total
		}
		l.current = d.Current
		if l.total > 0 && l.current > l.total {
			l.current = l.total
		}
	}
}

// Bytes returns the bytes done and the total over the layers seen so far;
// total counts only the layers whose size is known.
func (t *ProgressTotal) Bytes() (done, total int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range t.layers {
		if l.total > 0 {
			done += l.current
			total += l.total
		}
	}
	return done, total
}

// Layers returns every layer's state, in the order they first appeared.
func (t *ProgressTotal) Layers() []LayerProgress {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]LayerProgress, 0, len(t.order))
	for _, id := range t.order {
		l := t.layers[id]
		out = append(out, LayerProgress{ID: id, Current: l.current, Total: l.total, Done: l.done})
	}
	return out
}

// maxLog caps the output a build or load keeps for its result and errors.
const maxLog = 64 << 10

// tailBuffer keeps the last maxLog bytes written to it.
type tailBuffer struct {
	b   []byte
	cut bool
}

func (t *tailBuffer) WriteString(s string) {
	t.b = append(t.b, s...)
	if len(t.b) > 2*maxLog {
		t.b = append(t.b[:0], t.b[len(t.b)-maxLog:]...)
		t.cut = true
	}
}

func (t *tailBuffer) String() string {
	b := t.b
	if len(b) > maxLog {
		b = b[len(b)-maxLog:]
	}
	if t.cut || len(t.b) > maxLog {
		return "..." + string(b)
	}
	return string(b)
}

// progressRun holds what an operation learned from its stream.
type progressRun struct {
	log     tailBuffer // Stream text and statuses without an ID
	aux     []json.RawMessage
	records int
}

// readProgress reads the JSON message stream of resp to its end (pull,
// push, import, load, build, plugin pull, push and upgrade), handing each
// record to fn and keeping the log and aux records. An error record ends it
// with the *wire.StreamError.
func readProgress(ctx context.Context, resp *wire.Response, fn ProgressFunc) (*progressRun, error) {
	st := wire.NewStream[Progress](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{})
	defer st.Close()
	run := &progressRun{}
	for st.Next() {
		p := st.Value()
		run.records++
		if p.Stream != "" {
			run.log.WriteString(p.Stream)
		} else if p.Status != "" && p.ID == "" {
			run.log.WriteString(p.Status + "\n")
		}
		if len(p.Aux) > 0 && len(run.aux) < 64 {
			run.aux = append(run.aux, p.Aux)
		}
		if fn != nil {
			fn(p)
		}
	}
	return run, st.Err()
}

// streamErr prefixes an in-band error with the operation, keeping it
// testable with errors.As(err, &*wire.StreamError).
func streamErr(op, what string, err error) error {
	if err == nil {
		return nil
	}
	var se *wire.StreamError
	if errors.As(err, &se) {
		return fmt.Errorf("endpoints: %s %s: %w", op, what, err)
	}
	return err
}

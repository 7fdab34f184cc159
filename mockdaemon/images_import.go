package mockdaemon

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// imageImport creates an image from a tar, as dockerd's ImportImage: the
// request's body (fromSrc=-) or what a GET of the URL fromSrc brings (a
// URL without a scheme is taken as http://). The tar may be compressed
// (gzip, bzip2, xz). The image has the changes in its Config, the
// message (else "Imported from SRC") as its comment and its history's,
// and the repo and tag given.
func (d *Daemon) imageImport(w http.ResponseWriter, r *http.Request, src string) error {
	q := r.URL.Query()
	ref, err := repoTagParams(r)
	if err != nil {
		return err
	}
	if ref.digest != "" {
		return errInvalid("cannot import digest reference")
	}
	// as dockerd's import: the changes go to Config only, ContainerConfig
	// stays empty, and the daemon writes its version
	f := imageFile{ContainerConfig: &imageConfig{}, DockerVersion: d.cfg.ServerVersion}
	if f.Config, err = buildFromConfig(f.Config, q["changes"]); err != nil {
		return err
	}
	js := newJSONStream(w)
	body, size := io.Reader(r.Body), r.ContentLength
	if src != "-" {
		if !strings.Contains(src, "://") {
			src = "http://" + src
		}
		rc, length, err := d.fetchImportSource(r, src, js)
		if err != nil {
			return err
		}
		defer rc.Close()
		body, size = rc, length
	}
	msg := q.Get("message")
	if msg == "" {
		msg = "Imported from " + src
	}
	f.Architecture = goArch()
	f.OS = "linux"
	f.Created = d.now()
	f.Comment = msg
	f.History = []historyEntry{{Created: f.Created, Comment: msg}}
	im, err := d.importLayer(r, body, size, f)
	if err != nil {
		if js.started {
			js.fail(err)
			return nil
		}
		return err
	}
	// published under the lock (put keeps an equal image already there);
	// as dockerd, the image stays (dangling) when its name is refused
	if err := d.locked(func() error {
		im = d.images.put(im)
		if ref.tag != "" {
			if err := d.tagImageLocked(im, ref); err != nil {
				return err
			}
		}
		d.events.emit("image", "import", im.id, im.eventAttrs(im.id))
		return nil
	}); err != nil {
		if js.started {
			js.fail(err)
			return nil
		}
		return err
	}
	js.msg(map[string]any{"status": im.id})
	return nil
}

// importLayer reads the (maybe compressed) tar body of size bytes (-1 if
// unknown) as the one layer of the image f, and makes the image.
func (d *Daemon) importLayer(r *http.Request, body io.Reader, size int64, f imageFile) (*image, error) {
	rc, compressed, err := decompress(r.Context(), body)
	if err != nil {
		return nil, errInternal(err.Error())
	}
	defer rc.Close()
	if compressed {
		size = -1
	}
	// read into a slice of the body's length: the layer keeps it as is
	data, err := memfs.ReadTar(rc, size, maxLoadFile)
	if errors.Is(err, memfs.ErrTooLarge) {
		return nil, errInvalid(fmt.Sprintf("mockdaemon: the imported tar is larger than %d bytes", maxLoadFile))
	}
	if de, ok := decompressFailure(err); ok {
		return nil, de
	}
	if err != nil {
		return nil, errInvalid("mockdaemon: read import body: " + err.Error())
	}
	lay := layer{data: data, diffID: tarDigest(data)}
	// the image is made outside the engine's lock; the caller publishes
	// it under the lock
	im, err := d.images.build(f, []layer{lay})
	if err != nil {
		return nil, tarFileError(err)
	}
	return im, nil
}

// fetchImportSource GETs the import's URL as dockerd's
// remotecontext.GetWithStatusError: a failure or an answer of 400 and
// above is the request's error (its status mapped as dockerd maps it).
// Once it answers, the stream starts with "Downloading from URL" and the
// body comes through a reader reporting "Importing" progress.
func (d *Daemon) fetchImportSource(r *http.Request, src string, js *jsonStream) (io.ReadCloser, int64, error) {
	_ = r.Body.Close()
	u, err := url.Parse(src)
	if err != nil {
		return nil, 0, errInvalid(err.Error())
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, errInvalid(err.Error())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && !dnsErr.IsTimeout {
			return nil, 0, errNotFound(err.Error())
		}
		return nil, 0, errInternal(err.Error())
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		msg := fmt.Sprintf("failed to GET %s with status %s", u, resp.Status)
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			msg += ": error reading body"
		} else {
			msg += ": " + strings.TrimSpace(string(b))
		}
		status := http.StatusInternalServerError
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
			status = resp.StatusCode
		}
		return nil, 0, &apiError{status, msg}
	}
	js.msg(map[string]any{"status": "Downloading from " + u.String()})
	return newProgressReader(resp.Body, resp.ContentLength, "Importing", js), resp.ContentLength, nil
}

// progressReader reports the progress of reading a body of known size
// as dockerd's progress.Reader: after each 1% (at most 512 KiB) read, at
// most ten times a second but always at the end; a read that ends the
// stream sends the last report and an empty message after it; closing
// it early reports the whole size.
type progressReader struct {
	rc          io.ReadCloser
	size        int64
	current     int64
	lastUpdate  int64
	action      string
	js          *jsonStream
	lastAllowed time.Time
	done        bool
}

func newProgressReader(rc io.ReadCloser, size int64, action string, js *jsonStream) *progressReader {
	return &progressReader{rc: rc, size: size, action: action, js: js}
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	p.current += int64(n)
	every := int64(512 << 10)
	if p.size > 0 {
		every = min(every, p.size/100)
	}
	if p.current-p.lastUpdate > every || err != nil {
		p.update(err != nil && n == 0)
		p.lastUpdate = p.current
	}
	return n, err
}

func (p *progressReader) Close() error {
	if p.current < p.size {
		p.current = p.size
		p.update(false)
	}
	return p.rc.Close()
}

func (p *progressReader) update(last bool) {
	if p.done {
		return
	}
	now := time.Now()
	if !last && p.current != p.size && now.Sub(p.lastAllowed) < 100*time.Millisecond {
		return
	}
	p.lastAllowed = now
	p.js.msg(progressMessage(p.action, "", p.current, p.size))
	if last {
		p.done = true
		p.js.msg(map[string]any{})
	}
}

// progressMessage is a JSON progress message as dockerd's
// streamformatter writes it: progressDetail and the bar a terminal of
// 200 columns would show.
func progressMessage(action, id string, current, total int64) map[string]any {
	detail := map[string]any{}
	if current != 0 {
		detail["current"] = current
	}
	if total != 0 {
		detail["total"] = total
	}
	m := map[string]any{"status": action, "progressDetail": detail}
	if bar := progressBar(current, total); bar != "" {
		m["progress"] = bar
	}
	if id != "" {
		m["id"] = id
	}
	return m
}

// progressBar is jsonmessage.JSONProgress's String for a wide terminal
// and a progress with no start time: the bar, then current/total.
func progressBar(current, total int64) string {
	if current <= 0 && total <= 0 {
		return ""
	}
	if total <= 0 {
		return fmt.Sprintf("%8v", humanSize(current))
	}
	pct := min(int(float64(current)/float64(total)*100)/2, 50)
	bar := "[" + strings.Repeat("=", pct) + ">" + strings.Repeat(" ", max(50-pct, 0)) + "] "
	if current > total {
		return bar + fmt.Sprintf("%8v", humanSize(current))
	}
	return bar + fmt.Sprintf("%8v/%v", humanSize(current), humanSize(total))
}

// humanSize writes n bytes in decimal units with four significant
// digits, as go-units' HumanSize: "10.24kB", "3.011MB", "200B".
func humanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	size, i := float64(n), 0
	for size >= 1000 && i < len(units)-1 {
		size /= 1000
		i++
	}
	return fmt.Sprintf("%.4g%s", size, units[i])
}

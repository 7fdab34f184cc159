package mockdaemon

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Credentials are a user name and password a registry accepts.
type Credentials struct {
	Username string
	Password string
}

// The emulated registries: each registry host named in Config.Registries
// ("127.0.0.1:5000") is an in-memory registry. A push to host/repo:tag
// stores the image there, and a pull of that name fetches it back (after
// the local copy was removed, say). Hosts with non-empty Credentials ask
// for them (X-Registry-Auth on push/pull/distribution, the body of
// /auth); the others are open. Every other registry host does not answer:
// the mock reports it as a closed port, and docker.io as a Hub that denies
// what the catalogue lacks.

// registryStore is what was pushed to the emulated registries.
type registryStore struct {
	images  map[string]*image         // by "host/repo:tag" and "host/repo@digest"
	plugins map[string]map[string]any // plugin configs, by normalised name
}

// registryHostOf is the registry of a normalised name ("docker.io" for
// Docker Hub).
func registryHostOf(full string) string {
	first, _, ok := strings.Cut(full, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// registryScheme is how dockerd talks to host: http for loopback (the
// insecure-registry default), https otherwise.
func registryScheme(host string) string {
	h := host
	if i := strings.LastIndex(h, ":"); i > 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	if h == "localhost" || strings.HasPrefix(h, "127.") || h == "[::1]" {
		return "http"
	}
	return "https"
}

// registryKnownLocked reports whether host answers: something was pushed
// there or it has credentials configured.
func (d *Daemon) registryKnownLocked(host string) bool {
	_, ok := d.cfg.Registries[host]
	return ok
}

// unreachable is the error of dialling a registry nobody emulates.
func unreachable(host string) error {
	return errInternal(fmt.Sprintf("Get \"%s://%s/v2/\": dial tcp %s: connect: connection refused", registryScheme(host), host, hostPort(host)))
}

// registryMissErrorLocked is the error of fetching a name no registry has.
func (d *Daemon) registryMissErrorLocked(full string) error {
	host := registryHostOf(full)
	if host == "docker.io" {
		repo, _, _ := strings.Cut(strings.TrimPrefix(full, "docker.io/"), ":")
		return errNotFound(fmt.Sprintf("pull access denied for %s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", strings.TrimPrefix(repo, "library/")))
	}
	if !d.registryKnownLocked(host) {
		return unreachable(host)
	}
	return errNotFound(fmt.Sprintf("manifest for %s not found: manifest unknown: manifest unknown", full))
}

// requestCreds decodes X-Registry-Auth (base64url JSON, padded or not).
func requestCreds(r *http.Request) (Credentials, bool) {
	h := r.Header.Get("X-Registry-Auth")
	if h == "" {
		return Credentials{}, false
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if raw, err = enc.DecodeString(h); err == nil {
			break
		}
	}
	if err != nil {
		return Credentials{}, false
	}
	var a struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if json.Unmarshal(raw, &a) != nil || a.Username == "" && a.Password == "" {
		return Credentials{}, false
	}
	return Credentials{a.Username, a.Password}, true
}

// registryAuthError checks the request's credentials against those the
// registry of full asks for; nil when it is open or they match.
func (d *Daemon) registryAuthError(r *http.Request, full string) error {
	host := registryHostOf(full)
	want, ok := d.cfg.Registries[host]
	if !ok {
		if host == "docker.io" {
			return nil
		}
		return unreachable(host)
	}
	if want == (Credentials{}) {
		return nil
	}
	got, given := requestCreds(r)
	if !given {
		return &apiError{http.StatusUnauthorized, "no basic auth credentials"}
	}
	if got != want {
		return &apiError{http.StatusUnauthorized, "unauthorized: authentication required"}
	}
	return nil
}

// checkRegistryAuth is registryAuthError for operations that answer it
// before any stream (plugin pull/privileges, distribution inspect).
func (d *Daemon) checkRegistryAuth(r *http.Request, full string) error {
	err := d.registryAuthError(r, full)
	if err == nil {
		return nil
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.status != http.StatusUnauthorized {
		return err
	}
	host := registryHostOf(full)
	return &apiError{http.StatusUnauthorized, fmt.Sprintf("Head \"%s://%s/v2/%s/manifests/%s\": %s", registryScheme(host), host, repoPath(full), tagOf(full), err.Error())}
}

func repoPath(full string) string {
	host := registryHostOf(full)
	p := strings.TrimPrefix(full, host+"/")
	p, _, _ = strings.Cut(p, "@")
	if i := strings.LastIndex(p, ":"); i > strings.LastIndex(p, "/") {
		p = p[:i]
	}
	return p
}

func tagOf(full string) string {
	if _, dg, ok := strings.Cut(full, "@"); ok {
		return dg
	}
	if i := strings.LastIndex(full, ":"); i > strings.LastIndex(full, "/") {
		return full[i+1:]
	}
	return "latest"
}

// registryLogin checks POST /auth credentials for a configured registry;
// handled is false for a registry without configured credentials.
func (d *Daemon) registryLogin(user, pass, server string) (handled bool, err error) {
	host := strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	host, _, _ = strings.Cut(host, "/")
	if host == "" || host == "index.docker.io" || host == "registry-1.docker.io" {
		host = "docker.io"
	}
	want, ok := d.cfg.Registries[host]
	if !ok {
		if host == "docker.io" {
			return false, nil
		}
		return true, unreachable(host)
	}
	if want != (Credentials{}) && (Credentials{user, pass}) != want {
		if host == "docker.io" {
			return true, &apiError{http.StatusUnauthorized, "Get \"https://registry-1.docker.io/v2/\": unauthorized: incorrect username or password"}
		}
		return true, &apiError{http.StatusUnauthorized, fmt.Sprintf("login attempt to %s://%s/v2/ failed with status: 401 Unauthorized", registryScheme(host), host)}
	}
	return true, nil
}

// registryPush stores the images of ref in its emulated registry and
// writes the push stream after "The push refers to repository".
func (d *Daemon) registryPush(js *jsonStream, r *http.Request, ref imageRef, ims []*image) {
	full := ref.domain() + "/" + ref.path()
	if ref.domain() == "docker.io" {
		js.fail(fmt.Errorf("denied: requested access to the resource is denied"))
		return
	}
	if err := d.registryAuthError(r, full); err != nil {
		js.fail(err)
		return
	}
	for _, im := range ims {
		tags, _ := lockedValue(d, func() ([]string, error) { return slices.Clone(im.tags), nil })
		for _, t := range tags {
			tr, err := parseRef(t, true)
			if err != nil || tr.repo != ref.repo || ref.tag != "" && tr.tag != ref.tag {
				continue
			}
			if q := r.URL.Query().Get("tag"); q != "" && tr.tag != q {
				continue
			}
			for _, l := range im.layers {
				short := strings.TrimPrefix(l.diffID, "sha256:")[:12]
				js.msg(map[string]any{"status": "Preparing", "progressDetail": map[string]any{}, "id": short})
				js.msg(map[string]any{"status": "Pushed", "progressDetail": map[string]any{}, "id": short})
			}
			dg := digestOf(im.manifest)
			_ = d.locked(func() error {
				d.registry.images[full+":"+tr.tag] = im
				d.registry.images[full+"@"+dg] = im
				d.images.addDigest(im, tr)
				return nil
			})
			js.msg(map[string]any{"status": fmt.Sprintf("%s: digest: %s size: %d", tr.tag, dg, len(im.manifest))})
			js.msg(map[string]any{"progressDetail": map[string]any{}, "aux": map[string]any{"Tag": tr.tag, "Digest": dg, "Size": len(im.manifest)}})
			d.emit("image", "push", tr.String(), map[string]string{"name": tr.String()})
		}
	}
}

// registryFetchLocked finds ref in its emulated registry and tags it
// locally, as a pull does; nil when the registry does not have it.
func (d *Daemon) registryFetchLocked(ref imageRef) *image {
	full := ref.domain() + "/" + ref.path()
	key := full + ":" + ref.tag
	if ref.digest != "" {
		key = full + "@" + ref.digest
	}
	im := d.registry.images[key]
	if im == nil {
		return nil
	}
	im = d.images.put(im)
	if ref.tag != "" {
		_ = d.images.tag(im, ref) // a registry's repository is never plain "sha256"
	}
	d.images.addDigest(im, ref)
	return im
}

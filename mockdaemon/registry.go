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

// pullAuthError is the request's credentials refused as a pull meets
// it, a 500: missing ones stop the client's request for target (a tag's
// or digest's manifest, or "tags/list") before it leaves, wrong ones are
// the registry's answer.
func (d *Daemon) pullAuthError(r *http.Request, ref imageRef, target string) error {
	full := ref.domain() + "/" + ref.path()
	err := d.registryAuthError(r, full)
	var ae *apiError
	if err == nil || !errors.As(err, &ae) || ae.status != http.StatusUnauthorized {
		return err
	}
	if ae.msg == "no basic auth credentials" {
		return errInternal(registryRequest(full, target) + ": " + ae.msg)
	}
	return errInternal(ae.msg)
}

// registryRequest names the request a registry client makes for target
// of the repository full: `Head "http://host/v2/repo/manifests/tag"`, or
// `Get "http://host/v2/repo/tags/list"`.
func registryRequest(full, target string) string {
	host := registryHostOf(full)
	base := registryScheme(host) + "://" + host + "/v2/" + repoPath(full) + "/"
	if target == "tags/list" {
		return "Get \"" + base + target + "\""
	}
	return "Head \"" + base + "manifests/" + target + "\""
}

// registryTagsLocked is the tags of ref's repository a pull of all of
// them fetches, in the registry's (lexical) order: the emulated
// registry's, or Docker Hub's catalogue; else the registry's error.
func (d *Daemon) registryTagsLocked(ref imageRef) ([]imageRef, error) {
	var tags []string
	if ref.domain() == "docker.io" {
		for k := range d.images.catalogue {
			if tr, err := parseRef(k, false); err == nil && tr.repo == ref.repo && tr.tag != "" {
				tags = append(tags, tr.tag)
			}
		}
	} else {
		prefix := ref.domain() + "/" + ref.path() + ":"
		for k := range d.registry.images {
			if t, ok := strings.CutPrefix(k, prefix); ok {
				tags = append(tags, t)
			}
		}
	}
	if len(tags) == 0 {
		if ref.domain() == "docker.io" || !d.registryKnownLocked(ref.domain()) {
			return nil, d.registryMissErrorLocked(ref.domain() + "/" + ref.path() + ":latest")
		}
		return nil, errNotFound("repository " + ref.repo + " not found: name unknown: repository name not known to registry")
	}
	slices.Sort(tags)
	out := make([]imageRef, len(tags))
	for i, t := range tags {
		out[i] = imageRef{repo: ref.repo, tag: t}
	}
	return out, nil
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

// registryLogin checks POST /auth credentials for a configured registry,
// with dockerd's errors for API version ver: wrong ones are the login's
// "failed with status: 401" (a 500 on dockerd 20.10, untyped), none at
// all stop the client's transport before it answers the challenge;
// handled is false for a registry without configured credentials.
func (d *Daemon) registryLogin(ver apiVersion, user, pass, server string) (handled bool, err error) {
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
		if user == "" && pass == "" {
			// the client's transport has none to answer the challenge
			return true, errInternal(fmt.Sprintf("Get \"%s://%s/v2/\": no basic auth credentials", registryScheme(host), host))
		}
		status := http.StatusUnauthorized
		if !ver.atLeast("1.42") {
			status = http.StatusInternalServerError // untyped on dockerd 20.10
		}
		return true, &apiError{status, fmt.Sprintf("login attempt to %s://%s/v2/ failed with status: 401 Unauthorized", registryScheme(host), host)}
	}
	return true, nil
}

// registryPush pushes ref as dockerd's distribution.Push, writing the
// stream after "The push refers to repository": the local tags of ref's
// repository (ref's tag only, when it has one), in lexical order, each
// as its layers top down ("Preparing"), what the registry does with
// each (a layer the repository has "Layer already exists", one another
// repository of the registry has "Mounted from" it, else "Pushed"), its
// digest line and aux; then its event. Its error ends the stream.
func (d *Daemon) registryPush(js *jsonStream, r *http.Request, ref imageRef) error {
	full := ref.domain() + "/" + ref.path()
	type item struct {
		tag string
		im  *image
	}
	items, err := lockedValue(d, func() ([]item, error) {
		var items []item
		for t, id := range d.images.tags {
			if tr, err := parseRef(t, false); err == nil && tr.repo == ref.repo {
				items = append(items, item{tr.tag, d.images.byID[id]})
			}
		}
		if len(items) == 0 {
			return nil, errors.New("An image does not exist locally with the tag: " + ref.repo)
		}
		if host := ref.domain(); host != "docker.io" && !d.registryKnownLocked(host) {
			return nil, unreachable(host) // the registry is asked before the tag is looked up
		}
		if ref.tag != "" {
			im, ok := d.images.byID[d.images.tags[ref.tagged()]]
			if !ok {
				return nil, errors.New("tag does not exist: " + ref.tagged())
			}
			return []item{{ref.tag, im}}, nil
		}
		if ref.digest != "" {
			return nil, errors.New("cannot push a digest reference")
		}
		slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.tag, b.tag) })
		return items, nil
	})
	if err != nil {
		return err
	}
	host := ref.domain()
	for _, it := range items {
		for i := len(it.im.layers) - 1; i >= 0; i-- {
			js.msg(map[string]any{"status": "Preparing", "progressDetail": map[string]any{}, "id": shortDigest(it.im.layers[i].diffID)})
		}
		if host == "docker.io" {
			return errors.New("denied: requested access to the resource is denied")
		}
		if err := d.registryAuthError(r, full); err != nil {
			var ae *apiError
			if errors.As(err, &ae) {
				return errors.New(ae.msg) // in the stream: no status
			}
			return err
		}
		dg := digestOf(it.im.manifest)
		_ = d.locked(func() error {
			for _, l := range it.im.layers {
				status := "Pushed"
				if from := d.registryBlobSourceLocked(host, ref.path(), l.diffID); from == ref.path() {
					status = "Layer already exists"
				} else if from != "" {
					status = "Mounted from " + from
				}
				js.msg(map[string]any{"status": status, "progressDetail": map[string]any{}, "id": shortDigest(l.diffID)})
			}
			d.registry.images[full+":"+it.tag] = it.im
			d.registry.images[full+"@"+dg] = it.im
			d.images.addDigest(it.im, imageRef{repo: ref.repo})
			return nil
		})
		js.msg(map[string]any{"status": fmt.Sprintf("%s: digest: %s size: %d", it.tag, dg, len(it.im.manifest))})
		js.msg(map[string]any{"progressDetail": map[string]any{}, "aux": map[string]any{"Tag": it.tag, "Digest": dg, "Size": len(it.im.manifest)}})
	}
	// one event for the push, named as it was asked for
	d.emit("image", "push", ref.String(), map[string]string{"name": ref.String()})
	return nil
}

// registryBlobSourceLocked is where the registry host has the layer
// diffID: repo when that repository has it, else the repository a push
// would mount it from (the one sharing the most leading path components
// with repo, then the first in lexical order), "" when none has it.
func (d *Daemon) registryBlobSourceLocked(host, repo, diffID string) string {
	best, bestLike := "", -1
	for key, im := range d.registry.images {
		if !strings.HasPrefix(key, host+"/") || !slices.ContainsFunc(im.layers, func(l layer) bool { return l.diffID == diffID }) {
			continue
		}
		p := repoPath(key)
		if p == repo {
			return repo
		}
		like := 0
		for a, b := strings.Split(p, "/"), strings.Split(repo, "/"); like < min(len(a), len(b)) && a[like] == b[like]; like++ {
		}
		if like > bestLike || like == bestLike && p < best {
			best, bestLike = p, like
		}
	}
	return best
}

// shortDigest is the 12 hex digits of a digest progress messages name.
func shortDigest(dg string) string { return strings.TrimPrefix(dg, "sha256:")[:12] }

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

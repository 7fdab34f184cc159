package conformance

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// registry returns the target's open registry, or skips.
func (e *Env) registry() string {
	e.T.Helper()
	if r := e.Target.Registries; r != nil && r.Open != "" {
		return r.Open
	}
	e.T.Skip("the target names no open registry (Target.Registries; for a real daemon scripts/registry.sh up starts one)")
	return ""
}

// authRegistry returns the target's registry that needs credentials, its
// user and password, or skips.
func (e *Env) authRegistry() (host, user, password string) {
	e.T.Helper()
	if r := e.Target.Registries; r != nil && r.Auth != "" && r.User != "" {
		return r.Auth, r.User, r.Password
	}
	e.T.Skip("the target names no registry with auth (Target.Registries; for a real daemon scripts/registry.sh up starts one)")
	return "", "", ""
}

// writeDockerConfig writes a config.json into a fresh directory and loads
// it.
func (e *Env) writeDockerConfig(json string) *endpoints.ConfigFile {
	e.T.Helper()
	dir := e.T.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(json), 0o600); err != nil {
		e.T.Fatal(err)
	}
	cfg, err := endpoints.LoadConfigFile(dir)
	if err != nil {
		e.T.Fatal(err)
	}
	return cfg
}

// pushable builds a tiny image and tags it as reg/dockwire-<what>-<run>:v1.
func (e *Env) pushable(reg, what string) string {
	e.T.Helper()
	local := e.imageRef(what)
	e.buildTiny(local, what)
	ref := reg + "/" + local
	e.removeImageLater(ref)
	if _, err := e.Client.Images.Tag(e.Ctx, local, ref, endpoints.ImageTagOptions{}); err != nil {
		e.T.Fatal(err)
	}
	return ref
}

// authFailed reports whether err is the daemon refusing registry
// credentials: a *wire.Error or an in-stream *wire.StreamError about
// authentication.
func authFailed(err error) bool {
	var werr *wire.Error
	var serr *wire.StreamError
	msg := ""
	switch {
	case errors.As(err, &werr):
		msg = werr.Message
	case errors.As(err, &serr):
		msg = serr.Message
	default:
		return false
	}
	msg = strings.ToLower(msg)
	return strings.Contains(msg, "auth") || strings.Contains(msg, "401") || strings.Contains(msg, "denied")
}

// registryScenarios are the scenarios of push, pull, login and search against the target's registries.
var registryScenarios = []scenario{
	{"registry/push-pull/open", func(e *Env) {
		reg := e.registry()
		ref := e.pushable(reg, "push")
		is := e.Client.Images
		var pushed []endpoints.Progress
		var total endpoints.ProgressTotal
		res, err := is.Push(e.Ctx, ref, endpoints.ImagePushOptions{Progress: func(p endpoints.Progress) {
			pushed = append(pushed, p)
			total.Add(p)
		}})
		if err != nil {
			e.T.Fatalf("push: %v", err)
		}
		if !strings.HasPrefix(res.Digest, "sha256:") || res.Tag != "v1" || res.Size == 0 {
			e.T.Errorf("push result %+v", res)
		}
		if len(total.Layers()) == 0 {
			e.T.Errorf("push gave no layer records: %+v", show(pushed))
		}

		di, err := e.Client.Distribution.Inspect(e.Ctx, ref, endpoints.DistributionInspectOptions{})
		if err != nil {
			e.T.Fatalf("distribution inspect: %v", err)
		}
		if di.Descriptor.Digest != res.Digest || di.Descriptor.Size != res.Size || di.Descriptor.MediaType == "" {
			e.T.Errorf("distribution descriptor %+v, push said %+v", show(di.Descriptor), res)
		}

		if _, err := is.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
			e.T.Fatal(err)
		}
		var pulled int
		pr, err := is.Pull(e.Ctx, ref, endpoints.ImagePullOptions{Progress: func(endpoints.Progress) { pulled++ }})
		if err != nil {
			e.T.Fatalf("pull: %v", err)
		}
		if pr.Digest != res.Digest || pulled == 0 {
			e.T.Errorf("pull result %+v after %d records, pushed digest %s", pr, pulled, res.Digest)
		}
		in, err := is.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		repo, _, _ := strings.Cut(ref, ":v1")
		if !slices.Contains(in.RepoDigests, repo+"@"+res.Digest) {
			e.T.Errorf("pulled image digests %v, want %s@%s", in.RepoDigests, repo, res.Digest)
		}
	}},

	{"registry/pull/all-tags-listed-by-repository", func(e *Env) {
		// a repository named with the registry's host:port: pushed as
		// two tags, pulled back whole (AllTags), listed by its name
		reg := e.registry()
		ref := e.pushable(reg, "alltags")
		repo, _, _ := strings.Cut(ref, ":v1")
		is := e.Client.Images
		v2 := repo + ":v2"
		e.removeImageLater(v2)
		if _, err := is.Tag(e.Ctx, ref, v2, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if _, err := is.Push(e.Ctx, repo, endpoints.ImagePushOptions{All: true}); err != nil {
			e.T.Fatalf("push all tags: %v", err)
		}
		for _, r := range []string{ref, v2} {
			if _, err := is.Delete(e.Ctx, r, endpoints.ImageDeleteOptions{}); err != nil {
				e.T.Fatal(err)
			}
		}
		var pulling []string
		res, err := is.Pull(e.Ctx, repo, endpoints.ImagePullOptions{AllTags: true, Progress: func(p endpoints.Progress) {
			if strings.HasPrefix(p.Status, "Pulling from ") {
				pulling = append(pulling, p.ID)
			}
		}})
		if err != nil {
			e.T.Fatalf("pull all tags: %v", err)
		}
		if !slices.Equal(pulling, []string{"v1", "v2"}) || res.Status != "Status: Downloaded newer image for "+repo {
			e.T.Errorf("pull all tags: pulled %v, last status %q", pulling, res.Status)
		}
		for _, pattern := range []string{repo, repo + ":*", "*/" + strings.TrimPrefix(repo, reg+"/")} {
			l, err := is.List(e.Ctx, endpoints.ImageListOptions{Filters: wire.Filters{"reference": {pattern}}})
			if err != nil {
				e.T.Fatalf("list reference=%s: %v", pattern, err)
			}
			var tags []string
			for _, im := range l.Items {
				tags = append(tags, im.RepoTags...)
			}
			slices.Sort(tags)
			if !slices.Equal(tags, []string{ref, v2}) {
				e.T.Errorf("list reference=%s: tags %v, want %s and %s", pattern, tags, ref, v2)
			}
		}
		var werr *wire.Error
		if _, err := is.Pull(e.Ctx, ref, endpoints.ImagePullOptions{Platform: "foobar"}); !errors.As(err, &werr) || werr.StatusCode != 400 {
			e.T.Errorf("pull with platform foobar: %v, want the daemon's 400 before any registry is asked", err)
		}
	}},

	{"registry/push-pull/auth", func(e *Env) {
		reg, user, pass := e.authRegistry()
		var open string
		if r := e.Target.Registries; r != nil {
			open = r.Open
		}
		ref := e.pushable(reg, "authpush")
		is := e.Client.Images

		// No credentials: refused.
		if _, err := is.Push(e.Ctx, ref, endpoints.ImagePushOptions{}); !authFailed(err) {
			e.T.Errorf("push without credentials: %v, want the daemon's auth error", err)
		}

		// Credentials from config.json's auths; the other registry's
		// entry is a decoy that must not be picked.
		b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		cfgJSON := `{"auths":{"` + reg + `":{"auth":"` + b64(user+":"+pass) + `"}`
		if open != "" {
			cfgJSON += `,"http://` + open + `/v2/":{"auth":"` + b64("decoy:decoy-secret") + `"}`
		}
		cfg := e.writeDockerConfig(cfgJSON + `}}`)
		auth, err := cfg.AuthFor(e.Ctx, ref)
		if err != nil || auth == nil || auth.Username != user || auth.ServerAddress != reg {
			e.T.Fatalf("AuthFor %s: %+v %v", ref, auth, err)
		}
		if open != "" {
			other, err := cfg.AuthFor(e.Ctx, open+"/x")
			if err != nil || other == nil || other.Password == pass {
				e.T.Errorf("AuthFor the open registry: %+v %v", other, err)
			}
		}
		var records int
		res, err := is.Push(e.Ctx, ref, endpoints.ImagePushOptions{Auth: auth, Progress: func(endpoints.Progress) { records++ }})
		if err != nil {
			e.T.Fatalf("push with config.json credentials: %v", err)
		}
		if !strings.HasPrefix(res.Digest, "sha256:") || records == 0 {
			e.T.Errorf("push result %+v after %d records", res, records)
		}

		// Credentials from a credential helper on PATH.
		bin := e.T.TempDir()
		helper := "#!/bin/sh\nread server\nif [ \"$server\" = '" + reg + "' ]; then\n" +
			"  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" '" + user + "' '" + pass + "'\n" +
			"else echo 'credentials not found in native keychain'; exit 1; fi\n"
		if err := os.WriteFile(filepath.Join(bin, "docker-credential-dockwiretest"), []byte(helper), 0o755); err != nil {
			e.T.Fatal(err)
		}
		e.T.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		hcfg := e.writeDockerConfig(`{"credHelpers":{"` + reg + `":"dockwiretest"}}`)
		hauth, err := hcfg.AuthFor(e.Ctx, ref)
		if err != nil || hauth == nil || hauth.Username != user {
			e.T.Fatalf("AuthFor through the helper: %+v %v", hauth, err)
		}
		if _, err := is.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
			e.T.Fatal(err)
		}
		pr, err := is.Pull(e.Ctx, ref, endpoints.ImagePullOptions{Auth: hauth})
		if err != nil {
			e.T.Fatalf("pull with helper credentials: %v", err)
		}
		if pr.Digest != res.Digest {
			e.T.Errorf("pulled digest %s, pushed %s", pr.Digest, res.Digest)
		}
		di, err := e.Client.Distribution.Inspect(e.Ctx, ref, endpoints.DistributionInspectOptions{Auth: hauth})
		if err != nil || di.Descriptor.Digest != res.Digest {
			e.T.Errorf("distribution inspect with credentials: %+v %v", show(di.Descriptor), err)
		}

		// Wrong password: refused, for push and pull alike.
		wrong := &endpoints.AuthConfig{Username: user, Password: pass + "-wrong", ServerAddress: reg}
		if _, err := is.Push(e.Ctx, ref, endpoints.ImagePushOptions{Auth: wrong}); !authFailed(err) {
			e.T.Errorf("push with a wrong password: %v, want the daemon's auth error", err)
		}
		if _, err := is.Pull(e.Ctx, ref, endpoints.ImagePullOptions{Auth: wrong}); !authFailed(err) {
			e.T.Errorf("pull with a wrong password: %v, want the daemon's auth error", err)
		}
	}},

	{"registry/auth/ok-and-refused", func(e *Env) {
		reg, user, pass := e.authRegistry()
		sys := e.Client.System
		res, err := sys.Auth(e.Ctx, endpoints.SystemAuthOptions{Auth: endpoints.AuthConfig{Username: user, Password: pass, ServerAddress: reg}})
		if err != nil {
			e.T.Fatalf("auth with the right password: %v", err)
		}
		if !strings.Contains(res.Status, "Login Succeeded") {
			e.T.Errorf("auth status %q", res.Status)
		}
		_, err = sys.Auth(e.Ctx, endpoints.SystemAuthOptions{Auth: endpoints.AuthConfig{Username: user, Password: "wrong-" + pass, ServerAddress: reg}})
		// dockerd 20.10 answers 500 "login attempt to ... failed with
		// status: 401 Unauthorized"; later daemons answer 401.
		var werr *wire.Error
		if !errors.As(err, &werr) || !(errors.Is(err, wire.ErrUnauthorized) || strings.Contains(werr.Message, "401")) {
			e.T.Errorf("auth with a wrong password: %v (%T), want the daemon's *wire.Error about a 401", err, err)
		}
		if werr != nil && strings.Contains(werr.Message, pass) {
			e.T.Errorf("the daemon's message echoes the password")
		}
	}},

	{"registry/search/v2-registry", func(e *Env) {
		reg := e.registry()
		_, err := e.Client.Images.Search(e.Ctx, reg+"/busybox", endpoints.ImageSearchOptions{Limit: 5})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 || werr.Message == "" {
			e.T.Errorf("search against a v2 registry: %v (%T), want the daemon's *wire.Error", err, err)
		}
	}},
}

package mockdaemon

import (
	"encoding/json"
	"errors"
	"net/http"
)

// distributionRoutes: what a registry knows of an image.
func (d *Daemon) distributionRoutes() []route {
	return []route{
		{"GET", "/distribution/{name...}/json", "DistributionInspect", d.distributionInspect},
	}
}

// distributionInspect answers GET /distribution/{name}/json from the
// mock's catalogue and emulated registries.
func (d *Daemon) distributionInspect(w http.ResponseWriter, r *http.Request) error {
	ref, err := parseRef(r.PathValue("name"), true)
	if err != nil {
		return err
	}
	full := ref.domain() + "/" + ref.path()
	target := ref.tag
	if ref.digest != "" {
		target = ref.digest
	}
	// dockerd answers a registry's error code with its HTTP status
	// (wrong credentials 401, an unknown manifest 404); missing
	// credentials stop the client's request: a 500 naming it
	if err := d.pullAuthError(r, ref, target); err != nil {
		if ae := (*apiError)(nil); errors.As(err, &ae) && ae.msg == "unauthorized: authentication required" {
			return &apiError{http.StatusUnauthorized, ae.msg}
		}
		return err
	}
	im, err := lockedValue(d, func() (*image, error) {
		key := full + ":" + ref.tag
		if ref.digest != "" {
			key = full + "@" + ref.digest
		}
		if im := d.registry.images[key]; im != nil {
			return im, nil
		}
		if ref.domain() == "docker.io" && d.images.catalogue[ref.tagged()] {
			if im, _ := d.images.get(ref.tagged()); im != nil {
				return im, nil
			}
		}
		if ref.domain() == "docker.io" {
			return nil, &apiError{http.StatusUnauthorized, "errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n"}
		}
		if !d.registryKnownLocked(ref.domain()) {
			return nil, unreachable(ref.domain())
		}
		return nil, errNotFound("manifest unknown: manifest unknown")
	})
	if err != nil {
		return err
	}
	var mt struct {
		MediaType string `json:"mediaType"`
	}
	_ = json.Unmarshal(im.manifest, &mt)
	if mt.MediaType == "" {
		mt.MediaType = "application/vnd.oci.image.manifest.v1+json"
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"Descriptor": map[string]any{"mediaType": mt.MediaType, "digest": digestOf(im.manifest), "size": len(im.manifest)},
		"Platforms":  []any{map[string]any{"architecture": im.file.Architecture, "os": im.file.OS}},
	})
}

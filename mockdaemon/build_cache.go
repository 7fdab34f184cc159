package mockdaemon

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// buildCache is the classic builder's cache (dockerd's image cache and
// imageProber): a step is a hit when its parent image has a child made by
// a step with the same config; with cache_from, only images those sources
// descend from count, and a source's own history can stand in for the
// step. After the first miss of a stage nothing more is looked up.
type buildCache struct {
	d        *Daemon
	refs     []string
	disabled bool     // nocache
	sources  []*image // cache_from, as resolved at the stage's start
	busted   bool
}

func newBuildCache(d *Daemon, refs []string, noCache bool) *buildCache {
	return &buildCache{d: d, refs: refs, disabled: noCache}
}

// reset starts a stage: the sources looked up again (those missing are
// skipped), the cache usable again.
func (c *buildCache) reset() {
	c.busted = false
	c.sources = nil
	_ = c.d.locked(func() error {
		for _, ref := range c.refs {
			if im, err := c.d.images.get(ref); err == nil {
				c.sources = append(c.sources, im)
			}
		}
		return nil
	})
}

// probe returns the image that stands for a step of cfg on parentID, or
// "".
func (c *buildCache) probe(parentID string, cfg imageConfig) (string, error) {
	if c.disabled || c.busted {
		return "", nil
	}
	id, err := lockedValue(c.d, func() (string, error) { return c.lookupLocked(parentID, cfg) })
	if err != nil {
		return "", err
	}
	if id == "" {
		c.busted = true
	}
	return id, nil
}

func (c *buildCache) lookupLocked(parentID string, cfg imageConfig) (string, error) {
	local := c.localLocked(parentID, cfg)
	if len(c.refs) == 0 {
		return local, nil
	}
	if local != "" {
		for _, s := range c.sources {
			if c.isAncestorLocked(local, s.id) {
				return local, nil
			}
		}
	}
	var parent *image
	n := 0
	if parentID != "" {
		if parent = c.d.images.byID[parentID]; parent == nil {
			return "", fmt.Errorf("unable to find image %v", parentID)
		}
		n = len(parent.file.History)
	}
	for _, target := range c.sources {
		if !validCacheParent(target, parent) || strings.Join(cfg.Cmd, " ") != target.file.History[n].CreatedBy {
			continue
		}
		if len(target.file.History)-1 == n {
			if parent != nil {
				target.parent = parent.id
			}
			return target.id, nil
		}
		id, err := c.restoreLocked(parent, target, cfg)
		if err != nil {
			return "", fmt.Errorf("failed to restore cached image from %q to %v: %w", parentID, target.id, err)
		}
		c.sources = []*image{target}
		return id, nil
	}
	return "", nil
}

// localLocked is the newest child of parentID made by a step of cfg (of
// scratch: only images a build made).
func (c *buildCache) localLocked(parentID string, cfg imageConfig) string {
	var match *image
	for _, im := range c.d.images.byID {
		cc := im.file.ContainerConfig
		if im.parent != parentID || cc == nil || !sameStepConfig(*cc, cfg) {
			continue
		}
		if match == nil || match.file.Created.Before(im.file.Created) || match.file.Created.Equal(im.file.Created) && im.id > match.id {
			match = im
		}
	}
	if match == nil {
		return ""
	}
	return match.id
}

// isAncestorLocked reports whether id is an ancestor of the image of.
func (c *buildCache) isAncestorLocked(id, of string) bool {
	for i := 0; i < 10000; i++ {
		im := c.d.images.byID[of]
		if im == nil || im.parent == "" {
			return false
		}
		if im.parent == id {
			return true
		}
		of = im.parent
	}
	return false
}

// sameStepConfig compares two step configs as dockerd's cache does
// (image/cache's compare): user, command, entrypoint, environment,
// labels, ports and volumes.
func sameStepConfig(a, b imageConfig) bool {
	return a.User == b.User &&
		slices.Equal(a.Cmd, b.Cmd) && slices.Equal(a.Entrypoint, b.Entrypoint) && slices.Equal(a.Env, b.Env) &&
		len(a.Labels) == len(b.Labels) && maps.EqualFunc(a.Labels, b.Labels, func(x, y string) bool { return x == y }) &&
		sameKeys(a.ExposedPorts, b.ExposedPorts) && sameKeys(a.Volumes, b.Volumes)
}

func sameKeys(a, b map[string]struct{}) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// validCacheParent reports whether target's history and layers start with
// parent's.
func validCacheParent(target, parent *image) bool {
	th, tl := target.file.History, target.file.RootFS.DiffIDs
	if len(th) == 0 {
		return false
	}
	if parent == nil || len(parent.file.History) == 0 && len(parent.file.RootFS.DiffIDs) == 0 {
		return true
	}
	ph, pl := parent.file.History, parent.file.RootFS.DiffIDs
	if len(ph) >= len(th) || len(pl) > len(tl) {
		return false
	}
	for i := range ph {
		if !reflect.DeepEqual(ph[i], th[i]) {
			return false
		}
	}
	return slices.Equal(pl, tl[:len(pl)])
}

// restoreLocked makes the image of target's step n on parent: parent's
// history and layers plus that step's, with cfg as its config.
func (c *buildCache) restoreLocked(parent, target *image, cfg imageConfig) (string, error) {
	n := 0
	var layers []layer
	var history []historyEntry
	fsys := memfs.New()
	if parent != nil {
		n = len(parent.file.History)
		layers = slices.Clone(parent.layers)
		history = slices.Clone(parent.file.History)
		fsys = parent.fs.Clone()
	}
	fsys.SetClock(c.d.cfg.Clock)
	h := target.file.History[n]
	history = append(history, h)
	if !h.EmptyLayer {
		li := 0
		for _, e := range target.file.History[:n] {
			if !e.EmptyLayer {
				li++
			}
		}
		if li < len(target.layers) {
			l := target.layers[li]
			if err := fsys.ExtractLayer(l.data.Reader()); err != nil {
				return "", err
			}
			layers = append(layers, l)
		}
	}
	f := imageFile{
		Architecture:  target.file.Architecture,
		OS:            target.file.OS,
		Author:        target.file.Author,
		Config:        cfg.clone(),
		Created:       h.Created,
		History:       history,
		DockerVersion: c.d.cfg.ServerVersion,
	}
	im, err := c.d.images.finish(&image{layers: layers, fs: fsys}, f)
	if err != nil {
		return "", err
	}
	im = c.d.images.put(im)
	if parent != nil {
		im.parent = parent.id
	}
	return im.id, nil
}

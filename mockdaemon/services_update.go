package mockdaemon

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"
)

// Rolling updates, as swarmkit's updater (manager/orchestrator/update)
// runs them. An update of a service's task template (or a rollback to
// its previous spec) starts an updater, which replaces the service's
// dirty slots (a slot holding a task of another spec, or more than one
// task) Parallelism at a time (all at once for 0), each worker waiting
// Delay after its slot. A slot's new task is made with desired state
// "ready"; stop-first shuts the old task down and starts the new one
// once the old one stopped, start-first starts the new one and shuts the
// old one down once the new one runs (so the slot briefly has two).
// While it feeds slots to the workers, and for Monitor after the last
// one, the updater watches the tasks it made: one that ends (fails,
// completes, is rejected or shut down) before it ran for Monitor is a
// failure, and once failures exceed MaxFailureRatio of the dirty slots
// FailureAction says what follows: "pause" stops the update (UpdateStatus
// paused), "rollback" rolls the service back to its previous spec, under
// its RollbackConfig, "continue" goes on. UpdateStatus moves through
// swarmkit's states with its messages.

// defaultUpdateConfig is swarmkit's UpdateConfig (and RollbackConfig)
// for a service that has none.
var defaultUpdateConfig = updateConfig{Parallelism: 1, FailureAction: "pause", Monitor: 5 * time.Second, Order: "stop-first"}

// updater is one run of swarmkit's updater over a service's slots.
type updater struct {
	d    *Daemon
	s    *swarmState
	svc  *service
	spec serviceSpec // the spec it brings the slots to
	cfg  updateConfig
	stop chan struct{} // closed when a newer update (or the service's end) cancels it

	// under the engine's lock:
	made     map[*task]time.Time // the tasks it made, with when it saw each run (zero before)
	failed   map[*task]bool      // the failures it counted
	failures int
	dirty    int // the dirty slots it started with: the failure ratio's denominator
}

// cancelUpdateLocked stops svc's running updater, if any.
func (svc *service) cancelUpdateLocked() {
	if u := svc.upd; u != nil {
		close(u.stop)
		svc.upd = nil
	}
}

// slotsLocked groups svc's tasks that are meant to run (desired state
// running or ready) by slot (a global service's one node is slot 0), in
// slot order.
func (s *swarmState) slotsLocked(svc *service) [][]*task {
	bySlot := map[int][]*task{}
	for _, t := range sortedObjs(s.tasks) {
		if t.svc == svc && (t.desired == "running" || t.desired == "ready") {
			bySlot[t.slot] = append(bySlot[t.slot], t)
		}
	}
	var out [][]*task
	for _, k := range slices.Sorted(maps.Keys(bySlot)) {
		out = append(out, bySlot[k])
	}
	return out
}

// slotLocked is the tasks of svc's slot n meant to run.
func (s *swarmState) slotLocked(svc *service, n int) []*task {
	var out []*task
	for _, t := range sortedObjs(s.tasks) {
		if t.svc == svc && t.slot == n && (t.desired == "running" || t.desired == "ready") {
			out = append(out, t)
		}
	}
	return out
}

// dirty reports whether a slot needs the updater: more than one task in
// it, or a task whose spec is not the service's.
func dirty(slot []*task) bool {
	return len(slot) > 1 || len(slot) == 1 && !slot[0].upToDate()
}

// startUpdateLocked is what swarmkit's orchestrator does when a service
// changed: it cancels the update in progress (unless that one already
// works towards the same spec) and runs the updater over the dirty
// slots; with none, an update in progress is complete at once. A paused
// update stays paused until the next update of the service.
func (d *Daemon) startUpdateLocked(s *swarmState, svc *service) {
	if u := svc.upd; u != nil && !isClosed(u.stop) && reflect.DeepEqual(u.spec, svc.spec) {
		return
	}
	svc.cancelUpdateLocked()
	if st := svc.updateStatus; st != nil && (st.State == "paused" || st.State == "rollback_paused") {
		return
	}
	var slots [][]*task
	for _, slot := range s.slotsLocked(svc) {
		if dirty(slot) {
			slots = append(slots, slot)
		}
	}
	if len(slots) == 0 {
		if st := svc.updateStatus; st != nil && (st.State == "updating" || st.State == "rollback_started") {
			d.completeUpdateLocked(svc)
		}
		return
	}
	if svc.updateStatus == nil {
		now := d.now()
		svc.updateStatus = &updateStatus{State: "updating", Message: "update in progress", StartedAt: &now}
		svc.version = d.nextIndexLocked()
	}
	cfg := svc.spec.UpdateConfig
	if svc.updateStatus.State == "rollback_started" {
		cfg = svc.spec.RollbackConfig
	}
	u := &updater{d: d, s: s, svc: svc, spec: cloneSpec(svc.spec), cfg: defaultUpdateConfig, stop: make(chan struct{}),
		made: map[*task]time.Time{}, failed: map[*task]bool{}, dirty: len(slots)}
	if cfg != nil {
		u.cfg = *cfg
		if u.cfg.Monitor == 0 {
			u.cfg.Monitor = defaultUpdateConfig.Monitor
		}
	}
	svc.upd = u
	d.goTracked(func() { u.run(slots) })
}

// completeUpdateLocked marks svc's update (or rollback) completed.
func (d *Daemon) completeUpdateLocked(svc *service) {
	st := svc.updateStatus
	if st == nil {
		return // the service changed since the update began
	}
	now := d.now()
	st.CompletedAt = &now
	if st.State == "rollback_started" {
		st.State, st.Message = "rollback_completed", "rollback completed"
	} else {
		st.State, st.Message = "completed", "update completed"
	}
	svc.version = d.nextIndexLocked()
}

// currentLocked reports whether u is still the service's update.
func (u *updater) currentLocked() bool {
	return !isClosed(u.stop) && u.d.swarm == u.s && u.s.services[u.svc.id] == u.svc && u.svc.upd == u
}

// run is swarmkit's Updater.Run over the dirty slots.
func (u *updater) run(slots [][]*task) {
	workers := int(u.cfg.Parallelism)
	if workers == 0 {
		workers = len(slots)
	}
	queue := make(chan []*task)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for slot := range queue {
				u.updateSlot(slot)
				if !u.sleep(u.cfg.Delay) {
					return
				}
			}
		})
	}
	stopped := false
feed:
	for _, slot := range slots {
		for {
			wake, act, halt := u.watch()
			if act {
				stopped = halt
				break feed
			}
			select {
			case queue <- slot:
				continue feed
			case <-wake:
			case <-u.stop:
				stopped = true
				break feed
			case <-u.d.ctx.Done():
				stopped = true
				break feed
			}
		}
	}
	close(queue)
	wg.Wait()
	if !stopped {
		// one more monitoring period before the update is complete
		tm := time.NewTimer(u.cfg.Monitor)
		defer tm.Stop()
	monitor:
		for {
			wake, act, halt := u.watch()
			if act {
				stopped = halt
				break
			}
			select {
			case <-tm.C:
				break monitor
			case <-wake:
			case <-u.stop:
				return
			case <-u.d.ctx.Done():
				return
			}
		}
	}
	if !stopped {
		_ = u.d.locked(func() error {
			if u.currentLocked() {
				u.d.completeUpdateLocked(u.svc)
			}
			return nil
		})
	}
}

// sleep waits d, or until the update is cancelled (false).
func (u *updater) sleep(d time.Duration) bool {
	if d <= 0 {
		return !isClosed(u.stop)
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-u.stop:
	case <-u.d.ctx.Done():
	}
	return false
}

// watch counts the failures among the tasks u made, as swarmkit's
// updater does for each task it sees go past running (unless
// FailureAction is "continue"), and follows FailureAction once they
// exceed MaxFailureRatio: act reports that it did (the update stops
// feeding slots), halt that the update is over (paused or rolled back;
// a rollback that fails is paused but, as swarmkit's is, not halted).
// Otherwise wake is closed by the next change of state.
func (u *updater) watch() (wake <-chan struct{}, act, halt bool) {
	if u.cfg.FailureAction == "continue" {
		return nil, false, false
	}
	for {
		var found *task
		wake, hit := u.d.mu.check(func() bool {
			found = u.failureLocked()
			return found != nil
		})
		if !hit {
			return wake, false, false
		}
		act, halt := false, false
		_ = u.d.locked(func() error {
			if !u.currentLocked() || u.failed[found] {
				return nil
			}
			u.failed[found] = true
			u.failures++
			if float32(u.failures)/float32(u.dirty) <= u.cfg.MaxFailureRatio {
				return nil
			}
			act, halt = true, u.failLocked(found)
			return nil
		})
		if act || isClosed(u.stop) {
			return nil, true, halt || isClosed(u.stop)
		}
	}
}

// failureLocked is a task u made that ended before it ran for Monitor
// and that u has not counted yet, the one that ended first (as
// swarmkit's watch sees them); nil when there is none.
func (u *updater) failureLocked() *task {
	var first *task
	for t, ran := range u.made {
		if u.failed[t] || !t.ended() || !ran.IsZero() && time.Since(ran) > u.cfg.Monitor {
			continue
		}
		if first == nil || t.statusTime().Before(first.statusTime()) || t.statusTime().Equal(first.statusTime()) && t.id < first.id {
			first = t
		}
	}
	return first
}

// failLocked follows FailureAction for the failed task t and reports
// whether the update stops.
func (u *updater) failLocked(t *task) bool {
	st := u.svc.updateStatus
	if st == nil {
		return true
	}
	switch u.cfg.FailureAction {
	case "rollback":
		if st.State == "rollback_started" {
			// never roll back a rollback
			st.State, st.Message = "rollback_paused", "rollback paused due to failure or early termination of task "+t.id
			u.svc.version = u.d.nextIndexLocked()
			return false
		}
		st.State, st.Message = "rollback_started", "update rolled back due to failure or early termination of task "+t.id
		if u.svc.prev != nil {
			u.svc.spec, u.svc.prev = *u.svc.prev, nil
		}
		u.svc.version = u.d.nextIndexLocked()
		u.svc.updated = u.d.now()
		u.d.allocateEndpointLocked(u.s, u.svc)
		u.d.startUpdateLocked(u.s, u.svc)
		return true
	}
	if st.State == "rollback_started" {
		st.State = "rollback_paused"
	} else {
		st.State = "paused"
	}
	st.Message = "update paused due to failure or early termination of task " + t.id
	u.svc.version = u.d.nextIndexLocked()
	return true
}

// updateSlot is swarmkit's worker on one slot: a task of the new spec
// already there is kept (and started when it waits in ready) and the
// others shut down; otherwise a new task replaces the slot's in the
// update's order, and the worker waits for it to run (or end).
func (u *updater) updateSlot(slot []*task) {
	var fresh *task
	var old []*task
	startFirst := u.cfg.Order == "start-first"
	ok := u.d.locked(func() error {
		if !u.currentLocked() {
			return errUpdateOver
		}
		// the slot as it is now: a restart may have put a task in it
		// since the update began
		slot = u.s.slotLocked(u.svc, slot[0].slot)
		if len(slot) == 0 {
			return errUpdateOver // scaled away
		}
		for _, t := range slot {
			if t.live() && t.upToDate() && (fresh == nil || t.desired == "running") {
				fresh = t
			}
		}
		for _, t := range slot {
			if t != fresh && t.live() {
				old = append(old, t)
			}
		}
		if fresh != nil {
			u.d.shutdownTasksLocked(old)
			startFirst = false // it waits for the others to stop, if it waits at all
			return nil
		}
		fresh = u.d.newTaskLocked(u.s, u.svc, slot[0].slot, "ready")
		u.made[fresh] = time.Time{}
		if startFirst {
			u.d.startTaskLocked(u.s, fresh)
		} else {
			u.d.shutdownTasksLocked(old)
		}
		return nil
	}) == nil
	if !ok {
		return
	}
	if fresh.desired == "ready" {
		// stop-first: the new task starts once the old ones stopped
		if !u.d.await(u.stop, func() bool { return !slices.ContainsFunc(old, (*task).running) }) {
			return
		}
		if u.d.locked(func() error {
			if !u.currentLocked() {
				return errUpdateOver
			}
			u.d.startTaskLocked(u.s, fresh)
			return nil
		}) != nil {
			return
		}
	}
	if !u.d.await(u.stop, func() bool { return fresh.state() != "ready" && fresh.state() != "pending" }) {
		return
	}
	_ = u.d.locked(func() error {
		if _, mine := u.made[fresh]; mine {
			u.made[fresh] = time.Now()
		}
		if startFirst && fresh.state() == "running" && u.currentLocked() {
			u.d.shutdownTasksLocked(old)
		}
		return nil
	})
}

var errUpdateOver = fmt.Errorf("the update is over")

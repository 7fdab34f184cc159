package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// TaskService holds the Task operations of a swarm manager: list, inspect
// and logs.
type TaskService struct {
	w *wire.Client
}

// TaskListOptions select the tasks [TaskService.List] returns: filters
// desired-state, id, label, name, node, service.
type TaskListOptions struct {
	Filters wire.Filters
}

// TaskListResult is what [TaskService.List] found.
type TaskListResult struct {
	Items []Task
}

// List lists tasks.
//
// API: GET /tasks
func (s *TaskService) List(ctx context.Context, opts TaskListOptions) (TaskListResult, error) {
	r, err := newRequest("TaskList")
	if err != nil {
		return TaskListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]Task](ctx, s.w, r)
	return TaskListResult{Items: items}, err
}

// TaskInspectOptions tune [TaskService.Inspect]; there is nothing to tune
// yet.
type TaskInspectOptions struct{}

// TaskInspectResult is a task as inspect reports it.
type TaskInspectResult struct {
	Task
}

// Inspect reports a task by id.
//
// API: GET /tasks/{id}
func (s *TaskService) Inspect(ctx context.Context, id string, opts TaskInspectOptions) (TaskInspectResult, error) {
	r, err := newRequest("TaskInspect", id)
	if err != nil {
		return TaskInspectResult{}, err
	}
	return decode[TaskInspectResult](ctx, s.w, r)
}

// TaskLogsOptions select the lines of a task's logs: those of a service's
// logs.
type TaskLogsOptions = ServiceLogsOptions

// Logs streams a task's logs, like [ServiceService.Logs] for one task.
// The caller must Close the stream.
//
// API: GET /tasks/{id}/logs
func (s *TaskService) Logs(ctx context.Context, id string, opts TaskLogsOptions) (*mux.Output, error) {
	return swarmLogs(ctx, s.w, "TaskLogs", id, opts, func(ctx context.Context) (bool, error) {
		t, err := s.Inspect(ctx, id, TaskInspectOptions{})
		if err != nil {
			return false, err
		}
		cs := t.Spec.ContainerSpec
		return cs != nil && cs.TTY, nil
	})
}

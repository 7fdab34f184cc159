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

// NewTasks returns the Task operations over w.
func NewTasks(w *wire.Client) *TaskService { return &TaskService{w: w} }

// TaskListOptions select the tasks [TaskService.List] returns: filters
// desired-state, id, label, name, node, service.
type TaskListOptions struct {
	Filters wire.Filters
}

// List lists tasks.
//
// API: GET /tasks
func (s *TaskService) List(ctx context.Context, opts TaskListOptions) ([]Task, error) {
	return doJSON[[]Task](ctx, s.w, filterRequest("TaskList", "GET", "/tasks", opts.Filters, wire.Version{}))
}

// Inspect reports a task by id.
//
// API: GET /tasks/{id}
func (s *TaskService) Inspect(ctx context.Context, id string) (Task, error) {
	r, err := objectRequest("TaskInspect", "GET", "/tasks/", id, "", wire.Version{})
	if err != nil {
		return Task{}, err
	}
	return doJSON[Task](ctx, s.w, r)
}

// Logs streams a task's logs, like [ServiceService.Logs] for one task.
// The caller must Close the stream.
//
// API: GET /tasks/{id}/logs
func (s *TaskService) Logs(ctx context.Context, id string, opts ServiceLogsOptions) (*mux.Output, error) {
	return swarmLogs(ctx, s.w, "TaskLogs", id, opts, func(ctx context.Context) (bool, error) {
		t, err := s.Inspect(ctx, id)
		if err != nil {
			return false, err
		}
		cs := t.Spec.ContainerSpec
		return cs != nil && cs.TTY, nil
	})
}

package cli

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/async-completion/go-completer/internal/history"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/pending"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// defaultListQuery is list's scope without --workflow-id or --query: the
// running Workflows of the project's task queue.
const defaultListQuery = `TaskQueue = "async" AND ExecutionStatus = "Running"`

// list shows the Activities that wait to be finished: a table, or with
// --json one line per Activity that a batch takes as a job. The server hands
// task tokens to the Worker only, so a listed Activity is finished by IDs.
func (r *runner) list(cmd *command) error {
	dialCtx, cancel := context.WithTimeout(context.Background(), cmd.rpcTimeout)
	defer cancel()
	c, server, err := r.connect(dialCtx, cmd)
	if err != nil {
		return err
	}
	defer c.Close()

	query := defaultListQuery
	if cmd.query.set {
		query = cmd.query.value
	}
	out := &listOutput{stdout: r.stdout, json: cmd.json, table: lines.NewTable(lines.ListHeader), now: r.now, server: server}
	err = pending.List(context.Background(), c, pending.Options{
		WorkflowID:  cmd.workflowID,
		Query:       query,
		PageSize:    cmd.pageSize,
		Concurrency: cmd.concurrency,
		RPCTimeout:  cmd.rpcTimeout,
		History:     listHistory(c, cmd.noInput),
		Namespace:   server.Namespace,
		Gone:        workflowGone,
	}, pending.Handlers{Found: out.found, Described: out.described, PageDone: out.pageDone})
	if err == nil && cmd.workflowID == "" && !cmd.query.set {
		// The default scope lists the running standalone Activities too.
		err = listStandalone(context.Background(), c.WorkflowService(), server, cmd.pageSize, cmd.concurrency,
			pending.Handlers{Described: out.described, PageDone: out.pageDone})
	}
	if err != nil {
		return mapListError(err, server)
	}
	if err := out.finish(); err != nil {
		return err
	}
	return out.failures.failure()
}

// listHistory is the history that the listing reads for what Activities ask,
// or nil with --no-input: no history is read.
func listHistory(c temporalClient, noInput bool) history.Service {
	if noInput {
		return nil
	}
	return c.WorkflowService()
}

// listOutput writes what the listing finds: JSON lines as each Workflow's
// describe returns, or a table block per visibility page; and counts.
type listOutput struct {
	stdout io.Writer
	json   bool
	table  *lines.Table
	now    func() time.Time
	server send.Server
	buf    []byte
	// activities, workflows and looked are the count line's N, W and L;
	// standalone the standalone Activities among N.
	activities, workflows, looked, standalone int
	failures                                  listFailures
}

func (o *listOutput) found(n int) {
	o.looked += n
}

func (o *listOutput) described(w pending.Workflow) error {
	if w.Err != nil {
		message := o.failures.add(w.Err, o.server)
		if o.json {
			return o.write(lines.AppendFailedJSON(o.buf[:0], w.WorkflowID, w.RunID, message))
		}
		return nil
	}
	switch {
	case w.WorkflowID == "":
		o.standalone += len(w.Activities)
		o.activities += len(w.Activities)
	case len(w.Activities) > 0:
		o.workflows++
		o.activities += len(w.Activities)
	}
	if !o.json {
		return nil
	}
	o.buf = o.buf[:0]
	for _, a := range w.Activities {
		o.buf = lines.AppendPendingJSON(o.buf, a)
	}
	return o.write(o.buf)
}

func (o *listOutput) pageDone(page []pending.Workflow) error {
	if o.json {
		return nil
	}
	// The Activities of a Workflow keep the server's order.
	slices.SortStableFunc(page, func(a, b pending.Workflow) int {
		if c := strings.Compare(a.WorkflowID, b.WorkflowID); c != 0 {
			return c
		}
		return strings.Compare(a.RunID, b.RunID)
	})
	now := o.now()
	var rows [][]string
	for _, w := range page {
		if w.Err != nil {
			rows = append(rows, lines.FailedCells(w.WorkflowID, mapListError(w.Err, o.server).Message))
		}
		for _, a := range w.Activities {
			rows = append(rows, lines.PendingCells(a, now))
		}
	}
	o.buf = o.table.Block(o.buf[:0], rows)
	return o.write(o.buf)
}

// finish writes the table's count line.
func (o *listOutput) finish() error {
	if o.json {
		return nil
	}
	return o.write([]byte(lines.ListCountWithFailures(o.activities, o.workflows, o.looked, o.failures.count, o.standalone) + "\n"))
}

func (o *listOutput) write(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := o.stdout.Write(b); err != nil {
		return lines.StdoutFailedInList(lines.OSReason(err))
	}
	return nil
}

// listStandalone lists the running standalone Activities of the task queue
// into h, each request bounded by the server's --rpc-timeout.
func listStandalone(ctx context.Context, svc pending.StandaloneService, server send.Server, pageSize, concurrency int, h pending.Handlers) error {
	return pending.ListStandalone(ctx, svc, server.Namespace, pending.Options{
		Query:       pending.StandaloneQuery,
		PageSize:    pageSize,
		Concurrency: concurrency,
		RPCTimeout:  server.RPCTimeout,
		Gone:        workflowGone,
	}, h)
}

// workflowGone reports whether a describe's error means that the Workflow
// was deleted since visibility listed it: NOT_FOUND, other than for the
// namespace.
func workflowGone(err error) bool {
	code, message, ok := send.GRPCStatus(err)
	return ok && code == codes.NotFound && !send.NamespaceNotFound(message)
}

// mapListError is the line of a listing that failed: standard output that
// cannot be written, or a request the server refused or did not answer.
func mapListError(err error, server send.Server) *lines.Failure {
	var failure *lines.Failure
	if errors.As(err, &failure) {
		return failure
	}
	if message, ok := temporalconn.NotSent(err); ok {
		return lines.NotSent(message)
	}
	var requestErr *pending.RequestError
	if !errors.As(err, &requestErr) {
		return lines.Other(err)
	}
	if requestErr.TimedOut {
		return lines.Unreachable(server.Address, server.TimeoutText)
	}
	code, message, ok := send.GRPCStatus(requestErr.Err)
	if !ok {
		return lines.Other(err)
	}
	if failure := send.MapUnanswered(code, err, nil, send.Request{Server: server}); failure != nil {
		return failure
	}
	switch {
	case code == codes.NotFound && send.NamespaceNotFound(message):
		return lines.NamespaceNotFound(server.Namespace, server.Address)
	case code == codes.InvalidArgument && requestErr.Query:
		return lines.QueryRefused(message)
	}
	return lines.Refused(message)
}

package send

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"

	"github.com/async-completion/go-completer/internal/history"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/pending"
)

// answerRefusal reads the Activity's history after the server answered that
// it is not pending any more: a request that repeats what closed it is
// already done, anything else refused with what closed it.
//
// cause is the refusal itself, answered as it is when a standalone
// Activity's record shows the attempt still pending: the request did not fit
// its state.
func answerRefusal(ctx context.Context, svc Service, req Request, j *model.Job, cause *lines.Failure) (Sent, error) {
	found, err := readHistory(ctx, svc, req.Namespace, j.Target)
	if err != nil {
		return Sent{}, lines.HistoryUnreadable(req.Desc, historyError(err, ctx.Err(), req))
	}
	if found.Standalone && found.Open && found.PendingAttempt == 0 {
		return Sent{}, cause
	}
	asked := history.Request{
		Kind:      Verbs[j.Verb].Closes,
		Result:    j.Result,
		Reason:    j.Reason,
		Retryable: j.Retryable,
		Details:   j.Details,
		Key:       j.Key,
		Attempt:   j.Target.Attempt,
	}
	if history.Repeats(found.Closing, asked) {
		return Sent{Message: lines.AlreadyDone(req.Desc, found.Closing), Already: true}, nil
	}
	return Sent{}, refusal(found, j.Target, req)
}

// ExplainNotPending reads the history of an Activity that is not pending any
// more, and says what closed it; a request that repeats it is not looked for
// (a signed link is never already done). ctx bounds the read.
func ExplainNotPending(ctx context.Context, svc Reader, req Request, target model.Target) *lines.Failure {
	found, err := readHistory(ctx, svc, req.Namespace, target)
	if err != nil {
		return lines.HistoryUnreadable(req.Desc, historyError(err, ctx.Err(), req))
	}
	return refusal(found, target, req)
}

// readHistory reads what closed the Activity. For an attempt (a token's, a
// link's) whose Activity is open by its history, it describes the run to
// find the attempt pending now: a retry writes no event until an attempt
// closes the Activity. A run that went away meanwhile is no run.
func readHistory(ctx context.Context, svc Reader, namespace string, target model.Target) (model.Finding, error) {
	if target.WorkflowID == "" {
		return history.ReadRecord(ctx, svc, namespace, target)
	}
	found, err := history.Read(ctx, svc, namespace, target)
	if err != nil || !found.Open || target.Attempt == 0 {
		return found, err
	}
	now, err := pending.PendingAttempt(ctx, svc, namespace, target)
	if err != nil {
		if code, _, ok := GRPCStatus(err); ok && code == codes.NotFound {
			return model.Finding{NoRun: true}, nil
		}
		return model.Finding{}, err
	}
	if now.Pending && now.Attempt != target.Attempt {
		found.PendingAttempt = now.Attempt
	}
	return found, nil
}

// refusal is the line of a request refused because its Activity is not
// pending any more: what its history found closed it.
func refusal(found model.Finding, target model.Target, req Request) *lines.Failure {
	reason, ok := lines.ClosedReason(found, target.Attempt, req.Namespace)
	if !ok && found.Standalone {
		return lines.RecordDoesNotSay(req.Desc)
	}
	if !ok {
		return lines.HistoryDoesNotSay(req.Desc)
	}
	return lines.NotPendingBecause(req.Desc, reason)
}

// historyError is why a history could not be read: that it did not answer in
// time, or the server's words (its status's name when it has none).
func historyError(err, deadlineErr error, req Request) string {
	code, message, ok := GRPCStatus(err)
	if deadlineErr != nil || errors.Is(err, context.DeadlineExceeded) || (ok && code == codes.DeadlineExceeded) {
		return "no answer within " + req.TimeoutText
	}
	if !ok {
		return err.Error()
	}
	if message == "" {
		return statusNames[code]
	}
	return message
}

package cli

import (
	"context"
	"strconv"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/async-completion/go-completer/internal/history"
	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/links"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/page"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/serve"
)

// Link answers GET, HEAD (act false) and POST (act true) /a/LINK
// (docs/completer-http.md, "Signed links"): it verifies the link, describes
// the run, and when the Activity is pending at the link's attempt shows the
// confirmation, or (POST) completes or fails it by IDs with the run ID,
// recording `FOR (link) via go-completer serve@HOST`. A link is single use
// without a table of used links: once its attempt is closed or retried it
// is void, and never "already done".
func (b *serveBackend) Link(ctx context.Context, text string, act bool) serve.LinkAnswer {
	link, err := links.Verify(text, b.linkKeys)
	if err != nil {
		return serve.LinkAnswer{Kind: serve.LinkInvalid, Page: invalidLinkPage()}
	}
	p := linkPage(link)
	if link.Expired(b.now()) {
		p.Title, p.Message = lines.TitleExpired, lines.LinkExpired(link.ExpiresAt())
		return serve.LinkAnswer{Kind: serve.LinkExpired, Page: p}
	}
	if link.Namespace != b.server.Namespace {
		p.Title, p.Message = lines.TitleCannotAct, lines.LinkOtherNamespace(link.Namespace, b.server.Namespace)
		return serve.LinkAnswer{Kind: serve.LinkRefused, Page: p}
	}

	approve := link.Action == links.Approve
	verb := verbFail
	if approve {
		verb = verbComplete
	}
	// By IDs with the run ID; the link's attempt is the one its refusal
	// is about.
	j := &model.Job{
		Verb:     verb,
		Target:   model.Target{WorkflowID: link.WorkflowID, RunID: link.RunID, ActivityID: link.ActivityID, Attempt: int32(link.Attempt)},
		Result:   link.Text,
		Reason:   link.Text,
		Desc:     describeLinkAttempt(link),
		Identity: identity.Recorded(identity.LinkActor(link.For), identity.Serve, ""),
	}
	req := b.server.About(j)

	ctx, cancel := context.WithTimeout(ctx, b.rpcTimeout)
	defer cancel()
	svc, err := b.service(ctx)
	if err == nil {
		err = b.pendingAtAttempt(ctx, svc, link, j.Target, req)
	}
	if err == nil && !act {
		p.Title, p.Message, p.Form = lines.ConfirmTitle(approve), lines.Confirm(j.Desc, approve), lines.ConfirmForm(approve)
		b.addAsked(ctx, svc, link, &p)
		return serve.LinkAnswer{Kind: serve.LinkShown, Page: p}
	}
	var done send.Sent
	if err == nil {
		done, err = send.SendUnrepeated(ctx, svc, b.server, j)
	}
	if err != nil {
		return linkFailed(p, lines.AsFailure(err), act)
	}
	p.Title, p.Message = lines.DoneTitle(approve), done.Message
	b.addAsked(ctx, svc, link, &p)
	return serve.LinkAnswer{Kind: serve.LinkShown, Page: p}
}

// addAsked fills the page's summary and input: what the link's Activity asks,
// from its scheduled event in the run's history (a closed Activity's too).
// A history that cannot be read leaves them "-": the page still answers.
func (b *serveBackend) addAsked(ctx context.Context, svc send.Service, link links.Link, p *page.LinkPage) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.rpcTimeout)
	defer cancel()
	execution := &commonpb.WorkflowExecution{WorkflowId: link.WorkflowID, RunId: link.RunID}
	asked, err := history.ReadAsked(ctx, svc, b.server.Namespace, execution, map[string]bool{link.ActivityID: true})
	if err != nil {
		return
	}
	p.Summary, p.Input = lines.SummaryShown(asked[link.ActivityID]), lines.InputShown(asked[link.ActivityID])
}

// pendingAtAttempt is nil when the Activity is pending at the link's attempt;
// else the refusal that says what closed it (a retry, the history of target,
// the link's Activity).
func (b *serveBackend) pendingAtAttempt(ctx context.Context, svc send.Service, link links.Link, target model.Target, req send.Request) error {
	current, err := currentAttempt(ctx, svc, req, target)
	switch {
	case err != nil:
		return err
	case current.Pending && int64(current.Attempt) == link.Attempt:
		return nil
	case current.Pending && int64(current.Attempt) > link.Attempt:
		return lines.NotPendingBecause(req.Desc, lines.RetriedAndPending(link.Attempt, int64(current.Attempt)))
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.rpcTimeout)
	defer cancel()
	return send.ExplainNotPending(ctx, svc, req, target)
}

// linkFailed is the page of a link that could not act: refused (a GET shows
// it, 200; a POST is 409), Temporal unreachable, or anything else.
func linkFailed(p page.LinkPage, failure *lines.Failure, act bool) serve.LinkAnswer {
	p.Message = failure.Message
	switch failure.Code {
	case lines.ExitRefused:
		p.Title = lines.TitleCannotAct
		if !act {
			return serve.LinkAnswer{Kind: serve.LinkShown, Page: p}
		}
		return serve.LinkAnswer{Kind: serve.LinkRefused, Page: p}
	case lines.ExitUnreachable:
		p.Title = lines.TitleUnreachable
		return serve.LinkAnswer{Kind: serve.LinkUnreachable, Page: p}
	}
	p.Title = lines.TitleError
	return serve.LinkAnswer{Kind: serve.LinkFailed, Page: p}
}

// describeLinkAttempt names the link's attempt; without a Workflow ID, of a
// standalone Activity.
func describeLinkAttempt(link links.Link) string {
	if link.WorkflowID == "" {
		return lines.DescribeStandaloneAttempt(link.ActivityID, link.Attempt)
	}
	return lines.DescribeAttempt(link.ActivityID, link.WorkflowID, link.Attempt)
}

// linkPage is the page's fields that describe a link.
func linkPage(link links.Link) page.LinkPage {
	approve := link.Action == links.Approve
	workflowID := link.WorkflowID
	if workflowID == "" {
		workflowID = lines.StandaloneCell
	}
	return page.LinkPage{
		WorkflowID: workflowID,
		RunID:      link.RunID,
		ActivityID: link.ActivityID,
		Attempt:    strconv.FormatInt(link.Attempt, 10),
		Action:     lines.LinkActionWord(approve),
		TextLabel:  lines.LinkTextLabel(approve),
		Text:       link.Text,
		For:        link.For,
		Expires:    link.ExpiresAt(),
		Summary:    "-",
		Input:      "-",
	}
}

// invalidLinkPage is the one page of every bad link: nothing in it hints at
// which part was wrong.
func invalidLinkPage() page.LinkPage {
	return page.LinkPage{
		Title: lines.TitleBadLink, Message: lines.BadLink,
		WorkflowID: "-", RunID: "-", ActivityID: "-", Attempt: "-", Action: "-", TextLabel: "-", Text: "-", For: "-", Expires: "-", Summary: "-", Input: "-",
	}
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/links"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/pending"
	"github.com/async-completion/go-completer/internal/send"
)

// verbLink prints a signed action link (docs/completer-cli.md, "Signed action
// links: `link`").
const verbLink = "link"

// linkCommand is one parsed `link` command line.
type linkCommand struct {
	// conn holds the target and the connection options, as every verb that
	// connects.
	conn        command
	help        bool
	action      optionalText
	result      optionalText
	reason      optionalText
	forName     optionalText
	expires     optionalText
	expiresAt   optionalText
	baseURL     optionalText
	linkKeyFile optionalText
}

// parseLinkArgs reads link's arguments (after the verb), checked in the
// order of the other verbs (unknown option or missing value, a stray
// argument, --rpc-timeout, the target), then its own options.
func parseLinkArgs(args []string) (*linkCommand, error) {
	c := &linkCommand{conn: command{verb: verbLink, rpcTimeoutText: DefaultRPCTimeout}}
	fs := flag.NewFlagSet(verbLink, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&c.conn.workflowID, "workflow-id", "", "the Workflow ID")
	fs.StringVar(&c.conn.activityID, "activity-id", "", "the Activity ID")
	fs.StringVar(&c.conn.runID, "run-id", "", "the Workflow run ID (default: the current run)")
	fs.Var(&c.action, "action", "approve or reject")
	fs.Var(&c.result, "result", "approve: the result")
	fs.Var(&c.reason, "reason", "reject: the reason")
	fs.Var(&c.forName, "for", "who the link is for")
	fs.Var(&c.expires, "expires", "how long the link works")
	fs.Var(&c.expiresAt, "expires-at", "an absolute expiry, RFC 3339")
	fs.Var(&c.baseURL, "base-url", "where serve is reached")
	fs.Var(&c.linkKeyFile, "link-key-file", "the signing key")
	c.conn.connectionOptions(fs)
	help, err := parseFlags(fs, verbLink, args)
	if err != nil {
		return nil, err
	}
	if help {
		c.help = true
		return c, nil
	}
	if err := c.conn.parseRPCTimeout(); err != nil {
		return nil, err
	}
	if err := c.conn.checkTarget(); err != nil {
		return nil, err
	}
	return c, nil
}

// approve is whether the link approves (completes) rather than rejects.
func (c *linkCommand) approve() bool { return c.action.value == links.Approve }

// check makes link's own checks, in the order of the Python completer's:
// the action and its text, --for, the expiry, --base-url and the key file.
// It returns the link without its run and attempt (found with describe), the
// base URL and the keys.
func (c *linkCommand) check(now func() (int64, error)) (links.Link, string, string, error) {
	link := links.Link{WorkflowID: c.conn.workflowID, RunID: c.conn.runID, ActivityID: c.conn.activityID, Action: c.action.value, For: links.DefaultFor}
	if !c.action.set || (c.action.value != links.Approve && c.action.value != links.Reject) {
		return link, "", "", lines.BadAction()
	}
	if (c.approve() && c.reason.set) || (!c.approve() && c.result.set) {
		return link, "", "", lines.TextForOtherAction()
	}
	if !c.approve() && c.reason.value == "" {
		return link, "", "", lines.RejectNeedsReason()
	}
	link.Text = c.result.value
	if !c.approve() {
		link.Text = c.reason.value
	}
	if err := links.CheckText(link.Text); err != nil {
		return link, "", "", err
	}
	if c.forName.set {
		if err := links.CheckFor(c.forName.value); err != nil {
			return link, "", "", err
		}
		link.For = c.forName.value
	}
	if c.expires.set && c.expiresAt.set {
		return link, "", "", lines.BothExpires()
	}
	expires, err := now()
	if err != nil {
		return link, "", "", err
	}
	link.Expires = expires
	if !c.baseURL.set || !c.linkKeyFile.set {
		return link, "", "", lines.LinkNeedsURLAndKey()
	}
	base, err := links.CheckBaseURL(c.baseURL.value)
	if err != nil {
		return link, "", "", err
	}
	return link, base, c.linkKeyFile.value, nil
}

// link prints a signed link that approves or rejects the Activity's current
// attempt through serve: GET shows what it will do, POST (its button) does
// it. It describes the Workflow for the run and the attempt; an Activity that
// is not pending is refused with what closed it.
func (r *runner) link(args []string) error {
	cmd, err := parseLinkArgs(args)
	if err != nil {
		return err
	}
	if cmd.help {
		if _, err := io.WriteString(r.stdout, lines.HelpLink); err != nil {
			return lines.StdoutFailed(lines.OSReason(err))
		}
		return nil
	}
	now := r.now()
	link, base, keyFile, err := cmd.check(func() (int64, error) {
		if cmd.expiresAt.set {
			return links.ParseExpiresAt(cmd.expiresAt.value, now)
		}
		text := links.DefaultExpires
		if cmd.expires.set {
			text = cmd.expires.value
		}
		seconds, err := links.ParseExpires(text)
		return now.Unix() + seconds, err
	})
	if err != nil {
		return err
	}
	keys, warning, err := links.ReadKeys(keyFile)
	if err != nil {
		return err
	}
	if warning != "" {
		// A standard error that went away is no reason to stop.
		_, _ = fmt.Fprintln(r.stderr, warning)
	}

	ctx, cancel := context.WithTimeout(context.Background(), cmd.conn.rpcTimeout)
	defer cancel()
	c, server, err := r.connect(ctx, &cmd.conn)
	if err != nil {
		return err
	}
	defer c.Close()
	req := send.Request{Server: server, Verb: verbLink, Desc: lines.DescribeIDs(link.ActivityID, link.WorkflowID), WorkflowID: link.WorkflowID}
	svc := c.WorkflowService()
	target := model.Target{WorkflowID: link.WorkflowID, RunID: link.RunID, ActivityID: link.ActivityID}
	current, err := currentAttempt(ctx, svc, req, target)
	if err != nil {
		return err
	}
	if !current.Pending {
		ctx, cancel := context.WithTimeout(context.Background(), cmd.conn.rpcTimeout)
		defer cancel()
		return send.ExplainNotPending(ctx, svc, req, target)
	}
	link.Namespace, link.RunID, link.Attempt = server.Namespace, current.RunID, int64(current.Attempt)
	if _, err := fmt.Fprintln(r.stdout, base+links.RoutePrefix+links.Sign(link, keys.Key)); err != nil {
		return lines.StdoutFailed(lines.OSReason(err))
	}
	return nil
}

// currentAttempt is the Activity's attempt pending now (pending.PendingAttempt),
// retried while the server cannot take the describe. A run that does not
// exist has nothing pending; any other failure is the server's line for it.
func currentAttempt(ctx context.Context, svc pending.Describer, req send.Request, target model.Target) (pending.Attempt, error) {
	var current pending.Attempt
	err := send.Retrying(ctx, func(ctx context.Context) error {
		var err error
		current, err = pending.PendingAttempt(ctx, svc, req.Namespace, target)
		return err
	})
	if err != nil {
		if send.NotPending(err) {
			return pending.Attempt{}, nil
		}
		return pending.Attempt{}, send.MapRequestError(err, ctx.Err(), req)
	}
	return current, nil
}

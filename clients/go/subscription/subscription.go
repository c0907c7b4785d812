// Package subscription streams switchboard.v1 events across reconnects: after
// a retryable error it waits with exponential backoff and subscribes again
// with after_sequence set to the last sequence it delivered, so a server
// restart or a network blip loses nothing and duplicates nothing.
package subscription

import (
	"context"
	"errors"
	"io"
	"math/rand"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	switchboardv1 "switchboard/clients/go/switchboard/v1"
)

// Options says what to stream, from where, and how to reconnect.
type Options struct {
	// EventTypes are patterns as in SubscribeRequest.event_types: an exact
	// type ("call.completed"), a prefix ("call.*") or "*". Empty: every type.
	EventTypes []string
	// AfterSequence is where to start: resume after this sequence (0 = the
	// oldest retained event). Nil: live tail; the no-loss guarantee then
	// holds from the first event received.
	AfterSequence *uint64
	// InitialBackoff is the delay before the first reconnect (default 100 ms);
	// it doubles per consecutive failed attempt, with jitter, up to MaxBackoff
	// (default 10 s).
	InitialBackoff, MaxBackoff time.Duration
	// Sleep waits before each reconnect; by default a timer that ctx cancels.
	// For tests and custom scheduling.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Subscription delivers events in sequence order across reconnects.
// Its methods are not safe for concurrent use, except from the handler.
type Subscription struct {
	client     switchboardv1.EventStreamClient
	opts       Options
	last       uint64
	hasLast    bool
	reconnects int
}

// New returns a subscription; nothing happens until Run.
func New(client switchboardv1.EventStreamClient, opts Options) *Subscription {
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 10 * time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	s := &Subscription{client: client, opts: opts}
	if opts.AfterSequence != nil {
		s.last, s.hasLast = *opts.AfterSequence, true
	}
	return s
}

// IsRetryable reports whether Run reconnects after err: UNAVAILABLE (server
// down, restarting or shutting down; broken connection), ABORTED, and
// CANCELLED not caused by ctx (a stream cut while the server shuts down). Every
// other status (INVALID_ARGUMENT for a bad pattern, OUT_OF_RANGE when the log
// no longer holds the resume point, RESOURCE_EXHAUSTED when this subscriber
// fell out of retention) needs the caller's decision.
func IsRetryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Aborted, codes.Canceled:
		return true
	}
	return false
}

// handlerError marks an error returned by the handler, so Run returns it as is.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// Run calls handle for each event until ctx is done (it returns ctx.Err()),
// handle returns an error (returned as is), or the server answers with a
// status that is not retryable (returned as a gRPC status error).
func (s *Subscription) Run(ctx context.Context, handle func(*switchboardv1.Event) error) error {
	failures := 0
	for {
		err := s.stream(ctx, handle, &failures)
		var h handlerError
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &h):
			return h.err
		case err != nil && !IsRetryable(err):
			return err
		}
		if err := s.opts.Sleep(ctx, s.backoff(failures)); err != nil {
			return err
		}
		failures++
		s.reconnects++
	}
}

// stream runs one Subscribe call; a nil error means the server ended it.
func (s *Subscription) stream(ctx context.Context, handle func(*switchboardv1.Event) error, failures *int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req := &switchboardv1.SubscribeRequest{EventTypes: s.opts.EventTypes}
	if s.hasLast {
		req.Start = &switchboardv1.SubscribeRequest_AfterSequence{AfterSequence: s.last}
	}
	stream, err := s.client.Subscribe(ctx, req)
	if err != nil {
		return err
	}
	for {
		event, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		*failures = 0
		s.last, s.hasLast = event.GetSequence(), true
		if err := handle(event); err != nil {
			return handlerError{err}
		}
	}
}

// LastSequence is the sequence of the last event delivered; ok is false
// before the first one on a live tail.
func (s *Subscription) LastSequence() (seq uint64, ok bool) { return s.last, s.hasLast }

// Reconnects counts the times the stream was opened again after a break.
func (s *Subscription) Reconnects() int { return s.reconnects }

func (s *Subscription) backoff(failures int) time.Duration {
	d := s.opts.MaxBackoff
	if failures < 32 && s.opts.InitialBackoff<<failures < d {
		d = s.opts.InitialBackoff << failures
	}
	return d/2 + time.Duration(rand.Int63n(int64(d/2)+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

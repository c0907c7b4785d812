// Package consumer runs a member of a switchboard consumer group
// (EventStream.Consume): each event matching the group's filter goes to one
// member at a time, so processes running a Consumer with the same group share
// the events. Run calls a handler per event, acks the event when the handler
// returns nil and nacks it when it returns an error; after a retryable error
// it waits with exponential backoff and joins the group again. Events this
// member held and did not get to ack come back from the server: delivery is
// at least once.
package consumer

import (
	"context"
	"io"
	"math/rand"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	switchboardv1 "switchboard/clients/go/switchboard/v1"
)

// maxSequences is the most sequences one AckEvents / NackEvents message may hold (the server's limit).
const maxSequences = 10000

// Options says what to consume, how, and how to rejoin.
type Options struct {
	// EventTypes is the group's filter, as SubscribeRequest.event_types: an
	// exact type ("call.completed"), a prefix ("call.*") or "*". Empty: every
	// type; joining an existing group: its filter. Another filter than an
	// existing group's is FAILED_PRECONDITION.
	EventTypes []string
	// AfterSequence and FromOldest say where a new group starts (ignored when
	// the group exists): after this sequence (0 = the oldest retained event),
	// or with the oldest retained event. Neither: events stored from now on.
	AfterSequence *uint64
	FromOldest    bool
	// AckDeadline is a group setting: the time a member has to ack an event
	// before it is delivered again (1 s to 1 h). 0: 30 s for a new group.
	AckDeadline time.Duration
	// MaxDeliveryAttempts is a group setting: deliveries of an event before it
	// is parked as a dead letter. 0: 5 for a new group.
	MaxDeliveryAttempts uint32
	// MaxUnacked is this member's flow control: at most this many events
	// delivered to it and not yet acked or nacked. 0: the server's 100.
	MaxUnacked uint32
	// Concurrency is how many handlers run at once (default 1: one at a time,
	// in delivery order).
	Concurrency int
	// LetDeadlinePass leaves an event whose handler failed alone instead of
	// nacking it: it is delivered again after its ack deadline.
	LetDeadlinePass bool
	// AckInterval is how long an ack may wait to be sent with others (default
	// 50 ms); acks are sent at once when no delivered event waits for a handler.
	AckInterval time.Duration
	// DrainTimeout bounds how long Run, once ctx is done, waits for the server
	// to confirm the last acks (default 5 s).
	DrainTimeout time.Duration
	// Token is sent as "authorization: Bearer TOKEN" when not empty.
	Token string
	// InitialBackoff is the delay before the first rejoin (default 100 ms); it
	// doubles per consecutive failed attempt, with jitter, up to MaxBackoff
	// (default 10 s).
	InitialBackoff, MaxBackoff time.Duration
	// Sleep waits before each rejoin; by default a timer that ctx cancels.
	// For tests and custom scheduling.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnAckResult, when set, is called (from Run's goroutine) with each
	// AckResult: its Acked sequences are stored and will not come back.
	OnAckResult func(*switchboardv1.AckResult)
	// OnHandlerError, when set, is called with each error a handler returned,
	// before the event is nacked (or left to its deadline).
	OnHandlerError func(err error, event *switchboardv1.Event)
}

// Handler handles one event delivered to this member. attempt is 1 for the
// first delivery to the group, 2 for the first redelivery, ... Returning nil
// acks the event; an error nacks it. ctx is Run's: done when Run is asked to stop.
type Handler func(ctx context.Context, event *switchboardv1.Event, attempt uint32) error

// Consumer is a member of one consumer group. Its methods are safe for
// concurrent use; Run runs once at a time.
type Consumer struct {
	client switchboardv1.EventStreamClient
	join   *switchboardv1.JoinGroup
	opts   Options

	mu         sync.Mutex
	joined     *switchboardv1.GroupJoined
	reconnects int
}

// New returns a consumer of group; nothing happens until Run.
func New(client switchboardv1.EventStreamClient, group string, opts Options) *Consumer {
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.AckInterval <= 0 {
		opts.AckInterval = 50 * time.Millisecond
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 5 * time.Second
	}
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 10 * time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	join := &switchboardv1.JoinGroup{
		Group:               group,
		EventTypes:          opts.EventTypes,
		MaxDeliveryAttempts: opts.MaxDeliveryAttempts,
		MaxUnacked:          opts.MaxUnacked,
	}
	switch {
	case opts.AfterSequence != nil:
		join.Start = &switchboardv1.JoinGroup_AfterSequence{AfterSequence: *opts.AfterSequence}
	case opts.FromOldest:
		join.Start = &switchboardv1.JoinGroup_FromOldest{FromOldest: true}
	}
	if opts.AckDeadline > 0 {
		join.AckDeadline = durationpb.New(opts.AckDeadline)
	}
	return &Consumer{client: client, join: join, opts: opts}
}

// IsRetryable reports whether Run joins again after err: UNAVAILABLE (server
// down, restarting or shutting down; broken connection), CANCELLED not caused
// by ctx (a stream cut while the server shuts down) and RESOURCE_EXHAUSTED (a
// full server or group, which may free up). Every other status needs the
// caller: INVALID_ARGUMENT (a malformed join), FAILED_PRECONDITION (the group
// exists with another filter or other settings), PERMISSION_DENIED and
// UNAUTHENTICATED (the token), ABORTED (the group was deleted: joining again
// would create a new one), UNIMPLEMENTED (a store without groups).
func IsRetryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled, codes.ResourceExhausted:
		return true
	}
	return false
}

// Run joins the group and calls handle for each event delivered to this
// member until ctx is done or the server answers with a status that is not
// retryable (returned as a gRPC status error). When ctx is done, Run hands
// out no more events, waits for the handlers running now, sends their acks,
// waits up to DrainTimeout for the server to confirm them, leaves the group
// and returns ctx.Err(); events delivered and not handled go back to the group.
func (c *Consumer) Run(ctx context.Context, handle Handler) error {
	failures := 0
	for {
		joined, err := c.stream(ctx, handle)
		if joined {
			failures = 0 // the next break starts the backoff afresh
		}
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && !IsRetryable(err):
			return err
		}
		if err := c.opts.Sleep(ctx, c.backoff(failures)); err != nil {
			return err
		}
		failures++
		c.mu.Lock()
		c.reconnects++
		c.mu.Unlock()
	}
}

// Joined is the answer to the current (or last) join: the member's name, the
// group's filter and settings; nil before the first.
func (c *Consumer) Joined() *switchboardv1.GroupJoined {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.joined
}

// Reconnects counts the times the group was joined again after a break.
func (c *Consumer) Reconnects() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reconnects
}

type received struct {
	response *switchboardv1.ConsumeResponse
	err      error // io.EOF: the server ended the stream with OK
}

type handled struct {
	event *switchboardv1.Event
	err   error
}

// stream runs one Consume stream. It returns once the stream is over and no
// handler of its events runs any more (a rejoin must not hand one of them
// out twice at once): with ctx done, after the drain; otherwise with the
// stream's error (an OK end counts as UNAVAILABLE).
func (c *Consumer) stream(ctx context.Context, handle Handler) (joined bool, err error) {
	// The stream outlives ctx by the drain: its own context.
	streamCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if c.opts.Token != "" {
		streamCtx = metadata.AppendToOutgoingContext(streamCtx, "authorization", "Bearer "+c.opts.Token)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	stream, err := c.client.Consume(streamCtx)
	if err != nil {
		return false, err
	}
	out := newSender(stream)
	go out.run()
	defer out.stop()
	out.send(&switchboardv1.ConsumeRequest{Kind: &switchboardv1.ConsumeRequest_Join{Join: c.join}})

	recv := make(chan received, 16)
	go func() {
		for {
			response, err := stream.Recv()
			select {
			case recv <- received{response, err}:
			case <-streamCtx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()

	var (
		waiting     []*switchboardv1.GroupDelivery // not handed to a handler yet
		running     int                            // handlers running now
		acks, nacks []uint64                       // to send
		firstAck    time.Time                      // when the oldest of them was added
		unanswered  int                            // ack and nack messages without their AckResult yet
		closing     bool
		drainUntil  time.Time
		halfClosed  bool
		ended       bool
		endErr      error
		done        = make(chan handled, c.opts.Concurrency)
		ctxDone     = ctx.Done()
	)
	flush := func() {
		for _, batch := range []struct {
			sequences []uint64
			request   func([]uint64) *switchboardv1.ConsumeRequest
		}{
			{acks, func(s []uint64) *switchboardv1.ConsumeRequest {
				return &switchboardv1.ConsumeRequest{Kind: &switchboardv1.ConsumeRequest_Ack{
					Ack: &switchboardv1.AckEvents{Sequences: s}}}
			}},
			{nacks, func(s []uint64) *switchboardv1.ConsumeRequest {
				return &switchboardv1.ConsumeRequest{Kind: &switchboardv1.ConsumeRequest_Nack{
					Nack: &switchboardv1.NackEvents{Sequences: s}}}
			}},
		} {
			for i := 0; i < len(batch.sequences); i += maxSequences {
				end := i + maxSequences
				if end > len(batch.sequences) {
					end = len(batch.sequences)
				}
				out.send(batch.request(batch.sequences[i:end]))
				unanswered++
			}
		}
		acks, nacks = nil, nil
	}

	for {
		// Hand out events, send acks, finish a drain.
		if !ended {
			for !closing && len(waiting) > 0 && running < c.opts.Concurrency {
				d := waiting[0]
				waiting = waiting[1:]
				running++
				go func(event *switchboardv1.Event, attempt uint32) {
					done <- handled{event, handle(ctx, event, attempt)}
				}(d.GetEvent(), d.GetDeliveryAttempt())
			}
			if len(acks)+len(nacks) > 0 &&
				(len(waiting) == 0 || closing || time.Since(firstAck) >= c.opts.AckInterval) {
				flush()
			}
			if closing && running == 0 && !halfClosed &&
				(unanswered == 0 || !time.Now().Before(drainUntil)) {
				if unanswered > 0 {
					return joined, nil // not confirmed in time: cancel
				}
				out.closeSend() // the server ends the stream with OK
				halfClosed = true
				drainUntil = time.Now().Add(time.Second)
			}
			if halfClosed && !time.Now().Before(drainUntil) {
				return joined, nil
			}
		} else if running == 0 {
			if closing {
				return joined, nil
			}
			return joined, endErr
		}

		var wake <-chan time.Time
		var wait time.Duration = -1
		if !ended && len(acks)+len(nacks) > 0 {
			wait = c.opts.AckInterval - time.Since(firstAck)
		}
		if !ended && closing && running == 0 {
			if left := time.Until(drainUntil); wait < 0 || left < wait {
				wait = left
			}
		}
		var timer *time.Timer
		if wait >= 0 {
			timer = time.NewTimer(wait)
			wake = timer.C
		}
		select {
		case <-ctxDone:
			ctxDone = nil
			closing = true
			waiting = nil // the server gives them back when this member leaves
			drainUntil = time.Now().Add(c.opts.DrainTimeout)
		case r := <-recv:
			if ended {
				break
			}
			if r.err != nil {
				ended = true
				endErr = r.err
				if r.err == io.EOF {
					endErr = status.Error(codes.Unavailable, "the server ended the Consume stream")
				}
				// Lost with the stream: the server gives those events back.
				waiting, acks, nacks = nil, nil, nil
				break
			}
			switch kind := r.response.GetKind().(type) {
			case *switchboardv1.ConsumeResponse_Joined:
				joined = true
				c.mu.Lock()
				c.joined = kind.Joined
				c.mu.Unlock()
			case *switchboardv1.ConsumeResponse_Deliveries:
				if !closing {
					waiting = append(waiting, kind.Deliveries.GetDeliveries()...)
				}
			case *switchboardv1.ConsumeResponse_Result:
				unanswered--
				if c.opts.OnAckResult != nil {
					c.opts.OnAckResult(kind.Result)
				}
			}
		case h := <-done:
			running--
			if h.err != nil && c.opts.OnHandlerError != nil {
				c.opts.OnHandlerError(h.err, h.event)
			}
			if !ended {
				if len(acks)+len(nacks) == 0 {
					firstAck = time.Now()
				}
				switch {
				case h.err == nil:
					acks = append(acks, h.event.GetSequence())
				case !c.opts.LetDeadlinePass:
					nacks = append(nacks, h.event.GetSequence())
				}
			}
		case <-wake:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// sender sends a stream's requests from its own goroutine, so Run's loop never
// blocks on a send (the server stops reading while its answers to us queue up).
type sender struct {
	stream  switchboardv1.EventStream_ConsumeClient
	mu      sync.Mutex
	queue   []*switchboardv1.ConsumeRequest
	closing bool // CloseSend after the queue
	stopped bool
	wake    chan struct{}
}

func newSender(stream switchboardv1.EventStream_ConsumeClient) *sender {
	return &sender{stream: stream, wake: make(chan struct{}, 1)}
}

func (s *sender) send(request *switchboardv1.ConsumeRequest) {
	s.mu.Lock()
	s.queue = append(s.queue, request)
	s.mu.Unlock()
	s.signal()
}

func (s *sender) closeSend() {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.signal()
}

func (s *sender) stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.signal()
}

func (s *sender) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sender) run() {
	for range s.wake {
		s.mu.Lock()
		queue, closing, stopped := s.queue, s.closing, s.stopped
		s.queue = nil
		s.mu.Unlock()
		if stopped {
			return
		}
		for _, request := range queue {
			if err := s.stream.Send(request); err != nil {
				return // the stream is over; Recv reports why
			}
		}
		if closing {
			s.stream.CloseSend()
			return
		}
	}
}

func (c *Consumer) backoff(failures int) time.Duration {
	d := c.opts.MaxBackoff
	if failures < 32 && c.opts.InitialBackoff<<failures < d {
		d = c.opts.InitialBackoff << failures
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

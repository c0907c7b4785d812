// Command switchboard-subscribe prints switchboard.v1 events as they arrive,
// one line each, reconnecting and resuming by itself. Ctrl-C exits.
//
//	switchboard-subscribe --addr 127.0.0.1:50051 --types 'call.*,sms.received' [--after 0]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	"switchboard/clients/go/subscription"
	switchboardv1 "switchboard/clients/go/switchboard/v1"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "gRPC address of switchboard (plaintext)")
	types := flag.String("types", "", "comma-separated event type patterns, e.g. 'call.*,sms.received'; empty: all")
	after := flag.Int64("after", -1, "resume after this sequence (0: from the oldest retained event); -1: live tail")
	flag.Parse()
	log.SetFlags(0)

	conn, err := grpc.Dial(*addr, grpc.WithInsecure(), grpc.WithConnectParams(grpc.ConnectParams{
		Backoff: backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 2, Jitter: 0.2, MaxDelay: 10 * time.Second},
	}))
	if err != nil {
		log.Fatalf("switchboard-subscribe: %v", err)
	}
	defer conn.Close()

	opts := subscription.Options{}
	if *types != "" {
		opts.EventTypes = strings.Split(*types, ",")
	}
	if *after >= 0 {
		seq := uint64(*after)
		opts.AfterSequence = &seq
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sub := subscription.New(switchboardv1.NewEventStreamClient(conn), opts)
	err = sub.Run(ctx, func(e *switchboardv1.Event) error {
		fmt.Println(summary(e))
		return nil
	})
	if err != nil && ctx.Err() == nil {
		log.Fatalf("switchboard-subscribe: %v", err)
	}
}

// summary is one readable line per event, with the typed payload's key fields.
func summary(e *switchboardv1.Event) string {
	head := fmt.Sprintf("#%d %s", e.GetSequence(), e.GetType())
	switch p := e.GetPayload().(type) {
	case *switchboardv1.Event_CallCompleted:
		c := p.CallCompleted
		return fmt.Sprintf("%s %s %s -> %s %ds", head, c.GetCallId(), c.GetFrom(), c.GetTo(), c.GetDuration())
	case *switchboardv1.Event_SmsReceived:
		m := p.SmsReceived
		return fmt.Sprintf("%s %s from %s: %q", head, m.GetMessageId(), m.GetFrom(), m.GetBody())
	default:
		return head
	}
}

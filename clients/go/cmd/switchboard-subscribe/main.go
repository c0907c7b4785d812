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
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/protobuf/proto"

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

// Payload messages by what they hold. Every official call payload (each
// call.* type and jc.call_ai_generated) holds JustCall's Call object in
// `call`, every official SMS payload (each sms.* type of JustCall's list) its
// SMS object in `sms`; the types of the first, flat samples also have flat
// fields (call_id, from, to, ...), which JustCall itself does not send.
type (
	withCall interface{ GetCall() *switchboardv1.Call }
	withSms  interface{ GetSms() *switchboardv1.Sms }
	flatCall interface {
		GetCallId() string
		GetFrom() string
		GetTo() string
	}
	flatSms interface {
		GetMessageId() string
		GetFrom() string
		GetTo() string
		GetBody() string
	}
)

// payload is the message set in e's payload oneof (*CallCompleted,
// *SmsReceived, ...), or nil.
func payload(e *switchboardv1.Event) proto.Message {
	m := e.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("payload"))
	if fd == nil {
		return nil
	}
	return m.Get(fd).Message().Interface()
}

// summary is one readable line per event: JustCall's official Call or SMS
// object when the payload has one (what JustCall sends), else the flat
// fields of the first samples, else sequence and type. Values are as sent;
// keys the schema does not model are in e.GetDataJson() (encoding/json).
func summary(e *switchboardv1.Event) string {
	head := fmt.Sprintf("#%d %s", e.GetSequence(), e.GetType())
	p := payload(e)
	if pc, ok := p.(withCall); ok {
		if c := pc.GetCall(); c.GetCallSid() != "" || c.GetId() != 0 {
			id := c.GetCallSid()
			if id == "" {
				id = strconv.FormatInt(c.GetId(), 10)
			}
			duration := "?"
			if d := c.GetCallDuration(); d != nil && d.TotalDuration != nil {
				duration = strconv.FormatInt(*d.TotalDuration, 10)
			}
			return fmt.Sprintf("%s %s %s %s %s%s agent %s, %s s", head, id,
				or(c.GetCallInfo().GetDirection(), "?"), or(c.GetCallInfo().GetType(), "-"),
				or(c.GetContactNumber(), "?"), name(c.GetContactName()), or(c.GetAgentName(), "-"), duration)
		}
	}
	if ps, ok := p.(withSms); ok {
		if m := ps.GetSms(); m.GetId() != 0 {
			media := ""
			if n := len(m.GetSmsInfo().GetMms()); n > 0 {
				media = fmt.Sprintf(" +%d media", n)
			}
			return fmt.Sprintf("%s %d %s %s%s agent %s: %q%s", head, m.GetId(), or(m.GetDirection(), "?"),
				or(m.GetContactNumber(), "?"), name(m.GetContactName()), or(m.GetAgentName(), "-"),
				m.GetSmsInfo().GetBody(), media)
		}
	}
	if c, ok := p.(flatCall); ok && c.GetCallId() != "" {
		line := fmt.Sprintf("%s %s %s -> %s", head, c.GetCallId(), c.GetFrom(), c.GetTo())
		if d, ok := p.(interface{ GetDuration() int64 }); ok {
			line += fmt.Sprintf(", %d s", d.GetDuration())
		} else if d, ok := p.(interface{ GetRingDuration() int64 }); ok {
			line += fmt.Sprintf(", rang %d s", d.GetRingDuration())
		}
		return line + " [flat sample]"
	}
	if m, ok := p.(flatSms); ok && m.GetMessageId() != "" {
		return fmt.Sprintf("%s %s %s -> %s: %q [flat sample]", head, m.GetMessageId(), m.GetFrom(), m.GetTo(), m.GetBody())
	}
	return head
}

// or is s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// name is " (NAME)", or "" for a contact without a name.
func name(contactName string) string {
	if contactName == "" {
		return ""
	}
	return " (" + contactName + ")"
}

// Package e2e tests clients/go against the real switchboard binary:
//
//	go test switchboard/tests/clients/go -args -switchboard BIN -fixtures DIR
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

	sbconsumer "switchboard/clients/go/consumer" // the tests' consumer type runs a Subscription
	"switchboard/clients/go/subscription"
	switchboardv1 "switchboard/clients/go/switchboard/v1"
)

var (
	binary   = flag.String("switchboard", "", "path of the switchboard binary")
	fixtures = flag.String("fixtures", "", "tests/fixtures/justcall")
)

const wait = 10 * time.Second // for any one expected event

// fixture is the webhook document of fixtures/NAME.json, with data keys overridden.
func fixture(t *testing.T, name string, data map[string]interface{}) map[string]interface{} {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(*fixtures, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]interface{}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range data {
		doc["data"].(map[string]interface{})[k] = v
	}
	return doc
}

// consumer runs a Subscription on a goroutine; events go to a channel.
type consumer struct {
	sub    *subscription.Subscription
	events chan *switchboardv1.Event
	done   chan error
	cancel context.CancelFunc
}

func consume(t *testing.T, addr string, opts subscription.Options) *consumer {
	t.Helper()
	conn, err := grpc.Dial(addr, grpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{
		sub:    subscription.New(switchboardv1.NewEventStreamClient(conn), opts),
		events: make(chan *switchboardv1.Event, 16),
		done:   make(chan error, 1),
		cancel: cancel,
	}
	go func() {
		c.done <- c.sub.Run(ctx, func(e *switchboardv1.Event) error { c.events <- e; return nil })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5 s of cancel")
		}
		conn.Close()
	})
	return c
}

func (c *consumer) next(t *testing.T) *switchboardv1.Event {
	t.Helper()
	select {
	case e := <-c.events:
		return e
	case err := <-c.done:
		t.Fatalf("subscription ended: %v", err)
	case <-time.After(wait):
		t.Fatal("no event within 10 s")
	}
	return nil
}

func (c *consumer) assertNoMore(t *testing.T) {
	t.Helper()
	select {
	case e := <-c.events:
		t.Fatalf("unexpected extra event: %v", e)
	case <-time.After(300 * time.Millisecond):
	}
}

// assertMatches checks the event is typed and every payload field equals the webhook's JSON.
func assertMatches(t *testing.T, e *switchboardv1.Event, doc map[string]interface{}, seq uint64) {
	t.Helper()
	if e.GetSequence() != seq || e.GetType() != doc["event"] || e.GetId() == "" || e.GetReceivedAt() == nil {
		t.Fatalf("event %v: want sequence %d, type %v, an id and received_at", e, seq, doc["event"])
	}
	if got := e.GetOccurredAt().AsTime().Format(time.RFC3339); got != doc["timestamp"] {
		t.Errorf("occurred_at = %s, want %v", got, doc["timestamp"])
	}
	field := strings.ReplaceAll(doc["event"].(string), ".", "_")
	m := e.ProtoReflect()
	set := m.WhichOneof(m.Descriptor().Oneofs().ByName("payload"))
	if set == nil || string(set.Name()) != field {
		t.Fatalf("payload field = %v, want %s", set, field)
	}
	payload := m.Get(set).Message()
	for key, want := range doc["data"].(map[string]interface{}) {
		fd := payload.Descriptor().Fields().ByName(protoreflect.Name(key))
		if fd == nil {
			t.Errorf("%s: no field %q", field, key)
			continue
		}
		if want == nil {
			if payload.Has(fd) {
				t.Errorf("%s.%s is set, want absent (JSON null)", field, key)
			}
			continue
		}
		if !payload.Has(fd) {
			t.Errorf("%s.%s is absent, want %v", field, key, want)
			continue
		}
		var got interface{}
		switch v := payload.Get(fd); fd.Kind() {
		case protoreflect.Int64Kind:
			got = float64(v.Int()) // JSON numbers decode as float64
		default:
			got = v.Interface()
		}
		if got != want {
			t.Errorf("%s.%s = %v, want %v", field, key, got, want)
		}
	}
}

func TestFilteredReplayThenLiveEventsArriveTyped(t *testing.T) {
	s := startServer(t, 0)
	for i, name := range []string{"call.completed", "sms.received", "call.missed"} {
		if seq := s.post(t, fixture(t, name, nil)); seq != uint64(i+1) {
			t.Fatalf("POST %s: sequence %d, want %d", name, seq, i+1)
		}
	}
	zero := uint64(0)
	c := consume(t, s.grpcAddr, subscription.Options{EventTypes: []string{"call.*"}, AfterSequence: &zero})

	first := c.next(t)
	assertMatches(t, first, fixture(t, "call.completed", nil), 1)
	// Typed access, as a client author writes it.
	if cc := first.GetCallCompleted(); cc.GetDuration() != 185 || cc.GetAgentId() != 42 || cc.GetFrom() != "+14155559876" {
		t.Errorf("call_completed = %v", cc)
	}
	missed := c.next(t) // sms.received (2) is filtered out
	assertMatches(t, missed, fixture(t, "call.missed", nil), 3)
	if missed.GetCallMissed().AgentId != nil {
		t.Errorf("call_missed.agent_id was JSON null, got %d", missed.GetCallMissed().GetAgentId())
	}
	if seq := s.post(t, fixture(t, "call.answered", nil)); seq != 4 {
		t.Fatalf("POST call.answered: sequence %d, want 4", seq)
	}
	assertMatches(t, c.next(t), fixture(t, "call.answered", nil), 4) // live
	if last, ok := c.sub.LastSequence(); !ok || last != 4 {
		t.Errorf("LastSequence() = %d, %v; want 4, true", last, ok)
	}
	c.assertNoMore(t)
}

func TestResumesAfterServerRestartWithoutGapOrDuplicate(t *testing.T) {
	first := startServer(t, 0)
	first.post(t, fixture(t, "call.completed", nil))
	first.post(t, fixture(t, "call.missed", nil))

	// The reconnect waits until the second server holds the events to resume into.
	populated := make(chan struct{})
	delays := make(chan time.Duration, 100)
	zero := uint64(0)
	c := consume(t, first.grpcAddr, subscription.Options{
		EventTypes: []string{"call.*"}, AfterSequence: &zero,
		InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error {
			delays <- d
			select {
			case <-populated:
			case <-ctx.Done():
				return ctx.Err()
			}
			time.Sleep(d)
			return nil
		},
	})
	assertMatches(t, c.next(t), fixture(t, "call.completed", nil), 1)
	assertMatches(t, c.next(t), fixture(t, "call.missed", nil), 2)

	if err := first.stop(t); err != nil { // ends the stream with UNAVAILABLE
		t.Fatalf("first server: %v", err)
	}
	second := startServer(t, first.grpcPort())
	// Sequences 1 and 2 again: a resume from the start would deliver them twice.
	second.post(t, fixture(t, "call.completed", nil))
	second.post(t, fixture(t, "call.missed", nil))
	// Stored before the client is back: a live tail would miss it.
	if seq := second.post(t, fixture(t, "call.answered", nil)); seq != 3 {
		t.Fatalf("sequence %d, want 3", seq)
	}
	close(populated)

	assertMatches(t, c.next(t), fixture(t, "call.answered", nil), 3)
	// The server keeps one event per distinct webhook: change the content.
	live := fixture(t, "call.completed", map[string]interface{}{"call_id": "call_live_after_resume"})
	if seq := second.post(t, live); seq != 4 {
		t.Fatalf("sequence %d, want 4", seq)
	}
	assertMatches(t, c.next(t), live, 4)
	c.assertNoMore(t)
	if c.sub.Reconnects() < 1 {
		t.Errorf("Reconnects() = %d, want >= 1", c.sub.Reconnects())
	}
	for len(delays) > 0 {
		if d := <-delays; d <= 0 || d > 200*time.Millisecond {
			t.Errorf("backoff delay %v outside (0, 200ms]", d)
		}
	}
}

func TestOfficialCallCompletedArrivesWithNestedFields(t *testing.T) {
	s := startServer(t, 0)
	sent, err := os.ReadFile(filepath.Join(*fixtures, "v2.1", "call.completed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var official struct {
		RequestID  string          `json:"request_id"`
		WebhookURL string          `json:"webhook_url"`
		URLID      string          `json:"url_id"`
		Data       json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(sent, &official); err != nil {
		t.Fatal(err)
	}
	var data struct {
		ID            json.Number `json:"id"`
		CallSid       string      `json:"call_sid"`
		ContactNumber string      `json:"contact_number"`
		AgentID       json.Number `json:"agent_id"`
		CostIncurred  json.Number `json:"cost_incurred"`
		CallInfo      struct {
			Type      string `json:"type"`
			Recording string `json:"recording"`
		} `json:"call_info"`
		CallDuration struct {
			TotalDuration    json.Number `json:"total_duration"`
			FriendlyDuration string      `json:"friendly_duration"`
		} `json:"call_duration"`
	}
	dec := json.NewDecoder(bytes.NewReader(official.Data))
	dec.UseNumber() // int64 fields compared as 64-bit integers, not float64
	if err := dec.Decode(&data); err != nil {
		t.Fatal(err)
	}
	if seq := s.postRaw(t, sent); seq != 1 { // the file's bytes, as JustCall sends them
		t.Fatalf("POST v2.1/call.completed: sequence %d, want 1", seq)
	}
	if seq := s.post(t, fixture(t, "call.completed", nil)); seq != 2 { // the flat shape still works
		t.Fatalf("POST call.completed: sequence %d, want 2", seq)
	}
	zero := uint64(0)
	c := consume(t, s.grpcAddr, subscription.Options{EventTypes: []string{"call.completed"}, AfterSequence: &zero})

	e := c.next(t)
	if e.GetSequence() != 1 || e.GetType() != "call.completed" || e.GetId() != official.RequestID {
		t.Fatalf("event %d %q id %q, want 1 call.completed id %q", e.GetSequence(), e.GetType(), e.GetId(), official.RequestID)
	}
	if e.GetWebhookUrl() != official.WebhookURL || e.GetUrlId() != official.URLID {
		t.Errorf("webhook_url %q, url_id %q; want %q, %q", e.GetWebhookUrl(), e.GetUrlId(), official.WebhookURL, official.URLID)
	}
	if e.GetOccurredAt() != nil { // the v2.1 envelope has no timestamp
		t.Errorf("occurred_at = %v, want absent", e.GetOccurredAt())
	}
	if len(e.GetSchemaMismatches()) != 0 || len(e.GetEnvelopeExtras()) != 0 {
		t.Errorf("schema_mismatches %v, envelope_extras %v; want both empty", e.GetSchemaMismatches(), e.GetEnvelopeExtras())
	}
	var gotData, wantData interface{}
	if err := json.Unmarshal([]byte(e.GetDataJson()), &gotData); err != nil {
		t.Errorf("data_json %q: %v", e.GetDataJson(), err)
	}
	json.Unmarshal(official.Data, &wantData)
	if !reflect.DeepEqual(gotData, wantData) {
		t.Errorf("data_json = %s\nwant %s", e.GetDataJson(), official.Data)
	}
	if e.GetDataJson() != string(official.Data) { // the data object's text, byte for byte
		t.Errorf("data_json is not the data object's text as sent: %q", e.GetDataJson())
	}

	call := e.GetCallCompleted().GetCall()
	if call == nil {
		t.Fatalf("call_completed.call absent: %v", e)
	}
	if id, _ := data.ID.Int64(); call.Id == nil || call.GetId() != id {
		t.Errorf("call.id = %d, want %d", call.GetId(), id)
	}
	if agent, _ := data.AgentID.Int64(); call.GetAgentId() != agent {
		t.Errorf("call.agent_id = %d, want %d", call.GetAgentId(), agent)
	}
	if cost, _ := data.CostIncurred.Float64(); call.CostIncurred == nil || call.GetCostIncurred() != cost {
		t.Errorf("call.cost_incurred = %v, want %v", call.GetCostIncurred(), cost)
	}
	if call.GetCallSid() != data.CallSid || call.GetContactNumber() != data.ContactNumber {
		t.Errorf("call.call_sid %q, contact_number %q; want %q, %q",
			call.GetCallSid(), call.GetContactNumber(), data.CallSid, data.ContactNumber)
	}
	info := call.GetCallInfo()
	if info.GetDirection() != "Incoming" || info.GetType() != data.CallInfo.Type || info.GetRecording() != data.CallInfo.Recording {
		t.Errorf("call.call_info = %v, want direction Incoming, type %q, recording %q", info, data.CallInfo.Type, data.CallInfo.Recording)
	}
	duration := call.GetCallDuration()
	if total, _ := data.CallDuration.TotalDuration.Int64(); duration.GetTotalDuration() != total ||
		duration.GetFriendlyDuration() != data.CallDuration.FriendlyDuration {
		t.Errorf("call.call_duration = %v, want total_duration %s, friendly_duration %q",
			duration, data.CallDuration.TotalDuration, data.CallDuration.FriendlyDuration)
	}
	if call.GetCalledAt() == nil {
		t.Error("call.called_at absent, want call_date + call_time")
	} else if got := call.GetCalledAt().AsTime().Format(time.RFC3339Nano); got != "2025-06-10T14:05:12Z" {
		t.Errorf("call.called_at = %s, want 2025-06-10T14:05:12Z", got)
	}

	flat := c.next(t)
	assertMatches(t, flat, fixture(t, "call.completed", nil), 2)
	var flatData interface{}
	json.Unmarshal([]byte(flat.GetDataJson()), &flatData)
	if want := fixture(t, "call.completed", nil)["data"]; !reflect.DeepEqual(flatData, want) {
		t.Errorf("flat data_json = %s, want %v", flat.GetDataJson(), want)
	}
	if len(flat.GetSchemaMismatches()) != 0 {
		t.Errorf("flat schema_mismatches = %v, want empty", flat.GetSchemaMismatches())
	}
	c.assertNoMore(t)
}

func TestNonRetryableErrorIsReturnedNotRetried(t *testing.T) {
	s := startServer(t, 0)
	c := consume(t, s.grpcAddr, subscription.Options{EventTypes: []string{"Not A Pattern"}})
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("Run() = %v, want INVALID_ARGUMENT", err)
		}
		if c.sub.Reconnects() != 0 {
			t.Errorf("Reconnects() = %d, want 0", c.sub.Reconnects())
		}
	case <-time.After(wait):
		t.Fatal("Run did not return")
	}
}

// Consumer groups (package consumer).

// official is fixtures/v2.1/call.completed.json with its own request_id: a
// distinct event each (the server stores one event per id).
func official(t *testing.T, requestID string) map[string]interface{} {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(*fixtures, "v2.1", "call.completed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]interface{}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["request_id"] = requestID
	return doc
}

func officials(t *testing.T, prefix string, n int) []map[string]interface{} {
	docs := make([]map[string]interface{}, n)
	for i := range docs {
		docs[i] = official(t, fmt.Sprintf("%s-%d", prefix, i))
	}
	return docs
}

// seqRange is first, first+1, ..., last.
func seqRange(first, last uint64) []uint64 {
	var out []uint64
	for s := first; s <= last; s++ {
		out = append(out, s)
	}
	return out
}

func sorted(s []uint64) []uint64 {
	out := append([]uint64(nil), s...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func waitUntil(t *testing.T, what string, timeout time.Duration, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !done(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
	}
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.Dial(addr, grpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func admin(t *testing.T, s *server) switchboardv1.ConsumerGroupServiceClient {
	return switchboardv1.NewConsumerGroupServiceClient(dial(t, s.grpcAddr))
}

func getGroup(t *testing.T, a switchboardv1.ConsumerGroupServiceClient, name string) *switchboardv1.GroupInfo {
	t.Helper()
	answer, err := a.GetGroup(context.Background(), &switchboardv1.GetGroupRequest{Group: name})
	if err != nil {
		t.Fatalf("GetGroup(%s): %v", name, err)
	}
	return answer.GetGroup()
}

// member runs a sbconsumer.Consumer on a goroutine: records what its handler saw
// (sequence, attempt), the acks the server confirmed, and how Run ended. The
// test's cleanup cancels Run's context and waits for it to return.
type member struct {
	c        *sbconsumer.Consumer
	mu       sync.Mutex
	handled  [][2]uint64
	acked    []uint64
	err      error
	returned chan struct{}
}

func startMember(t *testing.T, addr, group string, opts sbconsumer.Options, handler sbconsumer.Handler) *member {
	t.Helper()
	m := &member{returned: make(chan struct{})}
	opts.OnAckResult = func(r *switchboardv1.AckResult) {
		m.mu.Lock()
		m.acked = append(m.acked, r.GetAcked()...)
		m.mu.Unlock()
	}
	m.c = sbconsumer.New(switchboardv1.NewEventStreamClient(dial(t, addr)), group, opts)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		err := m.c.Run(ctx, func(ctx context.Context, e *switchboardv1.Event, attempt uint32) error {
			m.mu.Lock()
			m.handled = append(m.handled, [2]uint64{e.GetSequence(), uint64(attempt)})
			m.mu.Unlock()
			if handler != nil {
				return handler(ctx, e, attempt)
			}
			return nil
		})
		m.mu.Lock()
		m.err = err
		m.mu.Unlock()
		close(m.returned)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-m.returned:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return within 10 s of cancel")
		}
	})
	return m
}

func (m *member) sequences() []uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []uint64
	for _, h := range m.handled {
		out = append(out, h[0])
	}
	return out
}

func (m *member) handledPairs() [][2]uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][2]uint64(nil), m.handled...)
}

func (m *member) ackedNow() []uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]uint64(nil), m.acked...)
}

// runErr waits for Run to return and gives its error.
func (m *member) runErr(t *testing.T) error {
	t.Helper()
	select {
	case <-m.returned:
	case <-time.After(wait):
		t.Fatal("Run did not return")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

func TestConsumerThreeMembersShareEventsExactlyOnce(t *testing.T) {
	s := startServer(t, 0)
	a := admin(t, s)
	var members []*member
	for i := 0; i < 3; i++ {
		members = append(members, startMember(t, s.grpcAddr, "billing",
			sbconsumer.Options{EventTypes: []string{"call.completed"}, FromOldest: true}, nil))
	}
	waitUntil(t, "three members joined", wait, func() bool {
		return members[0].c.Joined() != nil && members[1].c.Joined() != nil && members[2].c.Joined() != nil
	})
	if n := len(getGroup(t, a, "billing").GetMembers()); n != 3 {
		t.Fatalf("%d members, want 3", n)
	}
	sent := s.postMany(t, officials(t, "share", 3000))
	if !reflect.DeepEqual(sent, seqRange(1, 3000)) {
		t.Fatalf("sequences %v..., want 1..3000", sent[:3])
	}
	waitUntil(t, "3000 acks stored", 20*time.Second, func() bool {
		n := 0
		for _, m := range members {
			n += len(m.ackedNow())
		}
		return n >= 3000
	})
	var handled, acked []uint64
	for _, m := range members {
		seqs := m.sequences()
		handled = append(handled, seqs...)
		acked = append(acked, m.ackedNow()...)
		if len(seqs) == 0 {
			t.Error("a member got no share")
		}
		if !sort.SliceIsSorted(seqs, func(i, j int) bool { return seqs[i] < seqs[j] }) {
			t.Error("a member handled its events out of order")
		}
		for _, h := range m.handledPairs() {
			if h[1] != 1 {
				t.Errorf("event %d delivered with attempt %d, want 1", h[0], h[1])
			}
		}
		if m.c.Reconnects() != 0 {
			t.Errorf("Reconnects() = %d, want 0", m.c.Reconnects())
		}
	}
	if len(handled) != 3000 || !reflect.DeepEqual(sorted(handled), sent) { // each once, by one member
		t.Fatalf("%d events handled, want each of 1..3000 once", len(handled))
	}
	if !reflect.DeepEqual(sorted(acked), sent) {
		t.Errorf("acked %d sequences, want each of 1..3000 once", len(acked))
	}
	if g := getGroup(t, a, "billing"); g.GetAckedThrough() != 3000 || g.GetPending() != 0 {
		t.Errorf("group acked_through %d, pending %d; want 3000, 0", g.GetAckedThrough(), g.GetPending())
	}
	time.Sleep(300 * time.Millisecond)
	n := 0
	for _, m := range members {
		n += len(m.sequences())
	}
	if n != 3000 {
		t.Errorf("%d events handled after the acks, want 3000", n)
	}
}

func TestConsumerNacksFailedEventUntilDeadLetter(t *testing.T) {
	s := startServer(t, 0)
	a := admin(t, s)
	var failures []string
	var mu sync.Mutex
	m := startMember(t, s.grpcAddr, "flaky", sbconsumer.Options{
		EventTypes: []string{"call.*"}, FromOldest: true, MaxDeliveryAttempts: 2,
		OnHandlerError: func(err error, e *switchboardv1.Event) {
			mu.Lock()
			failures = append(failures, fmt.Sprintf("%d: %v", e.GetSequence(), err))
			mu.Unlock()
		},
	}, func(ctx context.Context, e *switchboardv1.Event, attempt uint32) error {
		if e.GetSequence() == 2 {
			return errors.New("cannot handle this one")
		}
		return nil
	})
	if sent := s.postMany(t, officials(t, "flaky", 3)); !reflect.DeepEqual(sent, seqRange(1, 3)) {
		t.Fatalf("sequences %v, want 1..3", sent)
	}
	// The group's ack deadline is 30 s: attempt 2 this soon means a nack.
	var dead *switchboardv1.ListDeadLettersResponse
	waitUntil(t, "a dead letter", wait, func() bool {
		var err error
		dead, err = a.ListDeadLetters(context.Background(), &switchboardv1.ListDeadLettersRequest{Group: "flaky"})
		if err != nil && status.Code(err) != codes.NotFound { // NotFound: the member has not joined yet
			t.Fatalf("ListDeadLetters: %v", err)
		}
		return err == nil && dead.GetTotal() == 1
	})
	// Event 2 may die before event 3 arrives: its acks say event 3 was handled.
	waitUntil(t, "acks of 1 and 3", wait, func() bool { return len(m.ackedNow()) == 2 })
	got := m.handledPairs()
	sort.Slice(got, func(i, j int) bool { return got[i][0] < got[j][0] || got[i][0] == got[j][0] && got[i][1] < got[j][1] })
	if want := [][2]uint64{{1, 1}, {2, 1}, {2, 2}, {3, 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("handled %v, want %v", got, want)
	}
	mu.Lock()
	if want := []string{"2: cannot handle this one", "2: cannot handle this one"}; !reflect.DeepEqual(failures, want) {
		t.Errorf("OnHandlerError saw %q, want %q", failures, want)
	}
	mu.Unlock()
	if d := dead.GetDeadLetters(); len(d) != 1 || d[0].GetSequence() != 2 || d[0].GetType() != "call.completed" ||
		d[0].GetDeliveryAttempts() != 2 {
		t.Errorf("dead letters %v, want event 2 (call.completed) after 2 attempts", d)
	}
	if got := sorted(m.ackedNow()); !reflect.DeepEqual(got, []uint64{1, 3}) {
		t.Errorf("acked %v, want [1 3]", got)
	}
	if g := getGroup(t, a, "flaky"); g.GetPending() != 0 || g.GetDeadLetters() != 1 || g.GetAckedThrough() != 3 {
		t.Errorf("group pending %d, dead_letters %d, acked_through %d; want 0, 1, 3",
			g.GetPending(), g.GetDeadLetters(), g.GetAckedThrough())
	}
}

func TestConsumerLetDeadlinePassRedeliversAfterTheDeadline(t *testing.T) {
	s := startServer(t, 0)
	var failedAt time.Time
	m := startMember(t, s.grpcAddr, "patient", sbconsumer.Options{
		FromOldest: true, AckDeadline: time.Second, LetDeadlinePass: true,
	}, func(ctx context.Context, e *switchboardv1.Event, attempt uint32) error {
		if attempt == 1 {
			failedAt = time.Now()
			return errors.New("first attempt fails")
		}
		return nil
	})
	s.postMany(t, officials(t, "patient", 1))
	waitUntil(t, "ack after the redelivery", wait, func() bool { return len(m.ackedNow()) == 1 })
	if got := m.handledPairs(); !reflect.DeepEqual(got, [][2]uint64{{1, 1}, {1, 2}}) {
		t.Errorf("handled %v, want [[1 1] [1 2]]", got)
	}
	if d := m.c.Joined().GetAckDeadline().AsDuration(); d != time.Second {
		t.Errorf("joined ack_deadline %v, want 1s", d)
	}
	if after := time.Since(failedAt); after < 900*time.Millisecond {
		t.Errorf("redelivered %v after the failure, before the deadline: a nack?", after)
	}
}

func TestConsumerFlowControlCapsUnackedEvents(t *testing.T) {
	s := startServer(t, 0)
	a := admin(t, s)
	release := make(chan struct{})
	var releaseOnce sync.Once
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) })
	var mu sync.Mutex
	var running []uint64
	m := startMember(t, s.grpcAddr, "slow", sbconsumer.Options{FromOldest: true, MaxUnacked: 5, Concurrency: 10},
		func(ctx context.Context, e *switchboardv1.Event, attempt uint32) error {
			mu.Lock()
			running = append(running, e.GetSequence())
			mu.Unlock()
			<-release
			return nil
		})
	s.postMany(t, officials(t, "slow", 20))
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(running) }
	waitUntil(t, "five handlers running", wait, func() bool { return count() == 5 })
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	if got := sorted(running); !reflect.DeepEqual(got, seqRange(1, 5)) { // ten could run; five came
		t.Errorf("handlers running for %v, want 1..5", got)
	}
	mu.Unlock()
	members := getGroup(t, a, "slow").GetMembers()
	if len(members) != 1 || members[0].GetMaxUnacked() != 5 || members[0].GetUnacked() != 5 {
		t.Errorf("members %v, want one with max_unacked 5, unacked 5", members)
	}
	if got := m.c.Joined().GetMaxUnacked(); got != 5 {
		t.Errorf("joined max_unacked %d, want 5", got)
	}
	releaseOnce.Do(func() { close(release) })
	waitUntil(t, "20 acks", wait, func() bool { return len(m.ackedNow()) == 20 })
	if got := sorted(m.sequences()); !reflect.DeepEqual(got, seqRange(1, 20)) {
		t.Errorf("handled %v, want 1..20", got)
	}
}

func TestConsumerRejoinsAfterServerRestart(t *testing.T) {
	dataDir := t.TempDir()
	first := startServerWith(t, 0, dataDir)
	gate := make(chan struct{}) // holds the handler on event 30 across the restart
	restarted := make(chan struct{})
	var gateOnce, restartOnce sync.Once
	t.Cleanup(func() {
		gateOnce.Do(func() { close(gate) })
		restartOnce.Do(func() { close(restarted) })
	})
	delays := make(chan time.Duration, 100)
	// Stored first: the group delivers all 50 at once, and the acks that
	// follow store that they were delivered (their attempt numbers survive).
	if sent := first.postMany(t, officials(t, "before", 50)); !reflect.DeepEqual(sent, seqRange(1, 50)) {
		t.Fatalf("sequences %v, want 1..50", sent)
	}
	m := startMember(t, first.grpcAddr, "restart", sbconsumer.Options{
		FromOldest: true, InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error { // the rejoin waits for the new server
			delays <- d
			select {
			case <-restarted:
			case <-ctx.Done():
				return ctx.Err()
			}
			time.Sleep(d)
			return nil
		},
	}, func(ctx context.Context, e *switchboardv1.Event, attempt uint32) error {
		if e.GetSequence() == 30 && attempt == 1 {
			<-gate
		}
		return nil
	})
	waitUntil(t, "acks of 1..29 stored", wait, func() bool { return len(m.ackedNow()) == 29 })
	ackedBefore := sorted(m.ackedNow())
	if !reflect.DeepEqual(ackedBefore, seqRange(1, 29)) {
		t.Fatalf("acked before the restart %v, want 1..29", ackedBefore)
	}
	if err := first.stop(t); err != nil { // ends the stream with UNAVAILABLE
		t.Fatalf("first server: %v", err)
	}
	gateOnce.Do(func() { close(gate) }) // the handler returns after the stream broke: its ack is lost
	second := startServerWith(t, first.grpcPort(), dataDir)
	if sent := second.postMany(t, officials(t, "after", 10)); !reflect.DeepEqual(sent, seqRange(51, 60)) {
		t.Fatalf("sequences %v, want 51..60", sent)
	}
	restartOnce.Do(func() { close(restarted) })

	waitUntil(t, "every event acked", wait, func() bool {
		acked := map[uint64]bool{}
		for _, s := range m.ackedNow() {
			acked[s] = true
		}
		for s := uint64(1); s <= 60; s++ {
			if !acked[s] {
				return false
			}
		}
		return true
	})
	counts := map[uint64]int{}
	for _, s := range m.sequences() {
		counts[s]++
	}
	for s := uint64(1); s <= 60; s++ {
		if counts[s] == 0 {
			t.Errorf("event %d never handled", s)
		}
	}
	for _, s := range ackedBefore {
		if counts[s] != 1 {
			t.Errorf("event %d, acked before the restart, handled %d times", s, counts[s])
		}
	}
	redelivered := false
	for _, h := range m.handledPairs() {
		redelivered = redelivered || h == [2]uint64{30, 2}
	}
	if !redelivered {
		t.Errorf("event 30, held across the restart, not delivered again as attempt 2: %v", m.handledPairs())
	}
	if m.c.Reconnects() < 1 {
		t.Errorf("Reconnects() = %d, want >= 1", m.c.Reconnects())
	}
	if len(delays) == 0 {
		t.Error("no backoff before the rejoin")
	}
	for len(delays) > 0 {
		if d := <-delays; d <= 0 || d > 200*time.Millisecond {
			t.Errorf("backoff delay %v outside (0, 200ms]", d)
		}
	}
}

func TestConsumerReturnsFailedPreconditionWithoutRetry(t *testing.T) {
	s := startServer(t, 0)
	first := startMember(t, s.grpcAddr, "calls", sbconsumer.Options{EventTypes: []string{"call.*"}}, nil)
	waitUntil(t, "the group created", wait, func() bool { return first.c.Joined() != nil })
	var sleeps []time.Duration
	other := startMember(t, s.grpcAddr, "calls", sbconsumer.Options{
		EventTypes: []string{"sms.*"},
		Sleep:      func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
	}, nil)
	err := other.runErr(t)
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(status.Convert(err).Message(), "call.*") {
		t.Fatalf("Run() = %v, want FAILED_PRECONDITION naming the group's filter", err)
	}
	if other.c.Reconnects() != 0 || len(sleeps) != 0 {
		t.Errorf("Reconnects() = %d, sleeps %v; want no retry", other.c.Reconnects(), sleeps)
	}
	select {
	case <-first.returned:
		t.Errorf("the group's member stopped: %v", first.err)
	default:
	}
}

func TestConsumerReturnsAbortedWhenItsGroupIsDeleted(t *testing.T) {
	s := startServer(t, 0)
	var sleeps []time.Duration
	m := startMember(t, s.grpcAddr, "doomed", sbconsumer.Options{
		Sleep: func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
	}, nil)
	waitUntil(t, "joined", wait, func() bool { return m.c.Joined() != nil })
	if _, err := admin(t, s).DeleteGroup(context.Background(), &switchboardv1.DeleteGroupRequest{Group: "doomed"}); err != nil {
		t.Fatal(err)
	}
	if err := m.runErr(t); status.Code(err) != codes.Aborted {
		t.Fatalf("Run() = %v, want ABORTED", err)
	}
	if m.c.Reconnects() != 0 || len(sleeps) != 0 {
		t.Errorf("Reconnects() = %d, sleeps %v; want no retry", m.c.Reconnects(), sleeps)
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	if *binary == "" || *fixtures == "" {
		os.Stderr.WriteString("usage: go test ... -args -switchboard BIN -fixtures DIR\n")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

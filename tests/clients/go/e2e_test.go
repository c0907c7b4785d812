// Package e2e tests clients/go against the real switchboard binary:
//
//	go test switchboard/tests/clients/go -args -switchboard BIN -fixtures DIR
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

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

func TestMain(m *testing.M) {
	flag.Parse()
	if *binary == "" || *fixtures == "" {
		os.Stderr.WriteString("usage: go test ... -args -switchboard BIN -fixtures DIR\n")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// server is the real switchboard binary on loopback (--store=memory).
type server struct {
	cmd      *exec.Cmd
	exited   chan error
	stopOnce sync.Once
	stopErr  error
	grpcAddr string
	httpAddr string
}

var (
	grpcLine = regexp.MustCompile(`grpc server listening on (\S+)`)
	httpLine = regexp.MustCompile(`http gateway listening on (\S+)`)
)

// startServer starts the binary with HTTP on port 0 and gRPC on grpcPort (0: any);
// it is stopped when the test ends.
func startServer(t *testing.T, grpcPort int) *server {
	t.Helper()
	return startServerWith(t, grpcPort, "")
}

// startServerWith is startServer; with dataDir, on --store=rocksdb in that
// folder (--nosync) instead of --store=memory: a new server on the same folder
// keeps the events and the consumer groups.
func startServerWith(t *testing.T, grpcPort int, dataDir string) *server {
	t.Helper()
	store := []string{"--store=memory"}
	if dataDir != "" {
		store = []string{"--store=rocksdb", "--data_dir=" + dataDir, "--nosync"}
	}
	cmd := exec.Command(*binary, append([]string{"--http_addr=127.0.0.1:0", "--admin_addr=127.0.0.1:0",
		fmt.Sprintf("--grpc_addr=127.0.0.1:%d", grpcPort)}, store...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, exited: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		var log strings.Builder
		for sc := bufio.NewScanner(stderr); sc.Scan(); {
			log.WriteString(sc.Text() + "\n")
			if strings.HasSuffix(sc.Text(), " ready") {
				ready <- log.String()
			}
		}
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case log := <-ready:
		s.grpcAddr = grpcLine.FindStringSubmatch(log)[1]
		s.httpAddr = httpLine.FindStringSubmatch(log)[1]
	case err := <-s.exited:
		s.exited <- err
		t.Fatalf("switchboard exited before ready: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("switchboard not ready within 10 s")
	}
	return s
}

func (s *server) grpcPort() int {
	var port int
	fmt.Sscanf(s.grpcAddr[strings.LastIndex(s.grpcAddr, ":")+1:], "%d", &port)
	return port
}

// post sends the webhook document as JSON with curl and returns its sequence.
func (s *server) post(t *testing.T, webhook map[string]interface{}) uint64 {
	t.Helper()
	body, err := json.Marshal(webhook)
	if err != nil {
		t.Fatal(err)
	}
	return s.postRaw(t, body)
}

// postRaw sends body as is (e.g. a fixture file's bytes) with curl and returns its sequence.
func (s *server) postRaw(t *testing.T, body []byte) uint64 {
	t.Helper()
	cmd := exec.Command("curl", "-sS", "--fail-with-body", "--max-time", "10", "-X", "POST",
		"-H", "Content-Type: application/json", "--data-binary", "@-",
		"http://"+s.httpAddr+"/webhooks/justcall")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("POST: %v: %s", err, out)
	}
	var answer struct{ Sequence uint64 }
	if err := json.Unmarshal(out, &answer); err != nil {
		t.Fatalf("POST answer %q: %v", out, err)
	}
	return answer.Sequence
}

// postMany sends webhook documents as JSON one after the other on one
// keep-alive connection (thousands in a second or two, where a curl each
// takes a minute) and returns their sequences.
func (s *server) postMany(t *testing.T, webhooks []map[string]interface{}) []uint64 {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	sequences := make([]uint64, 0, len(webhooks))
	for _, webhook := range webhooks {
		body, err := json.Marshal(webhook)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Post("http://"+s.httpAddr+"/webhooks/justcall", "application/json",
			bytes.NewReader(body))
		if err != nil {
			t.Fatalf("POST: %v", err)
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("POST answered %d: %s (%v)", resp.StatusCode, out, err)
		}
		var answer struct{ Sequence uint64 }
		if err := json.Unmarshal(out, &answer); err != nil {
			t.Fatalf("POST answer %q: %v", out, err)
		}
		sequences = append(sequences, answer.Sequence)
	}
	return sequences
}

// stop sends SIGTERM (SIGKILL after 5 s) and returns the exit error (nil: status 0).
func (s *server) stop(t *testing.T) error {
	s.stopOnce.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case s.stopErr = <-s.exited:
		case <-time.After(5 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
			s.stopErr = fmt.Errorf("switchboard did not exit within 5 s of SIGTERM")
		}
	})
	return s.stopErr
}

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deescalate/deescalate/store/redistest"
)

// TestPlaygroundCommand starts `deescalate playground --port 0`, reads the address it prints,
// fetches the page and stops it as Ctrl-C would.
func TestPlaygroundCommand(t *testing.T) {
	clearConfig(t)
	url, _ := redistest.URL(t)
	t.Setenv("REDIS_URL", url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"playground", "--port", "0"}, strings.NewReader(""), w, io.Discard)
		w.Close()
		done <- err
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("playground printed no address: %v", err)
	}
	go io.Copy(io.Discard, out)
	const prefix = "Deescalate playground: http://127.0.0.1:"
	if !strings.HasPrefix(line, prefix) {
		t.Fatalf("playground printed %q; want %q and a port", line, prefix)
	}
	addr := strings.Fields(strings.TrimPrefix(line, "Deescalate playground: "))[0]
	resp, err := http.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<title>Deescalate playground</title>") {
		t.Errorf("GET %s: %s", addr, resp.Status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("playground stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("playground did not stop within 30 s of Ctrl-C")
	}
	if _, stderr, code := runCLI(t, "playground", "--port", "70000"); code != 2 || !strings.Contains(stderr, "--port") {
		t.Errorf("--port 70000: exit %d, %q", code, stderr)
	}
}

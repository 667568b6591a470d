// Package redistest gives tests a real Redis: the one REDIS_URL names, or a redis-server it
// starts on a free port (no persistence) and stops when the test ends. A missing redis-server
// binary fails the test with a message that says how to install it; it never skips.
package redistest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server started for one test.
type Server struct {
	t       testing.TB
	URL     string
	port    int
	dir     string
	durable bool
	cmd     *exec.Cmd
}

// URL returns a Redis URL for the test, and a key prefix no other test uses, so tests can share
// a server. With REDIS_URL set it is used as is; otherwise a redis-server is started.
func URL(t testing.TB) (url, prefix string) {
	t.Helper()
	prefix = "test-" + randomHex(6)
	if u := os.Getenv("REDIS_URL"); u != "" {
		t.Cleanup(func() { deletePrefix(u, prefix) })
		return u, prefix
	}
	return Start(t).URL, prefix
}

// Start starts a private redis-server on a free port; the test can stop and restart it.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed: the tests need a real Redis. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL to a Redis the tests may write to")
	}
	s := &Server{t: t, port: freePort(t), dir: t.TempDir()}
	s.URL = fmt.Sprintf("redis://127.0.0.1:%d", s.port)
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

// StartDurable starts a private redis-server that keeps its data across Restart (an
// append-only file, synced on every write), as a production Redis configured for the bot does.
func StartDurable(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed: the tests need a real Redis. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)")
	}
	s := &Server{t: t, port: freePort(t), dir: t.TempDir(), durable: true}
	s.URL = fmt.Sprintf("redis://127.0.0.1:%d", s.port)
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start(bin string) {
	s.t.Helper()
	aof := []string{"--appendonly", "no"}
	if s.durable {
		aof = []string{"--appendonly", "yes", "--appendfsync", "always"}
	}
	args := append([]string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--save", ""}, aof...)
	s.cmd = exec.Command(bin, append(args, "--dir", s.dir, "--daemonize", "no", "--loglevel", "warning", "--protected-mode", "no")...)
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		s.t.Fatalf("redis-server: %v", err)
	}
	s.cmd.Stderr = s.cmd.Stdout
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	go func() {
		// Drain its output so it never blocks on a full pipe.
		sc := bufio.NewScanner(out)
		for sc.Scan() {
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.port)})
		err := c.Ping(context.Background()).Err()
		c.Close()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on port %d did not answer within 10 s: %v", s.port, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Stop kills the server (an outage, for fault tests). It is safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on the same port: empty, or with its data when it was
// started with StartDurable.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	bin, _ := exec.LookPath("redis-server")
	s.start(bin)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// deletePrefix removes a test's keys from a shared Redis.
func deletePrefix(url, prefix string) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			c.Del(ctx, batch...)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		c.Del(ctx, batch...)
	}
}

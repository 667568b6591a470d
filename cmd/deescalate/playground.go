package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/deescalate/deescalate/bot/playground"
	"github.com/deescalate/deescalate/bot/sim"
)

// runPlayground is `deescalate playground`: the real bot, a fake Slack and Redis behind a web
// page on 127.0.0.1, until SIGINT or SIGTERM.
func runPlayground(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("playground", "playground [--port PORT]",
		"Serves a web page on 127.0.0.1 where you try Deescalate with no workspace: the real bot, a fake\n"+
			"Slack and Redis (REDIS_URL, else an embedded one) on a simulated clock. Be the customer or one of\n"+
			"two agents, write in a shared support channel and its threads, claim threads, draft replies, press\n"+
			"the buttons, move the clock, and see what each person sees. Ctrl-C stops it.")
	port := f.Int("port", 8090, "the `PORT` to serve on, on 127.0.0.1 (0: any free port)")
	if err := f.noArgs(args, stdout, "takes no arguments"); err != nil {
		return err
	}
	if *port < 0 || *port > 65535 {
		return f.fail("--port must be 0 to 65535, got %d", *port)
	}
	setup, err := configureSim(map[string]string{"AGENT_USERGROUP": sim.AgentGroup, "LEAD_USERGROUP": sim.LeadGroup})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		return fmt.Errorf("playground: %w (try another --port)", err)
	}
	pg, err := playground.New(ctx, setup, time.Now().Truncate(time.Minute), newLogger(quietLevel(), "console", stderr))
	if err != nil {
		ln.Close()
		return err
	}
	defer pg.Close()
	srv := &http.Server{Handler: pg.Handler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Deescalate playground: http://%s/  (Ctrl-C stops it)\n", ln.Addr())
	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("playground: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/config"
)

// configureSim reads the environment, applies a scenario's env block on top and gives the
// run a key prefix of its own, so a simulation against a shared Redis touches nothing else.
func configureSim(env map[string]string) (sim.Setup, error) {
	cfg, err := config.Load(false)
	if err != nil {
		_, err = withCoach(cfg, err)
		return sim.Setup{}, err
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := cfg.Set(k, env[k]); err != nil {
			return sim.Setup{}, err
		}
	}
	co, err := withCoach(cfg, cfg.Validate(false))
	if err != nil {
		return sim.Setup{}, err
	}
	bc, so, c := parts(cfg, co)
	so.Prefix += "-sim-" + randomHex(6)
	return sim.Setup{Bot: bc, Store: so, Coach: c}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func loadScenario(path string) (*sim.Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc, err := sim.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

// runSimulate plays a scenario file and prints one JSON line per call a person would see.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("simulate", "simulate FILE.json > calls.jsonl",
		"Plays a scenario (a scripted workspace and its events) on a virtual clock against the real bot,\n"+
			"a fake Slack and Redis (REDIS_URL, else an embedded one), and prints one JSON line per Web API\n"+
			"call a person would see. Exit status: 0 when it ran, 2 for an invalid scenario, 1 otherwise.\n"+
			"The scenario format: docs/scenarios.md in the repository.")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if f.NArg() != 1 {
		return f.fail("give exactly one scenario file")
	}
	sc, err := loadScenario(f.Arg(0))
	if err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var werr error
	err = sim.Run(ctx, sc, sim.Options{
		Configure: configureSim,
		Log:       newLogger(quietLevel(), "json", stderr),
		OnCall: func(o sim.Output) {
			if werr == nil {
				werr = enc.Encode(o)
			}
		},
	})
	if err != nil {
		return err
	}
	return werr
}

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
	if err := cfg.Validate(false); err != nil {
		return sim.Setup{}, err
	}
	bc, so, c, err := parts(cfg)
	if err != nil {
		return sim.Setup{}, err
	}
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
func runSimulate(ctx context.Context, path string, stdout, stderr io.Writer) error {
	sc, err := loadScenario(path)
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

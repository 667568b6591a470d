package main

import (
	"context"
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/store/redistest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDigestWeekGolden plays a week of traffic in two channels and three zones and keeps the
// digests each subscriber got in a golden file (-update rewrites it). Every subscriber gets
// one, at their own Monday 9am; an agent's shows their own figures and kudos, never another
// agent's; the lead's shows the team's.
func TestDigestWeekGolden(t *testing.T) {
	clearConfig(t)
	url, _ := redistest.URL(t)
	t.Setenv("REDIS_URL", url)
	raw, err := os.ReadFile("testdata/scenarios/digest-week.json")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sim.Parse(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	digests := map[string][]string{}
	err = sim.Run(context.Background(), sc, sim.Options{Configure: configureSim, OnCall: func(o sim.Output) {
		if o.Method == "chat.postMessage" && len(o.Kinds) > 0 && o.Kinds[0] == "digest" {
			digests[o.User] = append(digests[o.User], o.At+"\n"+strings.Join(o.Call.Texts(), "\n"))
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for u, ds := range digests {
		if len(ds) != 1 {
			t.Errorf("%s got %d digests, want 1", u, len(ds))
		}
		users = append(users, u)
	}
	sort.Strings(users)
	if strings.Join(users, ",") != "UANA,ULEE,UMAX" {
		t.Fatalf("digests went to %v, want ana, lee and max", users)
	}
	ana, max, lee := digests["UANA"][0], digests["UMAX"][0], digests["ULEE"][0]
	for _, c := range []struct {
		who, digest, want, never string
	}{
		{"ana", ana, "Your coaching week", "team's"},
		{"ana", ana, "for <@UANA>", "<@UMAX>"},
		{"max", max, "Your coaching week", "for <@UANA>"},
		{"lee", lee, "The team's coaching week", "Your coaching week"},
		{"lee", lee, "for <@UANA>", "No nudges"},
		{"ana", ana, "charged twice", "None of our team can log in"}, // quotes only from her own channels
	} {
		if !strings.Contains(c.digest, c.want) || strings.Contains(c.digest, c.never) {
			t.Errorf("%s's digest: want %q and never %q:\n%s", c.who, c.want, c.never, c.digest)
		}
	}
	var got strings.Builder
	for _, u := range users {
		got.WriteString("=== " + u + " " + digests[u][0] + "\n")
	}
	path := "testdata/digest-week.golden.txt"
	if *update {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/deescalate -run DigestWeekGolden -update creates it)", err)
	}
	if string(want) != got.String() {
		t.Errorf("%s changed (-update after a deliberate change):\n%s", path, got.String())
	}
}

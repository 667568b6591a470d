// Command train fits the coach's models from labelled data and writes them to coach/models,
// deterministically: the same data gives the same bytes (make model; make eval checks that the
// committed models are what the data gives).
//
// With -cv it measures instead: the labelled support messages are split into folds by
// conversation (a customer's message and the replies to it share a fold), the models are
// trained without each fold and judge the fold they did not see, and the pooled analyses are
// written in the order of the input files, for the contract's scorer to read.
//
// Data (see coach/models/README.md for licences): GoEmotions train and dev splits, TweetEval
// sentiment, BANKING77 and CLINC150 with the theme mapping, the contract's labelled support
// messages (eval/dev), and the project's own labelled corpora (coach/testdata/tone). The
// judging sets (eval/external) are never read.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// Weights of the sources: the labelled support messages are few and in the bot's own domain,
// so each counts for many comments or tweets.
const (
	weightDev      = 10 // a labelled support message (upset)
	weightDevTheme = 10 // a labelled support message (themes)
	weightOwn      = 3  // a message of the project's own corpora
	weightPraiseGE = 0.2
	weightClinc    = 0.3
	weightDisOnly  = 0.5 // a GoEmotions comment whose only upset label is disapproval
)

func main() {
	shared := flag.String("shared", "", "the evaluation and training data folder (holds data/ and eval/)")
	own := flag.String("own", "coach/testdata/tone", "the project's own labelled corpora")
	out := flag.String("out", "coach/models", "where to write the models")
	cv := flag.Int("cv", 0, "cross-validate with this many folds instead of writing models")
	predictions := flag.String("predictions", "", "with -cv: write the pooled analyses here (JSON lines)")
	labels := flag.String("labels", "", "with -cv: write the labelled lines, in the same order, here")
	validate := flag.Bool("validate", false, "train without the GoEmotions dev and TweetEval val splits and report upset on them")
	flag.Parse()
	if *validate {
		holdOut = map[string]bool{"goemotions/dev": true, "tweeteval/val": true}
	}
	if err := run(*shared, *own, *out, *cv, *predictions, *labels); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(shared, own, out string, folds int, predictions, labelsOut string) error {
	if shared == "" {
		return errors.New("-shared is required: the folder that holds data/ and eval/")
	}
	pb := coach.DefaultPlaybook()
	base, err := readSources(shared, own)
	if err != nil {
		return err
	}
	dev, err := readDev(shared)
	if err != nil {
		return err
	}
	if holdOut != nil {
		corpus := append(slices.Clone(base), devExamples(dev, -1, 0)...)
		m, err := coach.Train(pb, corpus)
		if err != nil {
			return err
		}
		c := coach.NewWithModels(pb, m)
		for _, name := range []string{"goemotions/dev", "tweeteval/val"} {
			var tp, fp, fn float64
			for _, e := range heldOut[name] {
				got := c.Analyze(coach.Message{Text: e.Text, Role: coach.RoleCustomer}).Upset
				switch {
				case got && *e.Upset:
					tp++
				case got:
					fp++
				case *e.Upset:
					fn++
				}
			}
			fmt.Printf("validation %s: upset F1 %.3f (P %.3f, R %.3f), n=%d\n", name, 2*tp/(2*tp+fp+fn), tp/(tp+fp), tp/(tp+fn), len(heldOut[name]))
		}
		return nil
	}
	if folds == 0 {
		start := time.Now()
		corpus := append(slices.Clone(base), devExamples(dev, -1, 0)...)
		m, err := coach.Train(pb, corpus)
		if err != nil {
			return err
		}
		for name, b := range m.Files() {
			path := filepath.Join(out, filepath.Base(name))
			if err := os.WriteFile(path, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "train: %s, %d bytes\n", path, len(b))
		}
		fmt.Fprintf(os.Stderr, "train: %d examples in %s\n", len(corpus), time.Since(start).Round(time.Second))
		return nil
	}
	if predictions == "" || labelsOut == "" {
		return errors.New("-cv needs -predictions and -labels")
	}
	analyses := make([]coach.ContractOutput, len(dev))
	for k := range folds {
		corpus := append(slices.Clone(base), devExamples(dev, k, folds)...)
		m, err := coach.Train(pb, corpus)
		if err != nil {
			return err
		}
		c := coach.NewWithModels(pb, m)
		n := 0
		for i, l := range dev {
			if l.fold(folds) != k {
				continue
			}
			o, err := c.Judge(l.input, time.Now())
			if err != nil {
				return fmt.Errorf("%s: %w", *l.input.ID, err)
			}
			analyses[i] = o
			n++
		}
		fmt.Fprintf(os.Stderr, "train: fold %d of %d judged %d lines\n", k+1, folds, n)
	}
	if err := writeLines(predictions, len(dev), func(i int) any { return analyses[i] }); err != nil {
		return err
	}
	return writeLines(labelsOut, len(dev), func(i int) any { return dev[i].raw })
}

func writeLines(path string, n int, line func(int) any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range n {
		if err := enc.Encode(line(i)); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// devLine is one labelled line of the contract's development sets.
type devLine struct {
	raw   json.RawMessage
	input coach.ContractInput
	label struct {
		Upset           *bool    `json:"upset"`
		Issues          *int     `json:"issues"`
		OutcomeQuestion *bool    `json:"outcome_question"`
		Themes          []string `json:"themes"`
		Praise          *bool    `json:"praise"`
		Nudges          []string `json:"nudges"`
	}
	hasThemes, hasNudges bool
}

// fold puts a customer message and the agent replies to it in the same fold.
func (l devLine) fold(k int) int {
	key := *l.input.Text
	if l.input.Role == "agent" && l.input.ReplyTo != "" {
		key = l.input.ReplyTo
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(k))
}

func readDev(shared string) ([]devLine, error) {
	files, err := filepath.Glob(filepath.Join(shared, "eval", "dev", "*.jsonl"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no labelled development sets in %s", filepath.Join(shared, "eval", "dev"))
	}
	slices.Sort(files)
	var out []devLine
	for _, f := range files {
		err := eachLine(f, func(b []byte) error {
			var l devLine
			l.raw = slices.Clone(b)
			var wrap struct {
				Label map[string]json.RawMessage `json:"label"`
			}
			if err := json.Unmarshal(b, &l.input); err != nil {
				return err
			}
			if err := json.Unmarshal(b, &wrap); err != nil {
				return err
			}
			lab, err := json.Marshal(wrap.Label)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(lab, &l.label); err != nil {
				return err
			}
			_, l.hasThemes = wrap.Label["themes"]
			_, l.hasNudges = wrap.Label["nudges"]
			if l.input.ID == nil || l.input.Text == nil {
				return errors.New("a line without id or text")
			}
			out = append(out, l)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// devExamples turns the development lines into examples, leaving out fold skip of k (skip < 0
// leaves out nothing).
func devExamples(dev []devLine, skip, k int) []coach.Example {
	var out []coach.Example
	for _, l := range dev {
		if skip >= 0 && l.fold(k) == skip {
			continue
		}
		e := coach.Example{Text: *l.input.Text, Domain: coach.Support}
		if l.input.Role == "agent" {
			e.Role = coach.RoleAgent
			e.ReplyTo = l.input.ReplyTo
			e.Nudges, e.HasNudges = l.label.Nudges, l.hasNudges
			out = append(out, e)
			continue
		}
		e.Upset, e.Outcome, e.Praise, e.Issues = l.label.Upset, l.label.OutcomeQuestion, l.label.Praise, l.label.Issues
		e.Themes, e.HasThemes = l.label.Themes, l.hasThemes
		// Upset and themes weigh the support messages against thousands of others; the
		// models trained on support messages alone take them at face value.
		upset := e
		upset.Weight = weightDev
		upset.Themes, upset.HasThemes = nil, false
		themed := coach.Example{Text: e.Text, Domain: coach.Support, Weight: weightDevTheme, Themes: e.Themes, HasThemes: e.HasThemes}
		out = append(out, upset, themed)
	}
	return out
}

// GoEmotions label ids (emotions.txt, 0-based).
var (
	geUpset       = []int{2, 3, 9, 11} // anger, annoyance, disappointment, disgust
	geDisapproval = 10
	geCalm        = []int{0, 1, 4, 5, 7, 8, 13, 15, 17, 18, 20, 21, 22, 23, 26, 27}
	gePraise      = []int{0, 15} // admiration, gratitude
)

// holdOut names the splits left out of training to validate on; heldOut collects them.
var (
	holdOut map[string]bool
	heldOut = map[string][]coach.Example{}
)

// keep adds an example to the corpus, or to the held-out splits.
func keep(out []coach.Example, split string, e coach.Example) []coach.Example {
	if holdOut[split] {
		if e.Upset != nil {
			heldOut[split] = append(heldOut[split], e)
		}
		return out
	}
	return append(out, e)
}

// readSources reads every source but the development sets.
func readSources(shared, own string) ([]coach.Example, error) {
	var out []coach.Example
	yes, no := true, false
	b := func(v bool) *bool {
		if v {
			return &yes
		}
		return &no
	}
	for _, split := range []string{"train", "dev"} {
		err := eachLine(filepath.Join(shared, "data", "goemotions", split+".tsv"), func(line []byte) error {
			parts := strings.Split(string(line), "\t")
			if len(parts) < 2 {
				return errors.New("want text<TAB>labels")
			}
			var labels []int
			for _, s := range strings.Split(parts[1], ",") {
				n, err := strconv.Atoi(s)
				if err != nil {
					return err
				}
				labels = append(labels, n)
			}
			upset, dis, calm, praise := false, false, true, false
			for _, l := range labels {
				upset = upset || slices.Contains(geUpset, l)
				dis = dis || l == geDisapproval
				calm = calm && slices.Contains(geCalm, l)
				praise = praise || slices.Contains(gePraise, l)
			}
			e := coach.Example{Text: parts[0], Domain: coach.Reddit}
			switch {
			case upset:
				e.Upset = b(true)
			case dis:
				e.Upset, e.Weight = b(true), weightDisOnly
			case calm:
				e.Upset = b(false)
			}
			if e.Upset != nil && !(holdOut["goemotions/"+split] && e.Weight == weightDisOnly) {
				out = keep(out, "goemotions/"+split, e) // a held-out split is judged as the judging set is: without disapproval alone
			}
			out = keep(out, "goemotions/"+split, coach.Example{Text: parts[0], Domain: coach.Reddit, Weight: weightPraiseGE, Praise: b(praise)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, split := range []string{"test", "val"} {
		dir := filepath.Join(shared, "data", "tweeteval-sentiment")
		texts, err := readLines(filepath.Join(dir, split+"_text.txt"))
		if err != nil {
			return nil, err
		}
		labels, err := readLines(filepath.Join(dir, split+"_labels.txt"))
		if err != nil {
			return nil, err
		}
		if len(texts) != len(labels) {
			return nil, fmt.Errorf("tweeteval %s: %d texts, %d labels", split, len(texts), len(labels))
		}
		for i := range texts {
			out = keep(out, "tweeteval/"+split, coach.Example{Text: texts[i], Domain: coach.Tweets, Upset: b(strings.TrimSpace(labels[i]) == "0")})
		}
	}
	for _, f := range []string{"support.jsonl", "tweets.jsonl", "tweets2.jsonl"} {
		domain := coach.CompanyTweets
		if f == "support.jsonl" {
			domain = coach.Support
		}
		err := eachLine(filepath.Join(own, f), func(line []byte) error {
			var r struct {
				Text  string `json:"text"`
				Label struct {
					Upset *bool `json:"upset"`
				} `json:"label"`
			}
			if err := json.Unmarshal(line, &r); err != nil {
				return err
			}
			if r.Label.Upset == nil {
				return errors.New("no upset label")
			}
			out = append(out, coach.Example{Text: r.Text, Domain: domain, Weight: weightOwn, Upset: r.Label.Upset})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	mapping, err := themeMapping(filepath.Join(shared, "data", "theme-mapping.tsv"))
	if err != nil {
		return nil, err
	}
	banking, err := readBanking(filepath.Join(shared, "data", "banking77", "train.csv"))
	if err != nil {
		return nil, err
	}
	clinc, err := readClinc(filepath.Join(shared, "data", "clinc150", "data_full.json"))
	if err != nil {
		return nil, err
	}
	for _, r := range append(banking, clinc...) {
		th, ok := mapping[r.dataset+"/"+r.intent]
		if !ok {
			continue // the mapping leaves it out: neither a theme nor clearly none
		}
		e := coach.Example{Text: r.text, Domain: coach.Banking, HasThemes: true}
		if r.dataset == "clinc150" {
			e.Domain, e.Weight = coach.Assistant, weightClinc
		}
		if th != "" {
			e.Themes = []string{th}
		}
		out = append(out, e)
	}
	return out, nil
}

type intentText struct{ text, dataset, intent string }

func readBanking(path string) ([]intentText, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []intentText
	for i, rec := range recs {
		if i == 0 {
			continue
		}
		out = append(out, intentText{rec[0], "banking77", rec[1]})
	}
	return out, nil
}

func readClinc(path string) ([]intentText, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d map[string][][2]string
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []intentText
	for _, split := range []string{"train", "val", "test", "oos_train", "oos_val", "oos_test"} {
		for _, x := range d[split] {
			out = append(out, intentText{x[0], "clinc150", x[1]})
		}
	}
	return out, nil
}

// themeMapping reads dataset/intent → theme ("" is explicitly no theme).
func themeMapping(path string) (map[string]string, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, l := range lines {
		if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
			continue
		}
		parts := strings.Split(l, "\t")
		if len(parts) < 2 {
			return nil, fmt.Errorf("%s: %q: want dataset<TAB>intent<TAB>theme", path, l)
		}
		th := ""
		if len(parts) > 2 {
			th = strings.TrimSpace(parts[2])
		}
		m[parts[0]+"/"+parts[1]] = th
	}
	return m, nil
}

func readLines(path string) ([]string, error) {
	var out []string
	err := eachLine(path, func(b []byte) error { out = append(out, string(b)); return nil })
	return out, err
}

// eachLine calls fn with each non-empty line of a file.
func eachLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		line = []byte(strings.TrimRight(string(line), "\r\n"))
		if len(strings.TrimSpace(string(line))) > 0 {
			if ferr := fn(line); ferr != nil {
				return fmt.Errorf("%s:%d: %w", path, n, ferr)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

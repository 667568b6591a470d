package coach

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// The tone model is a logistic regression over hashed features (features.go), trained by
// internal/train from the GoEmotions training split: it learned which words and pairs mark a
// message as angry, annoyed, disappointed or disgusted rather than neutral or positive.
// Regenerate it with `go generate ./coach` (it needs ../shared/data next to the repository).
//
//go:generate go run ./internal/train -data ../../shared/data/goemotions -out tone.model

//go:embed tone.model
var toneModelData []byte

// toneModel is the decoded model: a weight per hashed feature and a bias.
type toneModel struct {
	bias float32
	w    []float32
}

var (
	toneOnce sync.Once
	tone     *toneModel
	toneErr  error
)

// loadTone decodes the embedded model once, on first use.
func loadTone() (*toneModel, error) {
	toneOnce.Do(func() { tone, toneErr = DecodeModel(toneModelData) })
	return tone, toneErr
}

const modelMagic = "DSC1"

// EncodeModel writes a model: magic, bias, the count of non-zero weights, then (index, weight)
// pairs in increasing index order, all little-endian.
func EncodeModel(bias float32, w []float32) []byte {
	out := []byte(modelMagic)
	out = binary.LittleEndian.AppendUint32(out, math.Float32bits(bias))
	n := 0
	for _, v := range w {
		if v != 0 {
			n++
		}
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(n))
	for i, v := range w {
		if v != 0 {
			out = binary.LittleEndian.AppendUint32(out, uint32(i))
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
		}
	}
	return out
}

// DecodeModel reads a model written by EncodeModel.
func DecodeModel(b []byte) (*toneModel, error) {
	if len(b) < 12 || string(b[:4]) != modelMagic {
		return nil, errors.New("tone model: not a model file (regenerate it with go generate ./coach)")
	}
	m := &toneModel{bias: math.Float32frombits(binary.LittleEndian.Uint32(b[4:])), w: make([]float32, 1<<modelBits)}
	n := int(binary.LittleEndian.Uint32(b[8:]))
	b = b[12:]
	if len(b) != 8*n {
		return nil, fmt.Errorf("tone model: %d bytes of weights for %d entries", len(b), n)
	}
	for i := range n {
		idx := binary.LittleEndian.Uint32(b[8*i:])
		if idx >= 1<<modelBits {
			return nil, fmt.Errorf("tone model: index %d out of range", idx)
		}
		m.w[idx] = math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:]))
	}
	return m, nil
}

// logit returns the model's log-odds that the features belong to an upset message.
func (m *toneModel) logit(feats []uint32) float64 {
	z := float64(m.bias)
	for _, f := range feats {
		z += float64(m.w[f])
	}
	return z
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Prob returns the model's probability that a message with these features is upset.
func (m *toneModel) Prob(feats []uint32) float64 { return sigmoid(m.logit(feats)) }

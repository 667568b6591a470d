package learn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

const magic = "DZM1"

// Encode writes models in one file: the magic "DZM1", the count of models, then per model its
// name, bias, cut, the count of weights and the (feature id, weight) pairs in increasing id
// order, all little-endian. The same models always give the same bytes.
func Encode(models ...*Linear) []byte {
	out := []byte(magic)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(models)))
	for _, m := range models {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(m.Name)))
		out = append(out, m.Name...)
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(m.Bias))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(m.Cut))
		ids := make([]uint32, 0, len(m.W))
		for id, w := range m.W {
			if w != 0 {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(ids)))
		for _, id := range ids {
			out = binary.LittleEndian.AppendUint32(out, id)
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(m.W[id]))
		}
	}
	return out
}

// Decode reads models written by Encode, by name.
func Decode(b []byte) (map[string]*Linear, error) {
	if len(b) < 8 || string(b[:4]) != magic {
		return nil, errors.New("not a model file")
	}
	n := int(binary.LittleEndian.Uint32(b[4:]))
	b = b[8:]
	out := make(map[string]*Linear, n)
	short := errors.New("model file ends early")
	for range n {
		if len(b) < 2 {
			return nil, short
		}
		l := int(binary.LittleEndian.Uint16(b))
		b = b[2:]
		if len(b) < l+12 {
			return nil, short
		}
		m := &Linear{Name: string(b[:l])}
		b = b[l:]
		m.Bias = math.Float32frombits(binary.LittleEndian.Uint32(b))
		m.Cut = math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))
		k := int(binary.LittleEndian.Uint32(b[8:]))
		b = b[12:]
		if k < 0 || len(b) < 8*k {
			return nil, short
		}
		m.W = make(map[uint32]float32, k)
		for i := range k {
			id := binary.LittleEndian.Uint32(b[8*i:])
			if id > mask {
				return nil, fmt.Errorf("model %q: feature id %d out of range", m.Name, id)
			}
			m.W[id] = math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:]))
		}
		b = b[8*k:]
		if _, dup := out[m.Name]; dup {
			return nil, fmt.Errorf("model %q appears twice", m.Name)
		}
		out[m.Name] = m
	}
	if len(b) != 0 {
		return nil, errors.New("unexpected data after the last model")
	}
	return out, nil
}

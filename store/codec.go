package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// codec encodes records: JSON without HTML escaping (item content is HTML,
// and the default escaping would store every '<' as six bytes), and for
// items zstd at its fastest level, which keeps the database well below the
// size of the feeds it was filled from at a cost of a few ns per byte.
// Encoder and decoder are safe for concurrent use (EncodeAll/DecodeAll).
type codec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
	// bufs lends encodeCompressed its scratch buffers (JSON in, zstd out),
	// which grew from nothing for every item: a tenth of a large poll's
	// allocations.
	bufs sync.Pool
}

// zstdMagic starts every zstd frame; JSON records start with '{', so old
// and new records are told apart without a flag.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

func newCodec() (*codec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(1<<16))
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	return &codec{enc: enc, dec: dec}, nil
}

func (c *codec) close() { c.dec.Close() }

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeTo(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeTo(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

type scratch struct {
	raw bytes.Buffer
	out []byte
}

// encodeCompressed is prefix followed by v encoded and compressed with
// zstd. The result is a fresh slice of its exact size: records wait in
// memory for their transaction.
func (c *codec) encodeCompressed(prefix []byte, v any) ([]byte, error) {
	s, _ := c.bufs.Get().(*scratch)
	if s == nil {
		s = new(scratch)
	}
	defer c.bufs.Put(s)
	s.raw.Reset()
	if err := encodeTo(&s.raw, v); err != nil {
		return nil, err
	}
	s.out = c.enc.EncodeAll(s.raw.Bytes(), append(s.out[:0], prefix...))
	return bytes.Clone(s.out), nil
}

// decode reads a record written by encode or encodeCompressed.
func (c *codec) decode(b []byte, v any) error {
	if bytes.HasPrefix(b, zstdMagic) {
		raw, err := c.dec.DecodeAll(b, nil)
		if err != nil {
			return err
		}
		b = raw
	}
	return json.Unmarshal(b, v)
}

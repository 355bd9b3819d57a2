package store

import (
	"bytes"
	"encoding/json"
	"fmt"

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
}

// zstdMagic starts every zstd frame; JSON records start with '{', so old
// and new records are told apart without a flag.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

func newCodec() (*codec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
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
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeCompressed is encode followed by zstd.
func (c *codec) encodeCompressed(v any) ([]byte, error) {
	raw, err := encode(v)
	if err != nil {
		return nil, err
	}
	return c.enc.EncodeAll(raw, make([]byte, 0, len(raw)/2)), nil
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

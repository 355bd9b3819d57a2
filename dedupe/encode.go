package dedupe

import (
	"encoding/binary"
	"errors"
)

// sigVersion is the first byte of an encoded Signature. Signatures are
// persisted: a change of Sign's features needs a new version, and old
// versions must still decode (or be re-signed) — never silently compared.
//
// Version 7 appends the character grams (CharGrams, then Chars as a
// list) to version 6; a version 6 signature decodes with none, and
// Compare then judges it on its words alone, as before.
const sigVersion = 7

var errBadSignature = errors.New("dedupe: malformed signature")

// MarshalBinary encodes the signature compactly: fixed fingerprints, then
// varint counts and delta-encoded ascending hash lists.
func (s Signature) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, 24+4*(len(s.Sketch)+len(s.LeadSet)+len(s.Title)+len(s.Numbers)+len(s.Chars)))
	out = append(out, sigVersion)
	out = binary.LittleEndian.AppendUint64(out, s.SimHash)
	out = binary.LittleEndian.AppendUint64(out, s.Lead)
	out = binary.LittleEndian.AppendUint64(out, s.TitleHash)
	out = binary.AppendUvarint(out, uint64(s.Words))
	out = binary.AppendUvarint(out, uint64(s.Shingles))
	for _, l := range [][]uint32{s.Sketch, s.LeadSet, s.Title, s.Numbers, s.Anchors} {
		out = appendList(out, l)
	}
	out = binary.AppendUvarint(out, uint64(len(s.Credits)))
	for _, c := range s.Credits {
		out = binary.AppendUvarint(out, uint64(len(c)))
		out = append(out, c...)
	}
	out = binary.AppendUvarint(out, uint64(s.CharGrams))
	return appendList(out, s.Chars), nil
}

// appendList appends an ascending list: its length, then the deltas.
func appendList(out []byte, l []uint32) []byte {
	out = binary.AppendUvarint(out, uint64(len(l)))
	prev := uint32(0)
	for _, v := range l {
		out = binary.AppendUvarint(out, uint64(v-prev))
		prev = v
	}
	return out
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *Signature) UnmarshalBinary(b []byte) error {
	var out Signature
	if err := out.decode(b, false); err != nil {
		return err
	}
	*s = out
	return nil
}

// UnmarshalIndexed decodes only what an Index needs — the fingerprints,
// the word count, the first IndexedMinHashes sketch values and the first
// IndexedAnchors anchors — into s, reusing s's slices; the other fields
// are left empty. Start-up restores every stored signature into the index
// (a million of them are about 500 MB), and decoding all of each, only to
// drop most of it, was most of the start-up time.
func (s *Signature) UnmarshalIndexed(b []byte) error {
	out := Signature{Sketch: s.Sketch[:0], Anchors: s.Anchors[:0]}
	if err := out.decode(b, true); err != nil {
		return err
	}
	*s = out
	return nil
}

// decode reads b into s. With indexedOnly it keeps what UnmarshalIndexed
// promises, appending to s.Sketch and s.Anchors, and skips the rest (still
// checking every length, so a cut signature is an error either way).
func (s *Signature) decode(b []byte, indexedOnly bool) error {
	if len(b) < 25 || b[0] < 6 || b[0] > sigVersion {
		return errBadSignature
	}
	version := b[0]
	s.SimHash = binary.LittleEndian.Uint64(b[1:])
	s.Lead = binary.LittleEndian.Uint64(b[9:])
	s.TitleHash = binary.LittleEndian.Uint64(b[17:])
	b = b[25:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	w, ok1 := next()
	sh, ok2 := next()
	if !ok1 || !ok2 {
		return errBadSignature
	}
	s.Words, s.Shingles = int(w), int(sh)
	// list reads an ascending list into *l, keeping its first keep values
	// (all of them when keep < 0) and skipping the rest.
	list := func(l *[]uint32, keep int) bool {
		n, ok := next()
		if !ok || n > uint64(len(b)) {
			return false
		}
		k := int(n)
		if keep >= 0 {
			k = min(k, keep)
		} else {
			*l = make([]uint32, 0, n)
		}
		prev := uint32(0)
		for range k {
			d, ok := next()
			if !ok || d > 1<<32-1 {
				return false
			}
			prev += uint32(d)
			*l = append(*l, prev)
		}
		// Skip the rest: a varint ends at its first byte below 0x80.
		for left := int(n) - k; left > 0; {
			if len(b) == 0 {
				return false
			}
			if b[0] < 0x80 {
				left--
			}
			b = b[1:]
		}
		return true
	}
	lists := [...]*[]uint32{&s.Sketch, &s.LeadSet, &s.Title, &s.Numbers, &s.Anchors}
	indexed := [len(lists)]int{IndexedMinHashes, 0, 0, 0, IndexedAnchors}
	for i, l := range lists {
		keep := -1
		if indexedOnly {
			keep = indexed[i]
		}
		if !list(l, keep) {
			return errBadSignature
		}
	}
	n, ok := next()
	if !ok || n > uint64(len(b)) {
		return errBadSignature
	}
	for range n {
		l, ok := next()
		if !ok || l > uint64(len(b)) {
			return errBadSignature
		}
		if !indexedOnly {
			s.Credits = append(s.Credits, string(b[:l]))
		}
		b = b[l:]
	}
	if version < 7 {
		return nil
	}
	g, ok := next()
	keep := -1
	if indexedOnly {
		keep = 0
	}
	if !ok || !list(&s.Chars, keep) {
		return errBadSignature
	}
	s.CharGrams = int(g)
	return nil
}

package dedupe

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// sigVersion is the first byte of an encoded Signature. Signatures are
// persisted: a change of Sign's features needs a new version, and old
// versions must still decode (or be re-signed) — never silently compared.
//
// Version 7 appends the character grams (CharGrams, then Chars as a
// list) to version 6; a version 6 signature decodes with none, and
// Compare then judges it on its words alone, as before. Version 8 appends
// CharKeys (a count, then 4 bytes each: they are not ascending); older
// signatures decode without, and the index has no character key for them.
// Version 9 appends Spelled (a list); older signatures decode without, and
// their spelled-out numbers are not looked at, as before. Version 10 has
// version 9's layout, its Anchors hashing at most a sentence's first
// AnchorWords words and its Numbers including figures written with a unit
// suffix ("$3B"; older ones lack them, as copies without the suffix would
// agree with them anyway): an older signature's anchor of a longer sentence
// (the whole sentence hashed) matches no newer one, so until such items
// age past the gaps, new copies of them are found by their other keys.
// Version 11 appends a flags varint (bit 0: Corrected); older signatures
// decode with no flag set. Version 12 sets flag bit 1 when WordBits
// follow the flags (8 little-endian words), then Echo (a list); older
// signatures decode without them, and slotsDiffer does not judge them.
const sigVersion = 12

// ReadingVersion numbers the ways Sign has read text: it grows whenever the
// same item would be signed differently (a new feature, or text read
// otherwise: words joined across line ends, accents folded), even when the
// encoding (sigVersion) stays. Signatures are stored when an item arrives
// and compared with every later copy, so an improved reading would reach
// only items that arrive after it: an old item and a new copy of it, read
// two ways, share fewer words than either with itself. The aggregator signs
// stored items again when the database records an older reading
// (TestStoredItemsAreSignedAgainWhenTextIsReadDifferently).
// TestReadingVersionCoversSignatures fails when signatures change and
// this does not.
//
// Reading 1 is the first recorded: databases from before it (no reading
// recorded) hold signatures made without dehyphenation, accent folding or
// joined figures.
const ReadingVersion = 1

// Bits of the flags of version 11 on: Signature.Corrected, and whether
// WordBits follow (version 12).
const (
	sigCorrected = 1
	sigWordBits  = 2
)

var errBadSignature = errors.New("dedupe: malformed signature")

// MarshalBinary encodes the signature compactly: fixed fingerprints, then
// varint counts and delta-encoded ascending hash lists.
func (s Signature) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, 24+4*(len(s.Sketch)+len(s.LeadSet)+len(s.Title)+len(s.Numbers)+len(s.Chars)+len(s.Spelled)))
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
	out = appendList(out, s.Chars)
	out = binary.AppendUvarint(out, uint64(len(s.CharKeys)))
	for _, k := range s.CharKeys {
		out = binary.LittleEndian.AppendUint32(out, k)
	}
	out = appendList(out, s.Spelled)
	var flags uint64
	if s.Corrected {
		flags |= sigCorrected
	}
	if len(s.WordBits) == wordBitsWords {
		flags |= sigWordBits
	}
	out = binary.AppendUvarint(out, flags)
	if flags&sigWordBits != 0 {
		for _, w := range s.WordBits {
			out = binary.LittleEndian.AppendUint64(out, w)
		}
		out = appendList(out, s.Echo)
	}
	return out, nil
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
// the word count, the first IndexedMinHashes sketch values, the first
// IndexedAnchors anchors and the first two character keys — into s,
// reusing s's slices; the other fields are left empty. Start-up restores every stored signature into the index
// (a million of them are about 500 MB), and decoding all of each, only to
// drop most of it, was most of the start-up time.
func (s *Signature) UnmarshalIndexed(b []byte) error {
	out := Signature{Sketch: s.Sketch[:0], Anchors: s.Anchors[:0], CharKeys: s.CharKeys[:0]}
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
		b, ok = skipVarints(b, int(n)-k)
		return ok
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
	if version < 8 {
		return nil
	}
	n, ok = next()
	if !ok || n > uint64(len(b))/4 {
		return errBadSignature
	}
	keys := int(n)
	if indexedOnly {
		keys = min(keys, 2) // the pair indexKeys makes
		s.CharKeys = s.CharKeys[:0]
	}
	for i := range keys {
		s.CharKeys = append(s.CharKeys, binary.LittleEndian.Uint32(b[4*i:]))
	}
	b = b[4*n:]
	if version < 9 {
		return nil
	}
	keep = -1
	if indexedOnly {
		keep = 0
	}
	if !list(&s.Spelled, keep) {
		return errBadSignature
	}
	if version < 11 {
		return nil
	}
	flags, ok := next()
	if !ok {
		return errBadSignature
	}
	s.Corrected = flags&sigCorrected != 0
	if version < 12 || flags&sigWordBits == 0 {
		return nil
	}
	if len(b) < 8*wordBitsWords {
		return errBadSignature
	}
	if !indexedOnly {
		s.WordBits = make([]uint64, wordBitsWords)
		for i := range s.WordBits {
			s.WordBits[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
	}
	b = b[8*wordBitsWords:]
	if !list(&s.Echo, keep) {
		return errBadSignature
	}
	return nil
}

// skipVarints drops n varints from the front of b; false if b holds fewer.
// A varint ends at its first byte below 0x80, so the ends in eight bytes
// are the clear high bits of one word: start-up skips most of every stored
// signature (the lists the index does not need), and a byte at a time
// that was most of its time.
func skipVarints(b []byte, n int) ([]byte, bool) {
	for n > 0 && len(b) >= 8 {
		ends := bits.OnesCount64(^binary.LittleEndian.Uint64(b) & 0x8080808080808080)
		if ends >= n {
			break // the last end is in this word
		}
		n -= ends
		b = b[8:]
	}
	for ; n > 0; b = b[1:] {
		if len(b) == 0 {
			return b, false
		}
		if b[0] < 0x80 {
			n--
		}
	}
	return b, true
}

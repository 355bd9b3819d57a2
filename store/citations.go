package store

import (
	"encoding/binary"
	"fmt"
)

// Citations returns how many stored items credited source (a registrable
// domain or a bare name, as the deduper reads credits) as the site they
// copied from. The count is a site's standing as an origin: it outlives
// the items that made it, like their signatures.
func (t *Tx) Citations(source string) int {
	v := t.b(bucketCitations).Get([]byte(source))
	n, _ := binary.Uvarint(v)
	return int(n)
}

// AddCitations counts one more citing item for each source.
func (t *Tx) AddCitations(sources []string) error {
	b := t.b(bucketCitations)
	for _, s := range sources {
		if s == "" {
			continue
		}
		n, _ := binary.Uvarint(b.Get([]byte(s)))
		if err := b.Put([]byte(s), binary.AppendUvarint(nil, n+1)); err != nil {
			return fmt.Errorf("count citation of %q: %w", s, err)
		}
	}
	return nil
}

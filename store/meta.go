package store

import "fmt"

// Setting returns a stored setting ("" if unset). Settings live in the
// meta bucket under "setting:" keys.
func (t *Tx) Setting(name string) string {
	return string(t.b(bucketMeta).Get([]byte("setting:" + name)))
}

// PutSetting stores a setting.
func (t *Tx) PutSetting(name, value string) error {
	if err := t.b(bucketMeta).Put([]byte("setting:"+name), []byte(value)); err != nil {
		return fmt.Errorf("put setting %s: %w", name, err)
	}
	return nil
}

// SigReading is the version of the text reading the stored signatures
// were made with (0 if never recorded; see PutSigReading). The store keeps
// signatures as opaque bytes, so the number means something only to the
// deduper, which re-signs stored items when it reads text differently.
func (t *Tx) SigReading() uint64 { return getU64(t.b(bucketMeta).Get([]byte("sig_reading"))) }

// PutSigReading records the reading every stored signature was made with.
func (t *Tx) PutSigReading(v uint64) error {
	if err := t.b(bucketMeta).Put([]byte("sig_reading"), u64(v)); err != nil {
		return fmt.Errorf("put signature reading: %w", err)
	}
	return nil
}

// HasSignatures reports whether any item's signature is stored.
func (t *Tx) HasSignatures() bool {
	k, _ := t.b(bucketSigs).Cursor().First()
	return k != nil
}

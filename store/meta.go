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

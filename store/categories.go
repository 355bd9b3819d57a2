package store

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Category holds per-category settings. The zero value means "inherit the
// global defaults".
type Category struct {
	Name string `json:"name"`
	// DedupeScope is "", "all", "category" or "off".
	DedupeScope string `json:"dedupe_scope,omitempty"`
}

// Category returns the settings of a category (zero settings if none).
func (t *Tx) Category(name string) Category {
	c := Category{Name: name}
	if v := t.b(bucketCategories).Get([]byte(name)); v != nil {
		json.Unmarshal(v, &c)
	}
	return c
}

// PutCategory saves a category's settings.
func (t *Tx) PutCategory(c Category) error {
	v, err := encode(c)
	if err != nil {
		return fmt.Errorf("encode category %q: %w", c.Name, err)
	}
	if err := t.b(bucketCategories).Put([]byte(c.Name), v); err != nil {
		return fmt.Errorf("put category %q: %w", c.Name, err)
	}
	return nil
}

// Categories lists categories with settings, by name.
func (t *Tx) Categories() []Category {
	var out []Category
	t.b(bucketCategories).ForEach(func(k, v []byte) error {
		c := Category{Name: string(k)}
		json.Unmarshal(v, &c)
		out = append(out, c)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

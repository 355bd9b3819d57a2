package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/feedfold/feedfold/store"
)

func TestFeverAPI(t *testing.T) {
	api, db, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`","category":"News"}`, true)
	}
	fever := func(query string, form url.Values) map[string]any {
		t.Helper()
		resp, err := http.PostForm(api.URL+"/fever/?api&"+query, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("fever %s: %v %s", query, err, b)
		}
		return m
	}
	key := url.Values{"api_key": {feverKey("user", "secret")}}
	if m := fever("feeds", url.Values{"api_key": {feverKey("user", "wrong")}}); m["auth"].(float64) != 0 || m["feeds"] != nil {
		t.Errorf("bad key: %v", m)
	}
	m := fever("groups&feeds", key)
	if m["auth"].(float64) != 1 || len(m["feeds"].([]any)) != 2 || len(m["groups"].([]any)) != 1 || len(m["feeds_groups"].([]any)) != 1 {
		t.Fatalf("groups&feeds: %v", m)
	}
	if m := fever("favicons&links", key); m["favicons"] == nil || m["links"] == nil {
		t.Errorf("favicons/links: %v", m)
	}
	m = fever("items&since_id=0", key)
	items := m["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("items: %v (want the 2 canonical items)", m)
	}
	var floodID uint64
	for _, it := range items {
		it := it.(map[string]any)
		if strings.Contains(it["url"].(string), "/flood") {
			floodID = uint64(it["id"].(float64))
			if !strings.Contains(it["html"].(string), "Also published by") {
				t.Errorf("fever item lacks the copies footer")
			}
		}
	}
	if m["total_items"].(float64) != 2 {
		t.Errorf("total_items = %v, want the 2 canonical items", m["total_items"])
	}
	// Paging by id both ways, and by ids: copies are never items of their own.
	var copyID uint64
	db.View(func(tx *store.Tx) error {
		if cs := tx.Copies(floodID); len(cs) == 1 {
			copyID = cs[0].Copy
		}
		return nil
	})
	ids := func(m map[string]any) (out []uint64) {
		for _, it := range m["items"].([]any) {
			out = append(out, uint64(it.(map[string]any)["id"].(float64)))
		}
		return out
	}
	if got := ids(fever("items&max_id=1000", key)); len(got) != 2 || got[0] < got[1] || slices.Contains(got, copyID) {
		t.Errorf("items below max_id: %v, want the 2 canonical items, newest id first", got)
	}
	if got := ids(fever(fmt.Sprintf("items&max_id=%d", floodID), key)); slices.Contains(got, floodID) || slices.Contains(got, copyID) {
		t.Errorf("items below max_id %d: %v lists the item itself or a copy", floodID, got)
	}
	if got := ids(fever(fmt.Sprintf("items&since_id=%d", floodID), key)); slices.Contains(got, floodID) || slices.Contains(got, copyID) {
		t.Errorf("items since %d: %v lists the item itself or a copy", floodID, got)
	}
	if got := ids(fever(fmt.Sprintf("items&with_ids=%d,%d,%d", copyID, floodID, floodID), key)); len(got) != 1 || got[0] != floodID {
		t.Errorf("items with_ids copy and original: %v, want the original once", got)
	}
	if m := fever("unread_item_ids", key); strings.Count(m["unread_item_ids"].(string), ",") != 1 {
		t.Errorf("unread ids: %v", m["unread_item_ids"])
	}
	fever(fmt.Sprintf("mark=item&as=read&id=%d", floodID), key)
	fever(fmt.Sprintf("mark=item&as=saved&id=%d", floodID), key)
	db.View(func(tx *store.Tx) error {
		for _, l := range tx.Copies(floodID) {
			if tx.ItemFlags(user, l.Copy) != store.Read|store.Starred {
				t.Errorf("copy not marked with its original: %v", tx.ItemFlags(user, l.Copy))
			}
		}
		return nil
	})
	if m := fever("saved_item_ids", key); m["saved_item_ids"] != fmt.Sprint(floodID) {
		t.Errorf("saved ids: %v", m["saved_item_ids"])
	}
	fever("mark=group&as=read&id=1&before=4102444800", key)
	if m := fever("unread_item_ids", key); m["unread_item_ids"] != "" {
		t.Errorf("after marking the group read: %v", m["unread_item_ids"])
	}
	if m := fever("mark=item&as=eaten&id=1", key); m["error"] == nil {
		t.Errorf("bad mark accepted: %v", m)
	}
}

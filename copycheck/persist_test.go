package copycheck

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// persistDraft copies from the river notice (edited) and the party
// opinion, with stock phrases between.
const persistDraft = "我们深入学习贯彻习近平新时代中国特色社会主义思想。各地要按照一河一策要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。\n各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次。"

func reportJSON(t *testing.T, c *Checker, text string) string {
	t.Helper()
	b, err := json.Marshal(check(t, c, text))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPersistedIndex checks that an index written to a file and opened
// again by another checker gives the same reports as the one built in
// memory, and follows the library after it is reopened.
func TestPersistedIndex(t *testing.T) {
	mem, st := smallLibrary(t)
	want := reportJSON(t, mem, persistDraft)

	path := filepath.Join(t.TempDir(), FileName)
	built := New(st, Options{Path: path})
	if err := built.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := reportJSON(t, built, persistDraft); got != want {
		t.Errorf("built into a file:\n got %s\nwant %s", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("index file: %v", err)
	}
	opened := New(st, Options{Path: path})
	if err := opened.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := reportJSON(t, opened, persistDraft); got != want {
		t.Errorf("opened from the file:\n got %s\nwant %s", got, want)
	}
	if fi2, err := os.Stat(path); err != nil || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Errorf("opening rewrote the file (%v)", err)
	}
	if got, want := opened.Stats().Documents, built.Stats().Documents; got != want {
		t.Errorf("documents = %d, want %d", got, want)
	}

	// After reopening: a source deleted, another published.
	text := "转发如下：各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次。"
	st.drop(2)
	if got := len(check(t, opened, text).Passages); got != 0 {
		t.Errorf("after the source is deleted: passages = %d, want 0", got)
	}
	st.put(3, "doc-new", "新发布", "2024-01-01", "各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次。")
	r := check(t, opened, text)
	if len(r.Passages) != 1 {
		t.Fatalf("after another is published: passages = %d, want 1", len(r.Passages))
	}
	if got := r.Passages[0].DocumentID; got != "doc-new" {
		t.Errorf("document = %q, want doc-new", got)
	}

	// A row given to another document with the same title and size is
	// indexed again after a restart.
	st.put(1, "doc-other", "关于加强河湖管理的通知", "2023-05-01", "各县区人民政府：\n为切实加强全市河湖管理保护工作，建立健全河长制工作体系，经市政府同意，现就有关事项通知如下。\n各地要按照一村一策的要求，组织编制乡村建设行动方案，明确乡村建设范围和实施责任呀。")
	again := New(st, Options{Path: path})
	if err := again.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = check(t, again, "各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。")
	if got := len(r.Passages); got != 0 {
		t.Errorf("row 1 replaced: passages = %d, want 0", got)
	}
}

// TestDamagedIndexRebuilt flips bytes in each section of the file, and
// truncates it: each time the file is found invalid and rebuilt, and the
// reports are those of an intact index.
func TestDamagedIndexRebuilt(t *testing.T) {
	mem, st := smallLibrary(t)
	want := reportJSON(t, mem, persistDraft)
	path := filepath.Join(t.TempDir(), FileName)
	if err := New(st, Options{Path: path}).Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := unmarshalHeader(good, int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	damage := map[string]func([]byte) []byte{
		"truncated":   func(b []byte) []byte { return b[:len(b)-100] },
		"header only": func(b []byte) []byte { return b[:headerSize] },
		"empty":       func(b []byte) []byte { return nil },
		"header byte": func(b []byte) []byte { b[20] ^= 0x40; return b },
		"longer":      func(b []byte) []byte { return append(b, 0) },
	}
	for i, s := range h.Sections {
		if s.Len == 0 {
			continue
		}
		at := s.Off + s.Len/2
		damage["section "+string(rune('0'+i))] = func(b []byte) []byte { b[at] ^= 0xFF; return b }
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, fn(append([]byte(nil), good...)), 0o644); err != nil {
				t.Fatal(err)
			}
			c := New(st, Options{Path: path})
			if err := c.Build(context.Background()); err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got := reportJSON(t, c, persistDraft); got != want {
				t.Errorf("report:\n got %s\nwant %s", got, want)
			}
			f, err := openIndexFile(path)
			if err == nil {
				err = f.verify(secDF, secOffsets, secEntries)
				f.close()
			}
			if err != nil {
				t.Errorf("the file was not rebuilt: %v", err)
			}
		})
	}
}

// TestCompactedIndex adds and deletes documents after the file is
// written, until the file is rewritten (compacted): the reports are those
// of an index built anew, and so are those of the rewritten file opened
// again.
func TestCompactedIndex(t *testing.T) {
	defer func(n int) { minCompact = n }(minCompact)
	minCompact = 1
	ctx := context.Background()
	_, st := smallLibrary(t)
	path := filepath.Join(t.TempDir(), FileName)
	c := New(st, Options{Path: path})
	if err := c.Build(ctx); err != nil {
		t.Fatal(err)
	}
	before, err := openIndexFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer before.close()
	st.drop(1)
	for i := 0; i < 30; i++ {
		st.put(int64(100+i), fmt.Sprintf("doc-added-%d", i), "新增文件", "2024-02-01",
			fmt.Sprintf("第%d号：各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。另附说明%d条。", i, i*31))
	}
	got := reportJSON(t, c, persistDraft) // syncs, then compacts
	after, err := openIndexFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer after.close()
	if after.h.Slots <= before.h.Slots {
		t.Errorf("file slots = %d after adding 30 documents, want more than %d (not compacted?)", after.h.Slots, before.h.Slots)
	}
	if st := c.Stats(); st.Entries != int(after.h.Entries) {
		t.Errorf("entries = %d, want %d: all in the rewritten table", st.Entries, after.h.Entries)
	}
	fresh := New(st, Options{})
	if want := reportJSON(t, fresh, persistDraft); got != want {
		t.Errorf("compacted:\n got %s\nwant %s", got, want)
	}
	reopened := New(st, Options{Path: path})
	if err := reopened.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if got2 := reportJSON(t, reopened, persistDraft); got2 != got {
		t.Errorf("compacted file reopened:\n got %s\nwant %s", got2, got)
	}
}

// TestTemporaryIndex checks the use without a data folder: the index
// file is made in the temporary folder and removed once mapped.
func TestTemporaryIndex(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	c, _ := smallLibrary(t)
	if got := len(check(t, c, persistDraft).Passages); got != 2 {
		t.Errorf("passages = %d, want 2", got)
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left in the temporary folder: %s", e.Name())
	}
	if st := c.Stats(); st.Mapped == 0 {
		t.Errorf("mapped = 0, want the index file's size")
	}
}

// TestReadOnlyDataFolder checks that a data folder the process may not
// write still gets an index (a temporary one).
func TestReadOnlyDataFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only folder")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	_, st := smallLibrary(t)
	c := New(st, Options{Path: filepath.Join(dir, FileName)})
	if got := len(check(t, c, persistDraft).Passages); got != 2 {
		t.Errorf("passages = %d, want 2", got)
	}
}

package http_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/ingest"
	"github.com/wengao/wengao/sqlite"
)

// corpusFile returns the contents of a real file of shared/corpus/files,
// found in $WENGAO_CORPUS_FILES or in a folder "shared" beside a parent of
// the package. The test is skipped when it is missing, except in CI,
// where it fails.
func corpusFile(t *testing.T, name string) []byte {
	t.Helper()
	dirs := []string{os.Getenv("WENGAO_CORPUS_FILES")}
	if dir, err := os.Getwd(); err == nil {
		for {
			dirs = append(dirs, filepath.Join(dir, "shared", "corpus", "files"))
			if filepath.Dir(dir) == dir {
				break
			}
			dir = filepath.Dir(dir)
		}
	}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return data
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found in shared/corpus/files", name)
	}
	t.Skipf("%s not found in shared/corpus/files; set WENGAO_CORPUS_FILES", name)
	return nil
}

// splitTitleHTML is a page whose title is set on three bold, centred
// lines under an attachment label, as 公文 attachments often are.
func splitTitleHTML(*testing.T) []byte {
	return []byte(`<html><head><meta charset="utf-8"></head><body>
<p>附件2</p>
<p align="center"><b>江西省2024年度考试录用公务员</b></p>
<p align="center"><b>财政金融类职位</b></p>
<p align="center"><b>专业科目考试大纲</b></p>
<p>为便于报考者充分了解财政金融类职位专业科目笔试，特制定本大纲。</p>
<p>一、考试方式</p>
<p>笔试采用闭卷方式，考试时限为120分钟，满分100分。</p>
<p>二、考试内容</p>
<p>主要测查报考者从事财政金融工作所必需的专业知识和能力。</p>
</body></html>`)
}

// TestUploadAndImportAgree sends the same files through an upload and an
// import: both take the same text, metadata, text hash and near-duplicate
// signature from it, and a title set over several lines is off the body
// in both.
func TestUploadAndImportAgree(t *testing.T) {
	for _, c := range []struct {
		name  string
		data  func(*testing.T) []byte
		title string // the title that must not stay in the body, "" for none
	}{
		{"附件2.html", splitTitleHTML, "江西省2024年度考试录用公务员财政金融类职位专业科目考试大纲"},
		{"通知.docx", func(t *testing.T) []byte { return noticeDocx(t, "") }, "国务院办公厅关于加强城市地下管线建设管理的指导意见"},
		{"大纲1.docx", func(t *testing.T) []byte {
			return corpusFile(t, "大纲1：中央机关及其直属机构2022年度考试录用公务员公共科目笔试考试大纲.docx")
		}, "中央机关及其直属机构2022年度考试录用公务员公共科目笔试考试大纲"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := c.data(t)
			ctx := context.Background()

			e := newUploadEnv(t)
			st, ans := e.upload(t, e.reader, "", file{c.name, data})
			if got := st; got != 201 {
				t.Fatalf("upload: st = %v, want %v", got, 201)
			}
			if got := len(ans.Uploads); got != 1 {
				t.Fatalf("upload: len(ans.Uploads) = %v, want %v", got, 1)
			}
			up, err := e.db.FindUpload(ctx, ans.Uploads[0].ID)
			if err != nil {
				t.Fatal(err)
			}

			path := filepath.Join(t.TempDir(), c.name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := sqlite.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			sum, err := (&importer.Importer{Service: db}).Run(ctx, []string{path})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Imported != 1 {
				t.Fatalf("import: %+v", sum)
			}
			ids, err := db.DocumentIDs(ctx)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if got := len(ids); got != 1 {
				t.Fatalf("import: len(ids) = %v, want %v", got, 1)
			}
			doc, err := db.FindDocumentByID(ctx, ids[0])
			if err != nil {
				t.Fatal(err)
			}

			for _, f := range []struct{ what, upload, doc string }{
				{"title", up.Meta.Title, doc.Title},
				{"date", up.Meta.Date, doc.Date},
				{"issuer", up.Meta.Issuer, doc.Author},
				{"category", up.Meta.Category, doc.Category},
				{"text hash", up.TextHash, ingest.TextHash(doc.Body)},
			} {
				if f.upload != f.doc {
					t.Errorf("%s: upload %q, import %q", f.what, f.upload, f.doc)
				}
			}
			if !reflect.DeepEqual(up.Body, doc.Body) {
				t.Errorf("body:\nupload %q\nimport %q", up.Body, doc.Body)
			}
			if got, want := ingest.Sign(up.Meta.Title, up.Body), ingest.Sign(doc.Title, doc.Body); got != want {
				t.Errorf("near-duplicate signatures differ")
			}
			if c.title != "" {
				if got, want := up.Meta.Title, c.title; got != want {
					t.Errorf("title %q, want %q", got, want)
				}
				for i, p := range up.Body[:min(5, len(up.Body))] {
					if len([]rune(p)) > 4 && strings.Contains(c.title, p) {
						t.Errorf("body paragraph %d %q is part of the title", i, p)
					}
				}
			}
		})
	}
}

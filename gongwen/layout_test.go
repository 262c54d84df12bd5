package gongwen

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStructure(t *testing.T) {
	const notice = `国务院办公厅关于开展
城镇小区配套幼儿园治理工作的通知
国办发〔2019〕3号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
城镇小区配套建设幼儿园是城镇公共服务设施建设的重要内容。
一、总体要求
各地区要认真落实。
附件：1.城镇小区配套幼儿园治理工作台账
2.治理工作进展情况表
国务院办公厅
二〇一九年一月九日
（此件公开发布）`
	ps := strings.Split(notice, "\n")
	l := Structure("国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知", ps)
	check := func(name string, got, want any) {
		t.Helper()
		if !equal(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("Title", l.Title, []int{0, 1})
	check("DocNumber", l.DocNumber, 2)
	check("Addressee", l.Addressee, 3)
	check("Attachments", l.Attachments, []int{7, 8})
	check("Signature", l.Signature, []int{9})
	check("Date", l.Date, 10)
	check("DateValue", FormatDate(l.DateValue), "2019年1月9日")
	check("Note", l.Note, 11)
	check("Role(5)", l.Role(5), RoleBody)
	check("Role(9)", l.Role(9), RoleSignature)

	// A law: no title repeat, no addressee, no 落款.
	law := []string{"2005年12月29日第十届全国人民代表大会常务委员会第十九次会议通过", "第一章　总　则", "第一条　为了规范畜牧业生产经营行为，制定本法。", "第二条　本法自2006年7月1日起施行。"}
	l = Structure("中华人民共和国畜牧法", law)
	check("law Title", l.Title, []int(nil))
	check("law Addressee", l.Addressee, -1)
	check("law Date", l.Date, -1)
	check("law Note", l.Note, -1)

	// Issuer and date on one line; a speech's address.
	l = Structure("", []string{"各位代表：", "现在，我代表国务院，向大会报告政府工作。", "国务院办公厅 2019年1月22日"})
	check("speech Addressee", l.Addressee, 0)
	check("one-line Date", l.Date, 2)
	check("one-line Signature", l.Signature, []int(nil))

	// Nothing at all.
	l = Structure("标题", nil)
	check("empty Date", l.Date, -1)
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case []int:
		return slices.Equal(x, b.([]int))
	case time.Time:
		return x.Equal(b.(time.Time))
	}
	return a == b
}

// TestStructureBounded feeds Structure a huge input.
func TestStructureBounded(t *testing.T) {
	ps := make([]string, 1<<20)
	for i := range ps {
		ps[i] = ""
	}
	ps[len(ps)-1] = strings.Repeat("长", 1<<20)
	start := time.Now()
	Structure(strings.Repeat("题", 1000), ps)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Structure took %v", d)
	}
}

// FuzzStructure checks that Structure never fails and that every part it
// names is a paragraph of the input, each in one part only, the 落款
// after the head.
func FuzzStructure(f *testing.F) {
	for _, c := range detectCases {
		f.Add(c.title, c.text)
	}
	f.Add("标题", "标题\n国发〔2019〕1号\n各部门：\n附件：1.甲\n2.乙\n国务院\n2019年1月1日\n（此件公开发布）")
	f.Fuzz(func(t *testing.T, title, text string) {
		ps := strings.Split(text, "\n")
		l := Structure(title, ps)
		seen := map[int]Role{}
		mark := func(i int, r Role) {
			if i < 0 {
				return
			}
			if i >= len(ps) {
				t.Fatalf("role %d at paragraph %d of %d", r, i, len(ps))
			}
			if old, dup := seen[i]; dup {
				t.Fatalf("paragraph %d is both %d and %d", i, old, r)
			}
			seen[i] = r
			if got := l.Role(i); got != r {
				t.Fatalf("Role(%d) = %d, want %d", i, got, r)
			}
		}
		for _, i := range l.Title {
			mark(i, RoleTitle)
		}
		mark(l.DocNumber, RoleDocNumber)
		mark(l.Addressee, RoleAddressee)
		for _, i := range l.Attachments {
			mark(i, RoleAttachment)
		}
		for _, i := range l.Signature {
			mark(i, RoleSignature)
		}
		mark(l.Date, RoleDate)
		mark(l.Note, RoleNote)
		if l.Date >= 0 && (l.Date <= l.Addressee || l.Date <= l.DocNumber) {
			t.Fatalf("the date (%d) is not after the head (%d, %d)", l.Date, l.DocNumber, l.Addressee)
		}
		if l.Note >= 0 && l.Date < 0 {
			t.Fatal("a 附注 without a date")
		}
	})
}

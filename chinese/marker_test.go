package chinese

import (
	"fmt"
	"slices"
	"testing"
)

func TestMarkers(t *testing.T) {
	ps := []string{
		"目录",
		"第一章　总则",
		"第二章　附则",
		"第一章",
		"总　则",
		"第一条　为了规范管理，制定本办法。",
		"　　一、总体要求",
		"三、重点任务",
		"（二）、加强领导",
		"1.5亿元用于补助。",
		"（1）",
		"第三条规定的情形除外。",
	}
	var got []string
	for _, m := range Markers(ps) {
		got = append(got, fmt.Sprintf("%d %s %d@%d %v", m.Paragraph, m.Text, m.N, m.Offset, m.HasText))
	}
	want := []string{
		"3 第一章 1@0 true", // the table of contents is skipped; the title is on the next line
		"5 第一条 1@0 true",
		"6 一、 1@6 true", // after two U+3000
		"7 三、 3@0 true", // kept although it skips 二、
		"8 （二） 2@0 true",
		"10 （1） 1@0 false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Markers:\n got %q\nwant %q", got, want)
	}
	if !HeadingZhang.ChapterLike() || HeadingHanParen.ChapterLike() {
		t.Errorf("ChapterLike: 章 %v, （一） %v; want true, false", HeadingZhang.ChapterLike(), HeadingHanParen.ChapterLike())
	}
}

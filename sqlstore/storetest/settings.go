package storetest

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

func testSettings(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	s, v, err := db.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := v; got != 0 {
		t.Errorf("never saved: v = %v, want %v", got, 0)
	}
	if !reflect.DeepEqual(s, wengao.DefaultSettings()) {
		t.Errorf("never saved: %d %+v (want reflect.DeepEqual(s, wengao.DefaultSettings()))", v, s)
	}

	want := wengao.DefaultSettings()
	want.SiteName = "政策文库"
	want.DownloadPrice = 0
	want.UploadReward = 30
	want.PreviewRule = wengao.PreviewRule{Percent: 50, MaxChars: 800}
	want.NearDuplicatePolicy = wengao.NearDuplicateReject
	in := want
	in.SiteName = "  政策文库 "
	if err := db.SaveSettings(ctx, in); err != nil {
		t.Fatal(err)
	}
	// The saving process sees its save at once.
	{
		s, v, err = db.LoadSettings(ctx)
		if err != nil {
			t.Fatalf("after save: %v", err)
		}
		if got := v; got != 1 {
			t.Errorf("after save: v = %v, want %v", got, 1)
		}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("after save: %d %+v %v (want reflect.DeepEqual(s, want))", v, s, err)
		}
	}
	// Another process reads them from the database.
	other := db.Reopen(t)
	clock := other.Clock
	{
		s, v, err = other.LoadSettings(ctx)
		if err != nil {
			t.Fatalf("other: %v", err)
		}
		if got := v; got != 1 {
			t.Errorf("other: v = %v, want %v", got, 1)
		}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("other: %d %+v %v (want reflect.DeepEqual(s, want))", v, s, err)
		}
	}

	for _, bad := range []func(*wengao.Settings){
		func(s *wengao.Settings) { s.SignupBonus = -1 },
		func(s *wengao.Settings) { s.SiteName = " " },
		func(s *wengao.Settings) { s.UploadMaxBytes = 10 },
		func(s *wengao.Settings) { s.NearDuplicatePolicy = "ignore" },
		func(s *wengao.Settings) { s.PreviewRule.Percent = 0 },
	} {
		s := want
		bad(&s)
		if err := db.SaveSettings(ctx, s); wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("%+v: %v", s, err)
		}
	}
	if _, v, _ = db.LoadSettings(ctx); v != 1 {
		t.Errorf("version after refused saves: %d", v)
	}

	want.SignInPoints = 9
	if err := db.SaveSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	{
		s, v, _ = db.LoadSettings(ctx)
		if got := v; got != 2 {
			t.Errorf("second save: v = %v, want %v", got, 2)
		}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("second save: %d %+v (want reflect.DeepEqual(s, want))", v, s)
		}
	}
	// The other process notices within a second, not before.
	if _, v, err = other.LoadSettings(ctx); err != nil {
		t.Fatal(err)
	} else if v != 1 {
		t.Errorf("other at once after the second save: version %d, want 1 (cached)", v)
	}
	clock.Advance(time.Second)
	if s, v, err = other.LoadSettings(ctx); err != nil {
		t.Fatal(err)
	} else if v != 2 {
		t.Errorf("other a second after the second save: version %d, want 2", v)
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("other after second save: %+v", s)
	}

	// Settings saved by an older program lack newer fields: they keep
	// their defaults.
	mustRawExec(t, db, `UPDATE settings SET data = '{"site_name":"旧站","signup_bonus":1}', version = version + 1 WHERE id = 1`)
	third := db.Reopen(t)
	s, v, err = third.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := wengao.DefaultSettings()
	old.SiteName, old.SignupBonus = "旧站", 1
	if got := v; got != 3 {
		t.Errorf("partial: v = %v, want %v", got, 3)
	}
	if !reflect.DeepEqual(s, old) {
		t.Errorf("partial: %d %+v (want reflect.DeepEqual(s, old))", v, s)
	}
}

// testSettingsConcurrent: loads while saves go on see whole settings of
// one version or another, with versions that never go back.
func testSettingsConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := int64(0)
			for i := 0; i < 200; i++ {
				s, v, err := db.LoadSettings(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if v < last || (v > 0 && s.SignupBonus != v) {
					t.Errorf("version %d after %d, bonus %d", v, last, s.SignupBonus)
					return
				}
				last = v
			}
		}()
	}
	for i := int64(1); i <= 20; i++ {
		s := wengao.DefaultSettings()
		s.SignupBonus = i // the version each save makes
		if err := db.SaveSettings(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	{
		s, v, err := db.LoadSettings(ctx)
		if err != nil {
			t.Fatalf("last: %v", err)
		}
		if got := v; got != 20 {
			t.Errorf("last: v = %v, want %v", got, 20)
		}
		if got := s.SignupBonus; got != 20 {
			t.Errorf("last: s.SignupBonus = %v, want %v", got, 20)
		}
	}
}

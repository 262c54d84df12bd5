package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.SettingsService = (*Store)(nil)

// settingsCheckEvery is how often the settings' version is read: settings
// saved by another process (or instance) apply within it.
const settingsCheckEvery = time.Second

// LoadSettings returns the stored settings over the defaults, and their
// version: 0 when they were never saved. It reads the database at most
// every settingsCheckEvery, and the settings themselves only when their
// version changed.
func (s *Store) LoadSettings(ctx context.Context) (wengao.Settings, int64, error) {
	return s.settings.get(s.Now(), func() (int64, error) {
		var v int64
		err := s.read.QueryRowContext(ctx, `SELECT version FROM settings WHERE id = 1`).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return v, err
	}, func(v int64) (wengao.Settings, int64, error) {
		set := wengao.DefaultSettings()
		if v == 0 {
			return set, 0, nil
		}
		var data string
		if err := s.read.QueryRowContext(ctx, `SELECT data, version FROM settings WHERE id = 1`).Scan(&data, &v); err != nil {
			return wengao.Settings{}, 0, err
		}
		// Fields the stored JSON lacks (added since it was saved) keep
		// their defaults.
		if err := json.Unmarshal([]byte(data), &set); err != nil {
			return wengao.Settings{}, 0, err
		}
		return set, v, nil
	})
}

// SaveSettings validates and stores set under a new version.
func (s *Store) SaveSettings(ctx context.Context, set wengao.Settings) error {
	set.SiteName = strings.TrimSpace(set.SiteName)
	if err := set.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(set)
	if err != nil {
		return err
	}
	// This process sees its own save at once.
	saved := func(tx *Tx) {
		tx.OnCommit(s.settings.forget)
		tx.Changed(wengao.ChangeSettings)
	}
	_, err = ExecAudited(ctx, s, saved, `INSERT INTO settings (id, data, version, updated_at) VALUES (1, ?, 1, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, version = settings.version + 1, updated_at = excluded.updated_at`,
		string(data), s.Now().Unix())
	return err
}

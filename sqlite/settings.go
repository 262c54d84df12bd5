package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/wengao/wengao"
)

var _ wengao.SettingsService = (*DB)(nil)

// settingsCheckEvery is how often the settings' version is read: settings
// saved by another process (or instance) apply within it.
const settingsCheckEvery = time.Second

// settingsCache holds the settings last read and their version.
type settingsCache struct {
	mu       sync.Mutex
	checked  time.Time
	loaded   bool
	version  int64
	settings wengao.Settings
}

// settingsCaches holds the cache of each open DB. It lives outside DB so
// that this file is all the settings need; the key is weak and the entry
// goes when its DB is collected.
var settingsCaches sync.Map // weak.Pointer[DB] → *settingsCache

// settingsCache returns db's settings cache, creating it on first use.
func (db *DB) settingsCache() *settingsCache {
	k := weak.Make(db)
	if c, ok := settingsCaches.Load(k); ok {
		return c.(*settingsCache)
	}
	c, loaded := settingsCaches.LoadOrStore(k, &settingsCache{})
	if !loaded {
		runtime.AddCleanup(db, func(k weak.Pointer[DB]) { settingsCaches.Delete(k) }, k)
	}
	return c.(*settingsCache)
}

// LoadSettings returns the stored settings over the defaults, and their
// version: 0 when they were never saved. It reads the database at most
// every settingsCheckEvery, and the settings themselves only when their
// version changed.
func (db *DB) LoadSettings(ctx context.Context) (wengao.Settings, int64, error) {
	c := db.settingsCache()
	c.mu.Lock()
	defer c.mu.Unlock()
	now := db.Now()
	if c.loaded && now.Sub(c.checked) < settingsCheckEvery {
		return c.settings, c.version, nil
	}
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT version FROM settings WHERE id = 1`).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return wengao.Settings{}, 0, err
	}
	if c.loaded && v == c.version {
		c.checked = now
		return c.settings, c.version, nil
	}
	s := wengao.DefaultSettings()
	if v != 0 {
		var data string
		if err := db.read.QueryRowContext(ctx, `SELECT data, version FROM settings WHERE id = 1`).Scan(&data, &v); err != nil {
			return wengao.Settings{}, 0, err
		}
		// Fields the stored JSON lacks (added since it was saved) keep
		// their defaults.
		if err := json.Unmarshal([]byte(data), &s); err != nil {
			return wengao.Settings{}, 0, err
		}
	}
	c.settings, c.version, c.loaded, c.checked = s, v, true, now
	return s, v, nil
}

// SaveSettings validates and stores s under a new version.
func (db *DB) SaveSettings(ctx context.Context, s wengao.Settings) error {
	s.SiteName = strings.TrimSpace(s.SiteName)
	if err := s.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	// This process sees its own save at once.
	saved := func(tx *Tx) {
		tx.OnCommit(func() {
			c := db.settingsCache()
			c.mu.Lock()
			c.checked = time.Time{}
			c.mu.Unlock()
		})
		tx.changed(wengao.ChangeSettings)
	}
	_, err = db.execAudited(ctx, saved, `INSERT INTO settings (id, data, version, updated_at) VALUES (1, ?, 1, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, version = version + 1, updated_at = excluded.updated_at`,
		string(data), db.Now().Unix())
	return err
}

package instance

import (
	"fmt"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/trace"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
)

// CacheKey is the key of the plug-in config entry that maps instance GUIDs
// to their regions, as in {"instance_regions": {"GUID": "eu-de"}}.
const CacheKey = "instance_regions"

// Cache stores the region of each Key Protect instance that a lookup found,
// in the plug-in's config file (config.json in the plug-in's folder, which
// the SDK manages).
//
// The cache never fails a command: an unreadable or unwritable config is
// traced and treated as an empty cache. SDK v1.12.1 panics inside
// PluginConfig when the file cannot be loaded, so every access recovers.
//
// NOTE: two plug-in processes that store entries at the same time can lose
// one of them, because the SDK saves the whole file it loaded. The lost
// entry costs one more lookup.
type Cache struct {
	Config plugin.PluginConfig
}

// Region returns the cached region of the instance.
func (c Cache) Region(guid string) (region string, found bool) {
	err := c.access("read", func() error {
		regions, err := c.Config.GetStringMapString(CacheKey)
		if err != nil {
			return err
		}
		region, found = regions[guid]
		return nil
	})
	if err != nil {
		return "", false
	}
	return region, found && region != ""
}

// Store caches the region of the instance. A failure is traced and ignored.
func (c Cache) Store(guid, region string) {
	_ = c.access("store", func() error {
		return c.Config.Set(CacheKey, c.updated(func(regions map[string]any) {
			regions[guid] = region
		}))
	})
}

// Drop removes the instance from the cache. A failure is traced and ignored.
func (c Cache) Drop(guid string) {
	_ = c.access("drop", func() error {
		return c.Config.Set(CacheKey, c.updated(func(regions map[string]any) {
			delete(regions, guid)
		}))
	})
}

// updated returns a copy of the cached map after change. It builds a
// map[string]any, because the SDK's GetStringMapString rejects any other map
// type that Set left in memory. An entry of the wrong type starts afresh.
func (c Cache) updated(change func(map[string]any)) map[string]any {
	regions := map[string]any{}
	if stored, err := c.Config.GetStringMapString(CacheKey); err == nil {
		for guid, region := range stored {
			regions[guid] = region
		}
	}
	change(regions)
	return regions
}

// access runs op on the config, turning an error or a panic of the SDK
// into a traced error.
func (c Cache) access(what string, op func() error) (err error) {
	if c.Config == nil {
		return fmt.Errorf("no plug-in config")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
		if err != nil {
			trace.Logger.Printf("Instance region cache (%s in the plug-in config): %s failed: %v", CacheKey, what, err)
		}
	}()
	return op()
}

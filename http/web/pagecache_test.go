package web

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPageRenderWaiterCancelled checks that a request waiting for another
// request's render of the same page stops waiting when its own context
// ends, and that the render still completes and is cached for others.
func TestPageRenderWaiterCancelled(t *testing.T) {
	var c pageCache
	started, release := make(chan struct{}), make(chan struct{})
	leader := make(chan error, 1)
	go func() {
		_, err := c.Render(context.Background(), "k", func() (*CachedPage, error) {
			close(started)
			<-release
			return newCachedPage([]byte("<p>page</p>"), 0, 0, time.Now().Add(time.Minute)), nil
		})
		leader <- err
	}()
	<-started

	ctx, cancel := context.WithCancel(context.Background())
	waiter := make(chan error, 1)
	go func() {
		_, err := c.Render(ctx, "k", func() (*CachedPage, error) {
			t.Error("a second render of the same page ran")
			return nil, nil
		})
		waiter <- err
	}()
	cancel()
	select {
	case err := <-waiter:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled waiter: err %v, want %v", err, context.Canceled)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled waiter still waits for the render")
	}

	close(release)
	if err := <-leader; err != nil {
		t.Fatalf("render: %v", err)
	}
	if c.Get("k", time.Now()) == nil {
		t.Error("the render was not cached")
	}
}

// TestPageRenderBeforeClear: a render that began before the cache was
// cleared may show what the clear was for, and is not cached.
func TestPageRenderBeforeClear(t *testing.T) {
	var c pageCache
	now := time.Now()
	if _, err := c.Render(context.Background(), "k", func() (*CachedPage, error) {
		c.clear() // a write committed while the page was rendered
		return newCachedPage([]byte("<p>stale</p>"), 0, 0, now.Add(time.Minute)), nil
	}); err != nil {
		t.Fatal(err)
	}
	if c.Get("k", now) != nil {
		t.Error("a page rendered across a clear was cached")
	}
	if _, err := c.Render(context.Background(), "k", func() (*CachedPage, error) {
		return newCachedPage([]byte("<p>fresh</p>"), 0, 0, now.Add(time.Minute)), nil
	}); err != nil {
		t.Fatal(err)
	}
	if c.Get("k", now) == nil {
		t.Error("a page rendered after the clear was not cached")
	}
	if c.Get("k", now.Add(2*time.Minute)) != nil {
		t.Error("a page was served past its expiry")
	}
}

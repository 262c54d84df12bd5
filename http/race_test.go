//go:build race

package http_test

// raceEnabled is true when the tests run under the race detector, which
// makes crawling every page of the sample library too slow:
// TestSecurityAnonymousCrawl then visits a sample of it, and
// scripts/test.sh runs it whole without the detector.
const raceEnabled = true

//go:build !race

package gongwen

// raceEnabled is true when the tests run under the race detector, which
// makes reading the whole corpus file too slow for TestCorpus.
const raceEnabled = false

//go:build race

package search_test

// raceEnabled is true when the tests run under the race detector, which
// makes comparing whole rankings too slow for every query of TestTopKAgreesWithRank.
const raceEnabled = true

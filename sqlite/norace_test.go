//go:build !race

package sqlite

// raceEnabled is true when the tests run under the race detector, which
// makes importing corpus documents too slow for TestRelatedOnCorpus.
const raceEnabled = false

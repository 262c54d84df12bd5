//go:build !race

package convert

// raceEnabled tells whether the race detector is on.
const raceEnabled = false

package wengao

// The reward policy of uploads, and its take-back.

// RewardNearThreshold is the similarity from which an approved upload
// earns nothing: it is all but a copy of a published document or of an
// earlier upload of the same user.
const RewardNearThreshold = 0.95

// UploadReward returns the points an approved upload earns: reward,
// unless the same content (file, text or document) earned before, or the
// text is at least RewardNearThreshold similar (nearest) to a published
// document or to an earlier upload of the same user.
func UploadReward(reward int64, earnedBefore bool, nearest float64) int64 {
	if earnedBefore || nearest >= RewardNearThreshold || reward <= 0 {
		return 0
	}
	return reward
}

// RewardTakeBack returns the points taken back from an upload that earned
// reward when it is deleted or a copyright complaint against it is
// upheld: all of it, even when that leaves the balance negative. A
// negative balance blocks spending until it is positive again, and the
// ledger check accepts it, since the entries explain it.
func RewardTakeBack(reward int64) int64 {
	return max(reward, 0)
}

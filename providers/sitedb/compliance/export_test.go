package compliance

// StagedOnly makes every import take the staging path until the returned
// function is called (tests compare it with the single pass).
func StagedOnly() (restore func()) {
	stagedOnly = true
	return func() { stagedOnly = false }
}

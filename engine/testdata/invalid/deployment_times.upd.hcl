deployment "october" {
  site       = "LAB"
  name       = "October security updates"
  updates    = ["KB958644", "KB-123"] # ERROR: Invalid update id
  collection = "LAB00012"
  package    = "LAB00013"
  start_time = "2026-10-14T02:00:00Z"
  deadline   = "2026-10-01T02:00:00Z" # ERROR: Deadline before start time
  sms2003 {
    enabled             = true
    max_install_minutes = 120 # ERROR: Maximum installation time without a schedule
  }
}

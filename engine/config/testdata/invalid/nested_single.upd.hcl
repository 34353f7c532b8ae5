deployment "dec" {
  site       = "LAB"
  name       = "December"
  updates    = ["KB958644"]
  collection = "LAB00002"
  start_time = "2026-12-09T02:00:00Z"

  sms2003 {
    enabled = true
  }
  sms2003 { # ERROR: Duplicate sms2003 block
    hide = true
  }
}

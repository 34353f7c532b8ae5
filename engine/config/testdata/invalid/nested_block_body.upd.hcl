deployment "dec" {
  site       = "LAB"
  name       = "December"
  updates    = ["KB958644"]
  collection = "LAB00002"
  start_time = "2026-12-09T02:00:00Z"

  sms2003 {
    enable = true # ERROR: Unsupported argument
  }

  sms2004 { # ERROR: Unsupported block type
  }
}

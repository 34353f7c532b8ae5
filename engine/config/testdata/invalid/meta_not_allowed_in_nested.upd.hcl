deployment "dec" {
  site       = "LAB"
  name       = "December"
  updates    = ["KB958644"]
  collection = "LAB00002"
  start_time = "2026-12-09T02:00:00Z"

  sms2003 {
    count = 1 # ERROR: Unsupported argument
  }
  provider = sitedb # ERROR: Unsupported argument
}

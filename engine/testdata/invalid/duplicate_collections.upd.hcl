collection "sync" {
  site = "LAB"
  name = "SMS 2003 clients"
}

collection "sync_again" {
  site = "LAB"
  name = "SMS 2003 clients" # ERROR: Duplicate collection name
}

collection "other_site" {
  site = "BR1"
  name = "SMS 2003 clients"
}

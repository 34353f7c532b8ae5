collection "sync" {
  site = "LAB"
  name = "Microsoft Updates Tool Sync"
}

collection "sync_again" {
  site = "LAB"
  name = "Microsoft Updates Tool Sync" # ERROR: Duplicate collection name
}

collection "other_site" {
  site = "BR1"
  name = "Microsoft Updates Tool Sync"
}

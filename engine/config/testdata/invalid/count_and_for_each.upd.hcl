collection "c" {
  count    = 2
  for_each = toset(["a", "b"]) # ERROR: Invalid combination of "count" and "for_each"
  site     = "LAB"
  name     = "C"
}

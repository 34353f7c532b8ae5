collection "negative" {
  count = -1 # ERROR: Invalid count argument
  site  = "LAB"
  name  = "Clients ${count.index}"
}

collection "listed" {
  for_each = ["a", "b"] # ERROR: Invalid for_each argument
  site     = "LAB"
  name     = "Clients ${each.key}"
}

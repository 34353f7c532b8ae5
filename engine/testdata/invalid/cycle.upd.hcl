collection "a" {
  site    = "LAB"
  name    = "A"
  comment = collection.b.id # ERROR: Cycle in references
}

collection "b" {
  site    = "LAB"
  name    = "B"
  comment = collection.a.id
}

collection "from_file" {
  site    = "LAB"
  name    = "From file"
  comment = file("no-such-file.txt") # ERROR: Invalid function argument
}

collection "bad_function" {
  site    = "LAB"
  name    = "Bad function"
  comment = uppr("x") # ERROR: Call to unknown function
}

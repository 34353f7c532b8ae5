updplan {
  required_version = "^1.0" # ERROR: Invalid required_version
}

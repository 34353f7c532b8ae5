updplan {
  required_version = ">= 9.0" # ERROR: Unsupported updplan version
}

updplan {
  required_version = ">= 0.1"
}

updplan { # ERROR: Duplicate updplan block
}
